package io.gatekeep.shared.attention;

import io.gatekeep.shared.guide.NextStep;

import java.util.Map;

/**
 * A condition that holds now for one subject of an organization (a connection, directory or
 * domain): what the attention item for it says. {@code stage} is what a reminder follows
 * (certificates: {@code 90}, {@code 30}, {@code 7}, {@code 1}, {@code expired}); {@code facts} are
 * the numbers and dates behind {@code title}, never a link or a secret.
 */
public record Condition(AttentionKind kind, String subjectType, String subjectId, String subjectName, String stage,
                        String title, Map<String, String> facts, NextStep nextStep) {

    public Condition {
        facts = Map.copyOf(facts);
    }

    /** The attention item's sort key suffix: one item per kind and subject. */
    public String key() {
        return key(kind, subjectId);
    }

    public static String key(AttentionKind kind, String subjectId) {
        return kind.wire() + "#" + subjectId;
    }
}
