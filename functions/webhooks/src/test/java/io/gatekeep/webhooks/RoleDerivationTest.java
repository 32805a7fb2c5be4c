package io.gatekeep.webhooks;

import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.projection.Change;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.RoleJobs;
import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.projection.RoleMappings;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static io.gatekeep.webhooks.OrderingTest.DIR;
import static io.gatekeep.webhooks.OrderingTest.ORG;
import static io.gatekeep.webhooks.OrderingTest.at;
import static io.gatekeep.webhooks.OrderingTest.group;
import static io.gatekeep.webhooks.OrderingTest.membership;
import static io.gatekeep.webhooks.OrderingTest.user;
import static io.gatekeep.webhooks.WebhookFixture.n;
import static io.gatekeep.webhooks.WebhookFixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A directory user's role as webhooks and reconcile change its memberships, with the DynamoDB calls
 * each path costs: one transaction unless a role can change; a membership of a mapped group two
 * (three when the user is in another mapped group, or not created yet); a user created or deleted
 * with a non-default role two. The rule: the highest-privilege mapped role of the user's groups
 * (owner > admin > member > custom roles alphabetically), else the default role.
 */
class RoleDerivationTest {
    static final String ADMINS = "directory_group_admins";
    static final String ENGINEERING = "directory_group_engineering";
    static final String SALES = "directory_group_sales";
    static final String OTHER = "directory_group_other";

    private final WebhookFixture webhooks = new WebhookFixture();
    private int second = 100;
    private int eventNumber;

    private List<String> deliver(Payloads payload) {
        webhooks.calls.reset();
        var response = webhooks.deliver(payload);
        assertEquals(200, response.status(), response::toString);
        return webhooks.calls.operations();
    }

    private String next() {
        return "ev_role_" + (++eventNumber);
    }

    private List<String> added(String userId, String groupId) {
        return deliver(membership(true, next(), userId, groupId, ++second));
    }

    private List<String> removed(String userId, String groupId) {
        return deliver(membership(false, next(), userId, groupId, ++second));
    }

    private List<String> created(String userId) {
        return deliver(user("dsync.user.created", next(), userId, ++second, "U"));
    }

    private List<String> deleted(String userId) {
        return deliver(user("dsync.user.deleted", next(), userId, ++second, "U"));
    }

    static List<String> calls(int n) {
        return Collections.nCopies(n, "TransactWriteItems");
    }

    private Map<String, AttributeValue> userItem(String userId) {
        return webhooks.item(Keys.directoryPk(DIR), Keys.userSk(userId));
    }

