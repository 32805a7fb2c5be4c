package io.gatekeep.shared.attention;

import io.gatekeep.shared.guide.NextStep;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An attention item as stored in the organization's partition ({@code ORG#{orgId}},
 * {@code ATTN#{kind}#{subjectId}}): one per kind and subject, {@code open} or {@code resolved}
 * (kept 30 days, then TTL). {@code version} goes up by one with every write; every transition is
 * written on the condition that it is still the version that was read, so two evaluations of the
 * same facts cannot both send a notice. {@code lastNoticeAt}/{@code lastNoticeStage} are what the
 * reminder cadence reads.
 */
public record AttentionItem(String organizationId, AttentionKind kind, String subjectType, String subjectId,
                            String subjectName, String state, String stage, String title, Map<String, String> facts,
                            NextStep nextStep, String openedAt, String updatedAt, String resolvedAt,
                            String lastNoticeAt, String lastNoticeStage, long notices, long version) {

    public static final String OPEN = "open";
    public static final String RESOLVED = "resolved";

    public boolean open() {
        return OPEN.equals(state);
    }

    public String key() {
        return Condition.key(kind, subjectId);
    }

    public Map<String, AttributeValue> toItem(Long ttl) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Keys.PK, Attr.s(Keys.orgPk(organizationId)));
        item.put(Keys.SK, Attr.s(Keys.attentionSk(key())));
        item.put("kind", Attr.s(kind.wire()));
        item.put("subjectType", Attr.s(subjectType));
        item.put("subjectId", Attr.s(subjectId));
        putIf(item, "subjectName", subjectName);
        item.put("state", Attr.s(state));
        item.put("stage", Attr.s(stage));
        item.put("title", Attr.s(title));
        item.put("facts", strings(facts));
        if (nextStep != null) {
            Map<String, String> step = new LinkedHashMap<>();
            step.put("problem", nextStep.problem());
            step.put("cause", nextStep.cause());
            step.put("fix", nextStep.fix());
            step.put("docUrl", nextStep.docUrl());
            step.put("portalIntent", nextStep.portalIntent());
            item.put("nextStep", strings(step));
        }
        item.put("openedAt", Attr.s(openedAt));
        item.put("updatedAt", Attr.s(updatedAt));
        putIf(item, "resolvedAt", resolvedAt);
        putIf(item, "lastNoticeAt", lastNoticeAt);
        putIf(item, "lastNoticeStage", lastNoticeStage);
        item.put("notices", Attr.n(notices));
        item.put("version", Attr.n(version));
        if (ttl != null) {
            item.put(Keys.TTL, Attr.n(ttl));
        }
        return item;
    }

    public static AttentionItem fromItem(String organizationId, Map<String, AttributeValue> item) {
        Map<String, String> step = strings(item, "nextStep");
        return new AttentionItem(organizationId, AttentionKind.of(Attr.str(item, "kind")), Attr.str(item, "subjectType"),
                Attr.str(item, "subjectId"), Attr.str(item, "subjectName"), Attr.str(item, "state"), Attr.str(item, "stage"),
                Attr.str(item, "title"), strings(item, "facts"),
                step.isEmpty() ? null : new NextStep(step.get("problem"), step.get("cause"), step.get("fix"),
                        step.get("docUrl"), step.get("portalIntent")),
                Attr.str(item, "openedAt"), Attr.str(item, "updatedAt"), Attr.str(item, "resolvedAt"),
                Attr.str(item, "lastNoticeAt"), Attr.str(item, "lastNoticeStage"), Attr.num(item, "notices", 0),
                Attr.num(item, "version", 0));
    }

    static AttributeValue strings(Map<String, String> values) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                m.put(k, Attr.s(v));
            }
        });
        return AttributeValue.fromM(m);
    }

    static Map<String, String> strings(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || !v.hasM()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        v.m().forEach((k, value) -> {
            if (value.s() != null) {
                out.put(k, value.s());
            }
        });
        return out;
    }

    private static void putIf(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, Attr.s(value));
        }
    }

    /** Open items first by when they opened, for health and the page. */
    public static List<AttentionItem> openOnes(List<AttentionItem> items) {
        return items.stream().filter(AttentionItem::open)
                .sorted(java.util.Comparator.comparing(AttentionItem::openedAt).thenComparing(AttentionItem::key)).toList();
    }
}
