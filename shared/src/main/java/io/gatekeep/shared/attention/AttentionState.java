package io.gatekeep.shared.attention;

import java.util.List;

/**
 * What the organization's partition holds for its attention items, read by the same Query as the rest
 * of it: the items (open and recently resolved), its attention clock ({@code dueAt}, null when none),
 * and its hourly counts of failed SSO sign-ins per connection ({@code SIGNINFAIL#{connectionId}#{hour}}).
 */
public record AttentionState(List<AttentionItem> items, String dueAt, List<SignInFailures> signInFailures) {
    public static final AttentionState NONE = new AttentionState(List.of(), null, List.of());

    public AttentionState {
        items = List.copyOf(items);
        signInFailures = List.copyOf(signInFailures);
    }

    /** Failed SSO sign-ins through one connection in one clock hour ({@code hour}: {@code yyyy-MM-ddTHH}, UTC). */
    public record SignInFailures(String connectionId, String hour, long count) {}

    public AttentionState withItems(List<AttentionItem> newItems) {
        return new AttentionState(newItems, dueAt, signInFailures);
    }
}
