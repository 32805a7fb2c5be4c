package io.gatekeep.testsupport;

import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.audit.AuditEntry;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares one organization's projection with the emulator's own state, object for object: the
 * organization, its live domains, connections (state, type, name, created_at, updated_at,
 * certificate), directories (state, the directory's index item, and its counts as the health Query reads
 * them: a hot directory's counter shards included), each directory's live users (with their groups) and
 * groups and the memberships between them; built from events, also each directory's last sync and
 * one audit entry and one marker per event. Tombstones are not objects, nor is a connection or
 * directory item with no state (what sign-ins or a role job wrote before the object arrived); a
 * membership counts while its user and group are live. Returns every difference found (empty: equal).
 * The one check of the webhook function's tests (events delivered) and the operator's (reconcile).
 */
public final class ProjectionCheck {
    private final DynamoDbClient reader;
    private final String table;
    private final boolean fromEvents;
    private final List<String> differences = new ArrayList<>();

    private ProjectionCheck(DynamoDbClient reader, String table, boolean fromEvents) {
        this.reader = reader;
        this.table = table;
        this.fromEvents = fromEvents;
    }

    /** The projection as events built it: objects, plus last sync times, audit entries and markers. */
    public static List<String> differences(DynamoDbClient reader, String table, Snapshot workos, List<StoredEvent> events,
                                           String orgId) {
        ProjectionCheck check = new ProjectionCheck(reader, table, true);
        check.run(workos, events, orgId);
        return check.differences;
    }

    /** The projection as reconcile's snapshot writes built it: the objects only. */
    public static List<String> objectDifferences(DynamoDbClient reader, String table, Snapshot workos, String orgId) {
        ProjectionCheck check = new ProjectionCheck(reader, table, false);
        check.run(workos, List.of(), orgId);
        return check.differences;
    }

    /** Fails, naming the first 40, when there is any difference. */
    public static void assertNone(List<String> differences) {
        if (!differences.isEmpty()) {
            fail(differences.size() + " differences between the projection and WorkOS:\n  "
                    + String.join("\n  ", differences.subList(0, Math.min(40, differences.size()))));
        }
    }

    private void expect(String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            differences.add(what + ": WorkOS has " + expected + ", projection has " + actual);
        }
    }

    private static String iso(Instant instant) {
        return instant == null ? null : Times.iso(instant);
    }

    private void run(Snapshot workos, List<StoredEvent> events, String orgId) {
        Map<String, Map<String, AttributeValue>> live = new TreeMap<>();
        for (Map<String, AttributeValue> item : partition(Keys.orgPk(orgId))) {
            String sk = Attr.str(item, Keys.SK);
            boolean object = sk.startsWith(Keys.CONNECTION_PREFIX) || sk.startsWith(Keys.DIRECTORY_PREFIX);
            if (!Attr.flag(item, "deleted") && !(object && Attr.str(item, "state") == null)) {
                live.put(sk, item);
            }
        }

        Snapshot.Organization org = workos.organization(orgId).orElse(null);
        Map<String, AttributeValue> orgItem = live.get(Keys.ORG_SK);
        if (org == null) {
            if (orgItem != null) {
                differences.add("organization " + orgId + " is live here, gone in WorkOS");
            }
            return;
        }
        expect("organization", true, orgItem != null);
        if (orgItem != null) {
            expect("organization name", org.name(), Attr.str(orgItem, "name"));
            expect("organization updatedAt", iso(org.updatedAt()), Attr.str(orgItem, "updatedAt"));
        }

        expect("live domains", workos.domainsOf(orgId).stream().map(d -> Keys.domainSk(d.id())).collect(Collectors.toCollection(TreeSet::new)),
                keys(live, Keys.DOMAIN_PREFIX));
        for (Snapshot.Domain d : workos.domainsOf(orgId)) {
            Map<String, AttributeValue> item = live.getOrDefault(Keys.domainSk(d.id()), Map.of());
            expect("domain " + d.id() + " domain", d.domain(), Attr.str(item, "domain"));
            expect("domain " + d.id() + " state", d.state(), Attr.str(item, "state"));
            expect("domain " + d.id() + " strategy", d.verificationStrategy(), Attr.str(item, "verificationStrategy"));
            expect("domain " + d.id() + " updatedAt", iso(d.updatedAt()), Attr.str(item, "updatedAt"));
        }

        Map<String, StoredEvent> lastCertificateEvent = new HashMap<>();
        for (StoredEvent e : events) {
            if (e.event().startsWith("connection.saml_certificate_")) {
                lastCertificateEvent.put(Json.text(e.data().path("connection"), "id"), e);
            }
        }
        expect("live connections", workos.connectionsOf(orgId).stream().map(c -> Keys.connectionSk(c.id()))
                .collect(Collectors.toCollection(TreeSet::new)), keys(live, Keys.CONNECTION_PREFIX));
        for (Snapshot.Connection c : workos.connectionsOf(orgId)) {
            Map<String, AttributeValue> item = live.getOrDefault(Keys.connectionSk(c.id()), Map.of());
            expect("connection " + c.id() + " state", c.state(), Attr.str(item, "state"));
            expect("connection " + c.id() + " type", c.connectionType(), Attr.str(item, "connectionType"));
            expect("connection " + c.id() + " name", c.name(), Attr.str(item, "name"));
            expect("connection " + c.id() + " createdAt", iso(c.createdAt()), Attr.str(item, "createdAt"));
            expect("connection " + c.id() + " updatedAt", iso(c.updatedAt()), Attr.str(item, "updatedAt"));
            StoredEvent certificate = lastCertificateEvent.get(c.id());
            if (certificate != null) { // the certificate is known only from its events
                expect("connection " + c.id() + " certificateExpiresAt", iso(c.certificateExpiresAt()),
                        Attr.str(item, "certificateExpiresAt"));
                expect("connection " + c.id() + " renewal required",
                        certificate.event().endsWith("renewal_required"), Attr.flag(item, "certificateRenewalRequired"));
            }
        }

        // counts and last sync as the health Query reads them: the directory item plus a hot directory's counter shards
        Map<String, OrganizationView.Directory> counted = OrganizationView.load(reader, table, orgId)
                .map(view -> view.directories().stream().collect(Collectors.toMap(OrganizationView.Directory::id, v -> v)))
                .orElse(Map.of());
        expect("live directories", workos.directoriesOf(orgId).stream().map(d -> Keys.directorySk(d.id()))
                .collect(Collectors.toCollection(TreeSet::new)), keys(live, Keys.DIRECTORY_PREFIX));
        for (Snapshot.Directory d : workos.directoriesOf(orgId)) {
            Map<String, AttributeValue> item = live.getOrDefault(Keys.directorySk(d.id()), Map.of());
            String what = "directory " + d.id();
            expect(what + " state", d.state(), Attr.str(item, "state"));
            expect(what + " name", d.name(), Attr.str(item, "name"));
            expect(what + " type", d.type(), Attr.str(item, "directoryType"));
            expect(what + " updatedAt", iso(d.updatedAt()), Attr.str(item, "updatedAt"));
            OrganizationView.Directory view = counted.get(d.id());
            expect(what + " userCount", (long) workos.usersOf(d.id()).size(), view == null ? null : view.userCount());
            expect(what + " groupCount", (long) workos.groupsOf(d.id()).size(), view == null ? null : view.groupCount());
            if (fromEvents) {
                expect(what + " lastSyncAt", lastSync(events, d.id()), view == null ? null : view.lastSyncAt());
            }
            Map<String, AttributeValue> index = item(Keys.directoryPk(d.id()), Keys.DIRECTORY_META_SK);
            expect(what + " index", orgId, index == null ? null : Attr.str(index, "organizationId"));
            directoryContents(workos, d.id());
        }

        if (!fromEvents) {
            return;
        }
        List<StoredEvent> ofOrg = events.stream().filter(e -> orgId.equals(e.organizationId())).toList();
        // the product's own entries (e.g. a role mapping saved by an admin) are not WorkOS events
        List<AuditEntry> audit = partition(Keys.auditPk(orgId)).stream().map(AuditEntry::fromItem)
                .filter(a -> a.source() == AuditEntry.Source.WORKOS).toList();
        expect("audit entries", ofOrg.size(), audit.size());
        expect("audit entry ids", ofOrg.stream().map(StoredEvent::id).collect(Collectors.toCollection(TreeSet::new)),
                audit.stream().map(AuditEntry::id).collect(Collectors.toCollection(TreeSet::new)));
        long markers = ofOrg.stream().filter(e -> item(Keys.eventPk(e.id()), Keys.EVENT_SK) == null).count();
        expect("events without a marker", 0L, markers);
    }

    private void directoryContents(Snapshot workos, String directoryId) {
        Map<String, Map<String, AttributeValue>> users = new TreeMap<>();
        Map<String, Map<String, AttributeValue>> groups = new TreeMap<>();
        Set<String> members = new TreeSet<>();
        for (Map<String, AttributeValue> item : partition(Keys.directoryPk(directoryId))) {
            String sk = Attr.str(item, Keys.SK);
            boolean deleted = Attr.flag(item, "deleted");
            if (sk.startsWith(Keys.USER_PREFIX) && !deleted) {
                users.put(sk.substring(Keys.USER_PREFIX.length()), item);
            } else if (sk.startsWith(Keys.GROUP_PREFIX) && !deleted) {
                groups.put(sk.substring(Keys.GROUP_PREFIX.length()), item);
            } else if (sk.startsWith(Keys.MEMBER_PREFIX) && Attr.flag(item, "member")) {
                members.add(sk.substring(Keys.MEMBER_PREFIX.length()));
            }
        }
        // a membership counts while its user and group are live (WorkOS drops them silently with a deleted group)
        members.removeIf(m -> !users.containsKey(m.substring(0, m.indexOf('#'))) || !groups.containsKey(m.substring(m.indexOf('#') + 1)));

        List<Snapshot.User> wantedUsers = workos.usersOf(directoryId);
        List<Snapshot.Group> wantedGroups = workos.groupsOf(directoryId);
        Set<String> groupIds = wantedGroups.stream().map(Snapshot.Group::id).collect(Collectors.toSet());
        Map<String, Set<String>> groupsOfUser = new HashMap<>();
        workos.memberships().forEach(m -> groupsOfUser.computeIfAbsent(m.userId(), u -> new TreeSet<>()).add(m.groupId()));
        expect("users of " + directoryId, wantedUsers.stream().map(Snapshot.User::id).collect(Collectors.toCollection(TreeSet::new)),
                new TreeSet<>(users.keySet()));
        for (Snapshot.User u : wantedUsers) {
            Map<String, AttributeValue> item = users.getOrDefault(u.id(), Map.of());
            String what = "user " + u.id();
            expect(what + " email", u.email(), Attr.str(item, "email"));
            expect(what + " firstName", u.firstName(), Attr.str(item, "firstName"));
            expect(what + " lastName", u.lastName(), Attr.str(item, "lastName"));
            expect(what + " state", u.state(), Attr.str(item, "state"));
            expect(what + " updatedAt", iso(u.updatedAt()), Attr.str(item, "updatedAt"));
            // the user's groups (what its role is derived from), among the groups WorkOS still has
            expect(what + " groups", groupsOfUser.getOrDefault(u.id(), Set.of()), Attr.strList(item, "groups").stream()
                    .filter(groupIds::contains).collect(Collectors.toCollection(TreeSet::new)));
        }
        expect("groups of " + directoryId, wantedGroups.stream().map(Snapshot.Group::id).collect(Collectors.toCollection(TreeSet::new)),
                new TreeSet<>(groups.keySet()));
        for (Snapshot.Group g : wantedGroups) {
            Map<String, AttributeValue> item = groups.getOrDefault(g.id(), Map.of());
            expect("group " + g.id() + " name", g.name(), Attr.str(item, "name"));
            expect("group " + g.id() + " updatedAt", iso(g.updatedAt()), Attr.str(item, "updatedAt"));
        }
        Set<String> userIds = wantedUsers.stream().map(Snapshot.User::id).collect(Collectors.toSet());
        expect("memberships of " + directoryId, workos.memberships().stream().filter(m -> userIds.contains(m.userId()))
                .map(m -> m.userId() + "#" + m.groupId()).collect(Collectors.toCollection(TreeSet::new)), members);
    }

    private Map<String, AttributeValue> item(String pk, String sk) {
        Map<String, AttributeValue> item = reader.getItem(r -> r.tableName(table).key(Attr.key(pk, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private List<Map<String, AttributeValue>> partition(String pk) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = reader.query(QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(pk))).consistentRead(true).exclusiveStartKey(start).build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    /** The latest time of the directory's user, group and membership events and its activations. */
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

    private static Set<String> keys(Map<String, Map<String, AttributeValue>> live, String prefix) {
        return live.keySet().stream().filter(sk -> sk.startsWith(prefix)).collect(Collectors.toCollection(TreeSet::new));
    }
}
