package io.gatekeep.shared.projection;

import static io.gatekeep.shared.projection.Projection.AUDIT;
import static io.gatekeep.shared.projection.Projection.CHANGED_AT;
import static io.gatekeep.shared.projection.Projection.DELETED;
import static io.gatekeep.shared.projection.Projection.DIRECTORY;
import static io.gatekeep.shared.projection.Projection.GROUP;
import static io.gatekeep.shared.projection.Projection.MAPPING;
import static io.gatekeep.shared.projection.Projection.MEMBERSHIP;
import static io.gatekeep.shared.projection.Projection.UPDATED_AT;
import static io.gatekeep.shared.projection.Projection.USER;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.projection.Projection.Effect;
import io.gatekeep.shared.projection.Projection.Event;
import io.gatekeep.shared.projection.Transactions.Known;
import io.gatekeep.shared.projection.Transactions.Outcome;
import io.gatekeep.shared.projection.Transactions.Plan;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A group membership's transaction, for an event or a snapshot: the membership item ordered by the
 * time of its last change, the user's {@code groups} and, when the group is mapped, its role and the
 * directory's role counters ({@link #userShare}: one transaction as usual, up to three for a mapped
 * group), the directory's last sync. Apart from {@link ObjectPlans}: a membership is not an object
 * with an {@code updated_at}, and its role logic is its own.
 */
final class MembershipPlans {
    /** One membership change: an event's, or a snapshot's (reconcile: only a change of state is written). */
    record MembershipChange(String directoryId, String userId, String groupId, boolean member, Instant at,
                                    boolean snapshot) {}

    /** True once a cancellation showed that the group is mapped to a role: its membership may take one more write. */
    static boolean mappedGroup(Known known, String groupId) {
        Map<String, AttributeValue> mapping = known.get(MAPPING);
        return mapping != null && RoleMapping.fromItem(mapping).maps(groupId);
    }

    private final String table;
    private final Transactions transactions;
    private final EventItems items;
    private final ObjectPlans objects;
    private final DirectoryShards shards;

    MembershipPlans(String table, Transactions transactions, EventItems items, ObjectPlans objects, DirectoryShards shards) {
        this.table = table;
        this.transactions = transactions;
        this.items = items;
        this.objects = objects;
        this.shards = shards;
    }

    /**
     * A group membership event applied: one transaction (two or three for a mapped group), or a read
     * first when it names no organization.
     */
    ApplyOutcome apply(Event e, boolean member) {
        JsonNode data = e.event().data();
        JsonNode user = data.path("user");
        JsonNode group = data.path("group");
        String userId = WireObjects.id(user, "id", "member");
        String groupId = WireObjects.id(group, "id", "group");
        String directoryId = firstId(data.path("directory_id"), group.path("directory_id"), user.path("directory_id"));
        if (directoryId == null) {
            throw new WireObjects.Unreadable("the membership names no directory");
        }
        String organizationId = firstId(user.path("organization_id"), group.path("organization_id"), data.path("organization_id"));
        Known known = new Known();
        boolean readFirst = false;
        if (organizationId == null) {
            // The extra call: the organization comes from the directory index, read together with the
            // membership, user and group items so that the transaction that follows is written from facts.
            String pk = Keys.directoryPk(directoryId);
            List<Map<String, AttributeValue>> read = items.read(EventItems.indexKey(directoryId),
                    Attr.key(pk, Keys.memberSk(userId, groupId)), Attr.key(pk, Keys.userSk(userId)),
                    Attr.key(pk, Keys.groupSk(groupId)));
            organizationId = Attr.str(read.get(0), "organizationId"); // still null: audit under _unassigned
            known.put(MEMBERSHIP, read.get(1));
            known.put(USER, read.get(2));
            known.put(GROUP, read.get(3));
            readFirst = true;
        }
        String org = organizationId;
        MembershipChange change = new MembershipChange(directoryId, userId, groupId, member, e.at(), false);
        boolean exact = !readFirst; // the directory item's key was unknown when reading: lastSyncAt waits
        int base = readFirst ? 1 : 2;
        Outcome<Effect> outcome = transactions.run(k -> base + (mappedGroup(k, groupId) ? 1 : 0), known,
                k -> membershipPlan(e, org, change, exact, k));
        return Projection.outcome(e, org, outcome);
    }

