package io.gatekeep.operator;

import io.gatekeep.shared.table.Keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.gatekeep.operator.ObjectMerge.PAGE;
import static io.gatekeep.operator.ObjectMerge.orNull;

/**
 * Reconcile's membership merge for one directory, compared user by user: our
 * {@code MEMBER#{userId}#{groupId}} items are read in key order alongside the users (same order), and
 * each user's memberships are set to the groups WorkOS lists for that user. Memberships of a user we
 * hold no user item for (an orphan) are checked with a GET of that user.
 */
final class Memberships {
    private final ObjectMerge run;
    private final String directoryId;
    private final StoredItems ours;

    Memberships(ObjectMerge run, String directoryId, String afterUserId) {
        this.run = run;
        this.directoryId = directoryId;
        // '\uffff' sorts after every group id, so a resumed run starts past that user's memberships.
        this.ours = new StoredItems(run.env.dynamo(), run.env.table(), Keys.directoryPk(directoryId), Keys.MEMBER_PREFIX,
                afterUserId == null ? null : afterUserId + "#\uffff");
    }

    void sync(String userId, Set<String> groups, Instant at) {
        while (ours.peek() != null && ours.peek().userId().compareTo(userId) < 0) {
            orphan(ours.peek().userId());
        }
        apply(userId, groups, take(userId), at);
    }

    /** Memberships of users after the last one processed. */
    void finish() {
        int sinceCheckpoint = 0;
        while (ours.peek() != null) {
            String userId = ours.peek().userId();
            orphan(userId);
            if (++sinceCheckpoint == PAGE) {
                sinceCheckpoint = 0;
                run.checkpoint(userId);
            }
        }
    }

    private void orphan(String userId) {
        List<StoredItems.Item> items = take(userId);
        if (items.stream().noneMatch(StoredItems.Item::member)) {
            return; // nothing live to check
        }
        run.verifications++;
        Instant seenAt = run.env.clock().instant();
        var user = orNull(() -> run.workos.getDirectorySync().getUser(userId));
        Set<String> groups = user == null || !directoryId.equals(user.getDirectoryId()) ? Set.of()
                : ObjectMerge.groupIds(SdkToWire.tree(user));
        apply(userId, groups, items, seenAt);
    }

    private List<StoredItems.Item> take(String userId) {
        List<StoredItems.Item> items = new ArrayList<>();
        while (ours.peek() != null && ours.peek().userId().equals(userId)) {
            items.add(ours.next());
        }
        return items;
    }

    /** Sets the user's memberships to {@code groups}, as of {@code at} (when WorkOS was read). */
    private void apply(String userId, Set<String> groups, List<StoredItems.Item> current, Instant at) {
        Counts c = run.counts.get("memberships");
        Set<String> live = new TreeSet<>();
        for (StoredItems.Item item : current) {
            if (item.member()) {
                live.add(item.groupId());
            }
        }
        for (String groupId : new TreeSet<>(groups)) {
            if (live.contains(groupId)) {
                c.unchanged++;
            } else {
                c.add(run.projection.membership(directoryId, userId, groupId, true, at));
            }
        }
        for (String groupId : live) {
            if (!groups.contains(groupId)) {
                c.add(run.projection.membership(directoryId, userId, groupId, false, at));
            }
        }
    }
}