    private Map<String, AttributeValue> directory() {
        return webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR));
    }

    private RoleMapping mapping() {
        return new RoleMappings(webhooks.dynamo, webhooks.table, Clock.systemUTC()).load(ORG);
    }

    /** The user's role as the listing shows it, checked against its gsi2 bucket. */
    private String role(String userId) {
        Map<String, AttributeValue> item = userItem(userId);
        String stored = s(item, "role");
        String bucket = s(item, Keys.GSI2_PK);
        assertEquals(stored == null ? Keys.usersDefaultRolePk(ORG) : Keys.usersRolePk(ORG, stored), bucket, userId + "'s listing bucket");
        return mapping().effective(stored);
    }

    private Set<String> groups(String userId) {
        return new TreeSet<>(io.gatekeep.shared.table.Attr.strList(userItem(userId), "groups"));
    }

    private Map<String, Long> health() {
        return OrganizationView.load(webhooks.dynamo, webhooks.table, ORG).orElseThrow().roleCounts();
    }

    static void save(WebhookFixture webhooks, Map<String, String> groupRoles, String defaultRole) {
        List<RoleMapping.Entry> entries = new ArrayList<>();
        groupRoles.forEach((g, r) -> entries.add(new RoleMapping.Entry(g, r)));
        new RoleMappings(webhooks.dynamo, webhooks.table, Clock.systemUTC()).save(ORG, entries, defaultRole,
                new AuditEntry(ORG, "audit_" + System.nanoTime(), "settings.role_mappings_updated", Instant.now(),
                        "ada@order.test", "Role mappings set.", AuditEntry.Source.GATEKEEP, null));
    }

    private void runJobs() {
        var results = new RoleJobs(webhooks.dynamo, webhooks.table, Clock.systemUTC())
                .runPending(System.nanoTime() + 30_000_000_000L);
        assertTrue(results.stream().allMatch(RoleJobs.Result::complete), results.toString());
    }

    @BeforeEach
    void organizationWithADirectoryAndAMapping() {
        deliver(Payloads.event("organization.created").id("ev_r_org").at(at(1)).data("id", ORG).data("updated_at", at(1)));
        deliver(Payloads.event("dsync.activated").id("ev_r_dir").at(at(2)).data("id", DIR).data("organization_id", ORG)
                .data("updated_at", at(2)));
        for (String g : List.of(ADMINS, ENGINEERING, SALES, OTHER)) {
            deliver(group("dsync.group.created", "ev_r_" + g, g, 3));
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SALES, "billing");
        m.put(ENGINEERING, "member");
        m.put(ADMINS, "admin");
        save(webhooks, m, "viewer");
        runJobs(); // nothing to derive yet
    }

    @Test
    void thePrivilegeOrderIsKnownRolesThenCustomRolesAlphabetically() {
        RoleMapping m = new RoleMapping(List.of(new RoleMapping.Entry("a", "support"), new RoleMapping.Entry("b", "billing"),
                new RoleMapping.Entry("c", "member"), new RoleMapping.Entry("d", "owner"), new RoleMapping.Entry("e", "admin")),
                "viewer", 1);
        assertEquals(List.of("owner", "admin", "member", "billing", "support", "viewer"), m.roleOrder());
        assertEquals("billing", m.roleOf(Set.of("a", "b")));
        assertEquals("member", m.roleOf(Set.of("a", "b", "c")));
        assertEquals("owner", m.roleOf(Set.of("a", "d", "e")));
        assertEquals("viewer", m.roleOf(Set.of("x")));
        assertNull(m.storedRole(Set.of()), "the default role is not stored");
        assertEquals(RoleMapping.NONE.defaultRole(), "member");
    }

    @Test
    void eachPathCostsWhatItsJavadocSaysAndTheRoleFollowsTheGroups() {
        String a = "directory_user_ra";
        assertEquals(calls(1), created(a), "a user created before its memberships: one transaction");
        assertEquals("viewer", role(a));
        assertEquals(calls(1), added(a, OTHER), "an unmapped group: one transaction");
        assertEquals("viewer", role(a));
        assertEquals(calls(2), added(a, ENGINEERING), "a mapped group: the first transaction learns that it is mapped");
        assertEquals("member", role(a));
        assertEquals(1, n(directory(), "roleCount#member"));
        assertEquals(calls(3), added(a, ADMINS), "a second mapped group: the user's item is needed");
        assertEquals("admin", role(a));
        assertEquals(0, n(directory(), "roleCount#member"));
        assertEquals(1, n(directory(), "roleCount#admin"));
        assertEquals(calls(1), added(a, OTHER), "an unmapped group for a user with a role: still one");
        assertEquals(calls(3), removed(a, ADMINS), "removing a mapped group of a user in another one");
        assertEquals("member", role(a));
        assertEquals(Set.of(OTHER, ENGINEERING), groups(a));
        assertEquals(Map.of("admin", 0L, "member", 1L, "billing", 0L, "viewer", 0L), health());
        assertEquals(calls(2), deleted(a), "a deleted user with a role: the first transaction assumed none");
        assertEquals(0, n(directory(), "roleCount#member"));
        assertEquals(0, n(directory(), "userCount"));
        assertNull(s(userItem(a), Keys.GSI1_PK), "a deleted user is not listed");
        assertNull(s(userItem(a), Keys.GSI2_PK));
        assertNull(s(userItem(a), "role"));
        assertEquals(calls(1), added(a, OTHER), "a late membership of a deleted user, unmapped group: one");
        assertEquals(calls(3), added(a, ADMINS), "a late membership of a deleted user, mapped group: the worst path");
        assertEquals(0, n(directory(), "roleCount#admin"));

        String b = "directory_user_rb";
        assertEquals(calls(3), added(b, SALES), "a mapped group of a user not created yet");
        assertEquals("billing", s(userItem(b), "role"), "its role waits on its item");
        assertEquals(0, n(directory(), "roleCount#billing"), "not counted before it exists");
        assertNull(s(userItem(b), Keys.GSI1_PK), "not listed before it exists");
        assertEquals(calls(2), created(b), "created with a stored role: counted from its item");
        assertEquals("billing", role(b));
        assertEquals(1, n(directory(), "roleCount#billing"));
        assertEquals(Map.of("admin", 0L, "member", 0L, "billing", 1L, "viewer", 0L), health());
    }

    @Test
    void aMembershipAppliesOnceHoweverOftenAndInWhateverOrderItArrives() {
        String c = "directory_user_rc";
        Payloads add = membership(true, "ev_rc_add", c, ADMINS, 50);
        Payloads remove = membership(false, "ev_rc_remove", c, ADMINS, 60);
        Payloads addAgain = membership(true, "ev_rc_add2", c, ADMINS, 70);
        Payloads create = user("dsync.user.created", "ev_rc_create", c, 40, "C");
        List<Payloads> all = new ArrayList<>(List.of(add, remove, addAgain, create, add, remove, create, addAgain));
        Collections.shuffle(all, new Random(3));
        for (Payloads p : all) {
            assertTrue(deliver(p).size() <= 3);
        }
        assertEquals("admin", role(c));
        assertEquals(Set.of(ADMINS), groups(c));
        assertEquals(1, n(directory(), "roleCount#admin"));
        assertEquals(1, n(directory(), "userCount"));
    }

    @Test
    void aDeletedGroupLeavesItsUsersWhenTheRoleJobRuns() {
        String d = "directory_user_rd";
        created(d);
        added(d, SALES);
        added(d, OTHER);
        assertEquals("billing", role(d));
        assertEquals(calls(1), deliver(group("dsync.group.deleted", next(), SALES, ++second)), "the job is queued in the same transaction");
        assertTrue(new RoleJobs(webhooks.dynamo, webhooks.table, Clock.systemUTC()).pending(ORG));
        runJobs();
        assertEquals("viewer", role(d), "WorkOS dropped the deleted group's memberships");
        assertEquals(Set.of(OTHER), groups(d));
        assertEquals(0, n(directory(), "roleCount#billing"));
        assertEquals(calls(2), added(d, SALES), "a late membership of the deleted group: the group item says deleted");
        assertEquals(Set.of(OTHER), groups(d), "a deleted group joins nobody's groups");
        assertEquals("viewer", role(d));
    }

    @Test
    void aDeletedDirectoryLeavesTheListing() {
        created("directory_user_re");
        added("directory_user_re", ADMINS);
        deliver(Payloads.event("dsync.deleted").id(next()).at(at(++second)).data("id", DIR).data("organization_id", ORG)
                .data("updated_at", at(second)));
        runJobs();
        assertNull(s(userItem("directory_user_re"), Keys.GSI1_PK));
        assertNull(s(userItem("directory_user_re"), Keys.GSI2_PK));
        assertEquals(Map.of("admin", 0L, "member", 0L, "billing", 0L, "viewer", 0L), health(), "a deleted directory counts nobody");
    }

    @Test
    void aMappingChangeReDerivesEveryUserAndTheCountsStayExact() {
        Random random = new Random(11);
        List<String> groupIds = List.of(ADMINS, ENGINEERING, SALES, OTHER);
        Map<String, Set<String>> groupsOf = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            String u = String.format("directory_user_m%03d", i);
            created(u);
            Set<String> gs = new HashSet<>();
            for (int k = random.nextInt(3); k > 0; k--) {
                String g = groupIds.get(random.nextInt(groupIds.size()));
                added(u, g);
                gs.add(g);
            }
            groupsOf.put(u, gs);
        }
        Map<String, String> changed = new LinkedHashMap<>();
        changed.put(OTHER, "owner");
        changed.put(SALES, "admin");
        save(webhooks, changed, "member");
        var result = new RoleJobs(webhooks.dynamo, webhooks.table, Clock.systemUTC()).run(ORG, System.nanoTime() + 30_000_000_000L);
        assertTrue(result.complete());
        assertEquals(60, result.usersChecked());
        RoleMapping m = mapping();
        Map<String, Long> expected = new HashMap<>();
        for (var e : groupsOf.entrySet()) {
            assertEquals(m.roleOf(e.getValue()), role(e.getKey()), e.getKey() + " in " + e.getValue());
            expected.merge(m.roleOf(e.getValue()), 1L, Long::sum);
        }
        Map<String, Long> counts = new HashMap<>(health());
        counts.values().removeIf(v -> v == 0);
        assertEquals(expected, counts);
        assertFalse(new RoleJobs(webhooks.dynamo, webhooks.table, Clock.systemUTC()).pending(ORG));
    }

    @Test
    void reconcileWritesDeriveRolesAsEventsDo() {
        Projection projection = new Projection(webhooks.dynamo, webhooks.table, Clock.systemUTC());
        String f = "directory_user_rf";
        assertEquals(Change.CREATED, projection.setMembership(DIR, f, ADMINS, true, Instant.parse(at(200))));
        assertEquals(Change.CREATED, projection.upsertUser(Json.parse("{\"id\":\"" + f + "\",\"directory_id\":\"" + DIR
                + "\",\"organization_id\":\"" + ORG + "\",\"first_name\":\"F\",\"updated_at\":\"" + at(201) + "\"}")));
        assertEquals("admin", role(f));
        assertEquals(1, n(directory(), "roleCount#admin"));
        assertEquals(Change.UNCHANGED, projection.setMembership(DIR, f, ADMINS, true, Instant.parse(at(202))));
        assertEquals(Change.CREATED, projection.setMembership(DIR, f, ENGINEERING, true, Instant.parse(at(203))));
        assertEquals(Change.DELETED, projection.setMembership(DIR, f, ADMINS, false, Instant.parse(at(204))));
        assertEquals("member", role(f));
        assertEquals(Change.DELETED, projection.deleteUser(ORG, DIR, f, Instant.parse(at(205))));
        assertEquals(0, n(directory(), "roleCount#member"));
        assertEquals(0, n(directory(), "roleCount#admin"));
        assertEquals(0, n(directory(), "userCount"));
    }
}