    /**
     * A group membership change: an ordered set change on its own item ({@code member},
     * {@code changedAt} = the event's time), applied only when newer than the stored change, so that
     * adds and removes in any order and any number of times end as the last one says. The user's
     * {@code groups} change in the same transaction (so they mirror the memberships), and its role
     * with them when the group is mapped ({@link #userShare}). {@code event} null: a snapshot
     * (reconcile), written only when the state changes, with no marker, audit entry or last sync.
     */
    Plan<Effect> membershipPlan(Event event, String organizationId, MembershipChange c, boolean exactDirectory,
                                        Known known) {
        Plan<Effect> plan = new Plan<>();
        if (event != null) {
            plan.add(Transactions.MARKER, items.marker(event, organizationId));
        }
        String time = Times.iso(c.at());
        Map<String, AttributeValue> seen = known.get(MEMBERSHIP);
        String stored = seen == null ? null : Attr.str(seen, CHANGED_AT);
        Map<String, AttributeValue> directorySeen = known.get(DIRECTORY);
        Effect effect;
        if (stored != null && stored.compareTo(time) >= 0) {
            effect = Effect.ignored(ApplyOutcome.STALE);
        } else if (c.snapshot() && seen != null && Attr.flag(seen, "member") == c.member()) {
            effect = Effect.ignored(ApplyOutcome.STALE); // already so: nothing to write
        } else if (directorySeen != null && Attr.flag(directorySeen, DELETED)) {
            effect = Effect.ignored(ApplyOutcome.DELETED);
        } else {
            ItemUpdate update = new ItemUpdate(table, Keys.directoryPk(c.directoryId()), Keys.memberSk(c.userId(), c.groupId()));
            String changed = update.name(CHANGED_AT);
            String t = update.value(Attr.s(time));
            update.set("member", Attr.bool(c.member())).setTo(CHANGED_AT, t)
                    .when("attribute_not_exists(" + changed + ") OR " + changed + " < " + t);
            if (c.snapshot()) {
                String memberName = update.name("member");
                update.when(c.member()
                        ? "attribute_not_exists(" + memberName + ") OR " + memberName + " = " + update.value(Attr.bool(false))
                        : memberName + " = " + update.value(Attr.bool(true)));
            }
            plan.add(MEMBERSHIP, update.toTransactItem());
            // hot: the directory's share, the group check and the mapping check all move to shard k
            int shard = organizationId != null && exactDirectory ? shards.choose(organizationId,
                    known.conflicted(DIRECTORY) || known.conflicted(GROUP) || known.conflicted(MAPPING)) : 0;
            ItemUpdate directory = organizationId == null ? null : objects.directoryItem(organizationId, c.directoryId(), shard);
            Map<String, Long> roleCounts = userShare(plan, organizationId, c, known, shard, directory);
            if (organizationId != null) {
                boolean sync = event != null && exactDirectory;
                if (sync || !roleCounts.isEmpty() || shard != 0) {
                    objects.directoryUpdate(directory, c.directoryId(), shard, null, 0,
                            sync ? event.at() : null, directorySeen, exactDirectory, roleCounts, plan);
                    if (directory.writes() || directory.conditional()) {
                        plan.add(DIRECTORY, directory.toTransactItem());
                    }
                }
            }
            effect = Effect.of(c.member() ? Change.CREATED : Change.DELETED);
        }
        if (event != null) {
            plan.add(AUDIT, items.audit(event, organizationId));
        }
        return plan.result(effect);
    }

