package io.gatekeep.bench;

import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * After a burst: the projection against the emulator's state, object for object (users with their fields
 * and groups, groups, memberships), every counter as the health Query reads it ({@link OrganizationView}:
 * the directory item plus its counter shards), each directory's last sync, and one marker and one audit
 * entry per event. Returns the differences (none when equal).
 */
final class BurstCheck {
    private final DynamoDbClient dynamo;
    private final String table;
    private final List<String> differences = new ArrayList<>();

    private BurstCheck(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static List<String> differences(DynamoDbClient dynamo, String table, Snapshot workos, String orgId, List<StoredEvent> events) {
        BurstCheck check = new BurstCheck(dynamo, table);
        check.run(workos, orgId, events);
        return check.differences;
    }

    private void expect(String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            differences.add(what + ": WorkOS has " + expected + ", projection has " + actual);
        }
    }

    private void run(Snapshot workos, String orgId, List<StoredEvent> events) {
        OrganizationView view = OrganizationView.load(dynamo, table, orgId).orElse(null);
        expect("organization", true, view != null);
        if (view == null) {
            return;
        }
        Map<String, OrganizationView.Directory> directories = view.directories().stream()
                .collect(Collectors.toMap(OrganizationView.Directory::id, d -> d));
        long allUsers = 0;
        for (Snapshot.Directory d : workos.directoriesOf(orgId)) {
            OrganizationView.Directory seen = directories.get(d.id());
            expect("directory " + d.id(), true, seen != null);
            if (seen == null) {
                continue;
            }
            allUsers += workos.usersOf(d.id()).size();
            expect("directory " + d.id() + " userCount", (long) workos.usersOf(d.id()).size(), seen.userCount());
            expect("directory " + d.id() + " groupCount", (long) workos.groupsOf(d.id()).size(), seen.groupCount());
            expect("directory " + d.id() + " lastSyncAt", lastSync(events, d.id()), seen.lastSyncAt());
            contents(workos, d.id());
        }
        expect("users per role", Map.of("member", allUsers), view.roleCounts());
        List<StoredEvent> ofOrg = events.stream().filter(e -> orgId.equals(e.organizationId())).toList();
        expect("audit entries", ofOrg.size(), partition(Keys.auditPk(orgId)).size());
        long withoutMarker = ofOrg.stream().filter(e -> dynamo.getItem(r -> r.tableName(table)
                .key(Attr.key(Keys.eventPk(e.id()), Keys.EVENT_SK))).item().isEmpty()).count();
        expect("events without a marker", 0L, withoutMarker);
    }

    private void contents(Snapshot workos, String directoryId) {
        Map<String, Map<String, AttributeValue>> users = new HashMap<>();
        Map<String, Map<String, AttributeValue>> groups = new HashMap<>();
        Set<String> members = new TreeSet<>();
        for (Map<String, AttributeValue> item : partition(Keys.directoryPk(directoryId))) {
            String sk = Attr.str(item, Keys.SK);
            if (sk.startsWith(Keys.USER_PREFIX) && !Attr.flag(item, "deleted")) {
                users.put(sk.substring(Keys.USER_PREFIX.length()), item);
            } else if (sk.startsWith(Keys.GROUP_PREFIX) && !Attr.flag(item, "deleted")) {
                groups.put(sk.substring(Keys.GROUP_PREFIX.length()), item);
            } else if (sk.startsWith(Keys.MEMBER_PREFIX) && Attr.flag(item, "member")) {
                members.add(sk.substring(Keys.MEMBER_PREFIX.length()));
            }
        }
        List<Snapshot.User> wanted = workos.usersOf(directoryId);
        expect("users of " + directoryId, wanted.stream().map(Snapshot.User::id).collect(Collectors.toCollection(TreeSet::new)),
                new TreeSet<>(users.keySet()));
        Map<String, Set<String>> groupsOfUser = new HashMap<>();
        Set<String> userIds = wanted.stream().map(Snapshot.User::id).collect(Collectors.toSet());
        Set<String> wantedMembers = new TreeSet<>();
        for (Snapshot.Membership m : workos.memberships()) {
            if (userIds.contains(m.userId())) {
                wantedMembers.add(m.userId() + "#" + m.groupId());
                groupsOfUser.computeIfAbsent(m.userId(), u -> new TreeSet<>()).add(m.groupId());
            }
        }
        for (Snapshot.User u : wanted) {
            Map<String, AttributeValue> item = users.getOrDefault(u.id(), Map.of());
            String what = "user " + u.id();
            expect(what + " email", u.email(), Attr.str(item, "email"));
            expect(what + " firstName", u.firstName(), Attr.str(item, "firstName"));
            expect(what + " lastName", u.lastName(), Attr.str(item, "lastName"));
            expect(what + " state", u.state(), Attr.str(item, "state"));
            expect(what + " updatedAt", iso(u.updatedAt()), Attr.str(item, "updatedAt"));
            expect(what + " groups", groupsOfUser.getOrDefault(u.id(), Set.of()), new TreeSet<>(Attr.strList(item, "groups")));
        }
        List<Snapshot.Group> wantedGroups = workos.groupsOf(directoryId);
        expect("groups of " + directoryId, wantedGroups.stream().map(Snapshot.Group::id).collect(Collectors.toCollection(TreeSet::new)),
                new TreeSet<>(groups.keySet()));
        for (Snapshot.Group g : wantedGroups) {
            expect("group " + g.id() + " name", g.name(), Attr.str(groups.getOrDefault(g.id(), Map.of()), "name"));
        }
        expect("memberships of " + directoryId, wantedMembers, members);
    }

    /** The latest time of the directory's user, group and membership events and its activation. */
    private static String lastSync(List<StoredEvent> events, String directoryId) {
        Instant last = null;
        for (StoredEvent e : events) {
            boolean sync = e.event().startsWith("dsync.user.") || e.event().startsWith("dsync.group.");
            String dir = sync ? Json.text(e.data(), "directory_id")
                    : e.event().equals("dsync.activated") ? Json.text(e.data(), "id") : null;
            if (directoryId.equals(dir) && (last == null || e.createdAt().isAfter(last))) {
                last = e.createdAt();
            }
        }
        return iso(last);
    }

    private static String iso(Instant instant) {
        return instant == null ? null : Times.iso(instant);
    }

    private List<Map<String, AttributeValue>> partition(String pk) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = dynamo.query(QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(pk))).consistentRead(true).exclusiveStartKey(start).build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }
}
