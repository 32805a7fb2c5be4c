package io.gatekeep.webhooks;

import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares the projection's directory roles with the roles computed from the emulator's own state
 * with the same mapping ({@link RoleMapping#roleOf} of each live user's WorkOS groups): each user's
 * {@code groups} and role, its place in both listing indexes, the directories' role counters, the
 * organization's role counts as health reads them, and no listed user outside WorkOS's live users.
 * Returns every difference (empty: equal).
 */
final class RoleCheck {
    private final WebhookFixture store;
    private final List<String> differences = new ArrayList<>();

    private RoleCheck(WebhookFixture store) {
        this.store = store;
    }

    static List<String> differences(WebhookFixture store, Snapshot workos, List<StoredEvent> events, String orgId,
                                    RoleMapping mapping) {
        RoleCheck check = new RoleCheck(store);
        check.run(workos, events, orgId, mapping);
        return check.differences;
    }

    private void expect(String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            differences.add(what + ": expected " + expected + ", projection has " + actual);
        }
    }

    private void run(Snapshot workos, List<StoredEvent> events, String orgId, RoleMapping mapping) {
        Map<String, Set<String>> groupsOfUser = new HashMap<>();
        for (Snapshot.Membership m : workos.memberships()) {
            groupsOfUser.computeIfAbsent(m.userId(), k -> new TreeSet<>()).add(m.groupId());
        }
        Map<String, Long> expectedCounts = new TreeMap<>();
        Set<String> liveUsers = new TreeSet<>();
        Map<String, Set<String>> expectedBuckets = new TreeMap<>();
        long users = 0;
        Set<String> liveDirectories = new TreeSet<>();
        for (Snapshot.Directory d : workos.directoriesOf(orgId)) {
            liveDirectories.add(d.id());
            Map<String, Long> storedCounts = new TreeMap<>();
            for (Snapshot.User u : workos.usersOf(d.id())) {
                users++;
                liveUsers.add(u.id());
                Set<String> groups = groupsOfUser.getOrDefault(u.id(), Set.of());
                String role = mapping.roleOf(groups);
                String stored = mapping.storedRole(groups);
                expectedCounts.merge(role, 1L, Long::sum);
                if (stored != null) {
                    storedCounts.merge(stored, 1L, Long::sum);
                }
                expectedBuckets.computeIfAbsent(stored == null ? Keys.usersDefaultRolePk(orgId) : Keys.usersRolePk(orgId, stored),
                        k -> new TreeSet<>()).add(u.id());
                Map<String, AttributeValue> item = store.item(Keys.directoryPk(d.id()), Keys.userSk(u.id()));
                String what = "user " + u.id();
                if (item == null) {
                    differences.add(what + " is missing");
                    continue;
                }
                expect(what + " groups", groups, new TreeSet<>(Attr.strList(item, "groups")));
                expect(what + " role", role, mapping.effective(Attr.str(item, "role")));
                expect(what + " gsi1pk", Keys.usersPk(orgId), Attr.str(item, Keys.GSI1_PK));
                expect(what + " gsi1sk", Keys.usersSk(u.id()), Attr.str(item, Keys.GSI1_SK));
                expect(what + " gsi2pk", stored == null ? Keys.usersDefaultRolePk(orgId) : Keys.usersRolePk(orgId, stored),
                        Attr.str(item, Keys.GSI2_PK));
            }
            Map<String, AttributeValue> directory = store.item(Keys.orgPk(orgId), Keys.directorySk(d.id()));
            Map<String, Long> counters = new TreeMap<>();
            directory.forEach((name, value) -> {
                if (name.startsWith("roleCount#") && Long.parseLong(value.n()) != 0) {
                    counters.put(name.substring("roleCount#".length()), Long.parseLong(value.n()));
                }
            });
            expect("role counters of " + d.id(), storedCounts, counters);
        }

        // every other user item the projection holds, in any directory it ever heard of, is not listed
        Set<String> directories = new TreeSet<>(liveDirectories);
        for (StoredEvent e : events) {
            if (e.event().startsWith("dsync.") && !e.event().startsWith("dsync.group.user")) {
                String dir = e.event().startsWith("dsync.user.") || e.event().startsWith("dsync.group.")
                        ? Json.text(e.data(), "directory_id") : Json.text(e.data(), "id");
                if (dir != null) {
                    directories.add(dir);
                }
            }
        }
        for (String dir : directories) {
            for (Map<String, AttributeValue> item : store.partition(Keys.directoryPk(dir))) {
                String sk = Attr.str(item, Keys.SK);
                if (!sk.startsWith(Keys.USER_PREFIX) || liveUsers.contains(sk.substring(Keys.USER_PREFIX.length()))) {
                    continue;
                }
                if (Attr.str(item, Keys.GSI1_PK) != null || Attr.str(item, Keys.GSI2_PK) != null) {
                    differences.add("user " + sk + " of " + dir + " is listed but WorkOS has no such live user");
                }
                if (!Attr.flag(item, "deleted") && liveDirectories.contains(dir)) {
                    differences.add("user " + sk + " of " + dir + " is stored without being created");
                }
            }
        }

        // health's counts: from the directories' counters and the mapping item
        OrganizationView view = OrganizationView.load(store.dynamo, store.table, orgId).orElseThrow();
        Map<String, Long> health = new TreeMap<>();
        view.roleCounts().forEach((role, n) -> {
            if (n != 0) {
                health.put(role, n);
            }
        });
        expect("health role counts", expectedCounts, health);
        expect("health users", users, view.directories().stream().mapToLong(OrganizationView.Directory::userCount).sum());
        expect("the mapping health reads", mapping.mappings(), view.roleMapping().mappings());

        // both listing indexes hold exactly the live users, each in its role's bucket
        expect("listing (gsi1)", liveUsers, query(Keys.GSI1, Keys.GSI1_PK, Keys.usersPk(orgId)));
        Set<String> buckets = new TreeSet<>(expectedBuckets.keySet());
        buckets.add(Keys.usersDefaultRolePk(orgId));
        mapping.roleOrder().forEach(r -> buckets.add(Keys.usersRolePk(orgId, r)));
        for (String bucket : buckets) {
            expect("listing (gsi2) " + bucket, expectedBuckets.getOrDefault(bucket, Set.of()), query(Keys.GSI2, Keys.GSI2_PK, bucket));
        }
        expect("role job pending", null, store.item(Keys.ROLE_JOB_PK, orgId));
    }

    private Set<String> query(String index, String pkName, String pk) {
        Set<String> ids = new TreeSet<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = store.dynamo.query(QueryRequest.builder().tableName(store.table).indexName(index)
                    .keyConditionExpression(pkName + " = :pk").expressionAttributeValues(Map.of(":pk", Attr.s(pk)))
                    .exclusiveStartKey(start).build());
            page.items().forEach(i -> ids.add(Attr.str(i, Keys.SK).substring(Keys.USER_PREFIX.length())));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return ids.stream().collect(Collectors.toCollection(TreeSet::new));
    }
}