    /**
     * The user's share of a membership change; returns the directory's role counter changes.
     *
     * <p>The first transaction assumes what is usual: the group is not mapped to a role (a condition on
     * one attribute of the mapping item, true when there is no mapping), so the user's role cannot
     * change and its {@code groups} are changed blindly: one call, as before roles existed. When the
     * group is mapped, the cancellation returns the mapping, and the second transaction assumes (and
     * checks) the usual user: live, with no other mapped group, its stored role as that implies; the
     * role follows and the counters move. When that user is not so, its cancellation returns the item
     * and the third transaction is written from it (its {@code rev} unchanged). A deleted group joins
     * no user's groups (the group item's condition); a deleted user's item is left alone when known.
     */
    private Map<String, Long> userShare(Plan<Effect> plan, String organizationId, MembershipChange c, Known known,
                                        int shard, ItemUpdate directory) {
        Map<String, AttributeValue> groupSeen = known.get(GROUP);
        Map<String, AttributeValue> userSeen = known.get(USER);
        Map<String, AttributeValue> directorySeen = known.get(DIRECTORY);
        boolean groupDeleted = (groupSeen != null && Attr.flag(groupSeen, DELETED))
                || (directorySeen != null && Attr.strList(directorySeen, DirectoryShards.DEAD_GROUPS).contains(c.groupId()));
        if ((c.member() && groupDeleted) || (userSeen != null && Attr.flag(userSeen, DELETED))) {
            return Map.of();
        }
        ItemUpdate user = UserRoles.membershipChange(table, c.directoryId(), c.userId(), c.groupId(), c.member());
        if (c.member() && shard != 0) {
            directory.when("NOT contains(" + directory.name(DirectoryShards.DEAD_GROUPS) + ", " + directory.value(Attr.s(c.groupId())) + ")");
        } else if (c.member()) {
            plan.add(GROUP, UserRoles.groupNotDeleted(table, c.directoryId(), c.groupId()));
        }
        Map<String, AttributeValue> mappingSeen = known.get(MAPPING);
        RoleMapping mapping = mappingSeen == null ? null : RoleMapping.fromItem(mappingSeen);
        if (organizationId == null || mapping == null || !mapping.maps(c.groupId())) {
            plan.add(USER, user.toTransactItem());
            if (organizationId != null) { // without it the mapping cannot be found: the next re-derivation decides
                plan.add(MAPPING, UserRoles.notMapped(table, organizationId, c.groupId(), shard));
            }
            return Map.of();
        }
        String groupRole = mapping.storedRole(List.of(c.groupId()));
        String before;
        String after;
        boolean live;
        if (userSeen != null) {
            live = Attr.str(userSeen, UPDATED_AT) != null;
            Set<String> groups = new HashSet<>(Attr.strList(userSeen, UserRoles.GROUPS));
            if (c.member()) {
                groups.add(c.groupId());
            } else {
                groups.remove(c.groupId());
            }
            before = Attr.str(userSeen, UserRoles.ROLE);
            after = mapping.storedRole(groups);
            user.when(UserRoles.revIs(user, userSeen));
        } else {
            live = true;
            before = c.member() ? null : groupRole;
            after = c.member() ? groupRole : null;
            String groups = user.name(UserRoles.GROUPS);
            user.when("attribute_exists(" + user.name(UPDATED_AT) + ") AND attribute_not_exists(" + user.name(DELETED) + ")");
            for (String other : mapping.otherMappedGroups(c.groupId())) {
                user.when("NOT contains(" + groups + ", " + user.value(Attr.s(other)) + ")");
            }
            user.when(UserRoles.roleIs(user, before));
        }
        Map<String, Long> counts = Map.of();
        if (!Objects.equals(before, after)) {
            UserRoles.setRole(user, after);
            if (live) {
                UserRoles.listRole(user, organizationId, c.userId(), after);
                counts = UserRoles.move(before, after);
            }
        }
        plan.add(USER, user.toTransactItem());
        plan.add(MAPPING, UserRoles.mappingIs(table, organizationId, mapping.version(), shard));
        return counts;
    }

    private static String firstId(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate.isTextual()) {
                return WireObjects.optionalId(Json.object().put("id", candidate.asText()), "id");
            }
        }
        return null;
    }
}
