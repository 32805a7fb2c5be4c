package io.gatekeep.directoryroles;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.projection.RoleJobs;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.gatekeep.directoryroles.RolesFixture.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PUT /organizations/{organizationId}/role-mappings through full API Gateway events
 * (events/role-mappings.json) against DynamoDB Local: who may, what is refused and why (nothing
 * written then), the change with its audit entry, and the re-derivation of the users' roles.
 */
class RoleMappingsHandlerTest {
    static final String ORG = "org_01HROLES0000000000000000001";
    static final String OTHER_ORG = "org_01HROLES0000000000000000002";
    static final String DIR = "directory_01HROLES000000000000001";
    static final String ADMINS = "directory_group_01HADMINS";
    static final String SUPPORT = "directory_group_01HSUPPORT";
    static final String ALL = "directory_group_01HALL";
    static final String BODY = "{\"mappings\": [{\"directoryGroupId\": \"" + ADMINS + "\", \"role\": \"admin\"},"
            + " {\"directoryGroupId\": \"" + SUPPORT + "\", \"role\": \"support\"}], \"defaultRole\": \"member\"}";

    private final RolesFixture fx = new RolesFixture();

    @BeforeEach
    void seed() {
        fx.organization(ORG);
        fx.organization(OTHER_ORG);
        fx.directory(ORG, DIR);
        fx.group(ORG, DIR, ADMINS, "Admins");
        fx.group(ORG, DIR, SUPPORT, "Support");
        fx.group(ORG, DIR, ALL, "Everyone");
        fx.user(ORG, DIR, "directory_user_ada", ADMINS, SUPPORT, ALL);
        fx.user(ORG, DIR, "directory_user_bob", SUPPORT, ALL);
        fx.user(ORG, DIR, "directory_user_cy", ALL);
        fx.user(ORG, DIR, "directory_user_dee");
    }

    private String role(String userId) {
        return Attr.str(fx.user(DIR, userId), "role");
    }

    @Test
    void anAdminSetsTheMappingAndEveryUserTakesItsRole() {
        fx.calls.reset();
        RolesFixture.Response r = fx.send(as(fx.put(ORG, BODY), ORG, "admin"));
        assertEquals(200, r.status(), r.toString());
        JsonNode body = r.body();
        assertEquals(ORG, body.get("organizationId").asText());
        assertEquals(2, body.get("mappings").size());
        assertEquals(ADMINS, body.at("/mappings/0/directoryGroupId").asText());
        assertEquals("admin", body.at("/mappings/0/role").asText());
        assertEquals("member", body.get("defaultRole").asText());
        assertEquals("[\"admin\",\"member\",\"support\"]", body.get("roleOrder").toString(), "owner > admin > member > custom");
        assertEquals("complete", body.at("/rederivation/status").asText());
        assertEquals(4, body.at("/rederivation/usersChecked").asLong());
        assertEquals(2, body.at("/rederivation/usersChanged").asLong());
        assertEquals(2, fx.calls.count("TransactWriteItems"), "the change is one transaction, the two users' roles one more");
        assertEquals(1, fx.calls.count("BatchGetItem"), "the mapped groups' names for the audit entry: one batch");

        assertEquals("admin", role("directory_user_ada"), "the highest-privilege mapped role wins");
        assertEquals("support", role("directory_user_bob"));
        assertNull(role("directory_user_cy"), "no mapped group: the default role, not stored");
        assertNull(role("directory_user_dee"));
        Map<String, Long> counts = OrganizationView.load(fx.dynamo, fx.table, ORG).orElseThrow().roleCounts();
        assertEquals(Map.of("admin", 1L, "member", 2L, "support", 1L), counts);

        List<AuditEntry> audit = fx.audit(ORG).stream().filter(a -> a.type().equals(RoleMappingsHandler.AUDIT_TYPE)).toList();
        assertEquals(1, audit.size());
        assertEquals(AuditEntry.Source.GATEKEEP, audit.getFirst().source());
        assertEquals("admin@example.test", audit.getFirst().actor());
        assertEquals("Directory roles set: \"Admins\" -> admin, \"Support\" -> support; default role member.",
                audit.getFirst().summary(), "groups by name, as people know them");
        assertFalse(new RoleJobs(fx.dynamo, fx.table, Clock.systemUTC()).pending(ORG), "nothing left to do");

        // an owner changes it again: the default role moves, and so do the users
        RolesFixture.Response again = fx.send(as(fx.put(ORG, "{\"mappings\": [{\"directoryGroupId\": \"" + ALL
                + "\", \"role\": \"member\"}], \"defaultRole\": \"viewer\"}"), ORG, "owner"));
        assertEquals(200, again.status(), again.toString());
        assertEquals("member", role("directory_user_ada"));
        assertEquals("member", role("directory_user_cy"));
        assertNull(role("directory_user_dee"), "viewer, the default");
        assertEquals(Map.of("member", 3L, "viewer", 1L),
                OrganizationView.load(fx.dynamo, fx.table, ORG).orElseThrow().roleCounts());
        assertEquals(2, fx.audit(ORG).stream().filter(a -> a.type().equals(RoleMappingsHandler.AUDIT_TYPE)).count());
    }

    /** A group mapped before it is synced, or deleted since, has no name here: the audit entry gives its id. */
    @Test
    void theAuditEntryNamesAGroupByIdWhereItHasNoName() {
        fx.group(ORG, DIR, "directory_group_01HGONE", "Gone");
        fx.projection.deleteGroup(ORG, DIR, "directory_group_01HGONE", java.time.Instant.now());
        String body = "{\"mappings\": [{\"directoryGroupId\": \"directory_group_01HLATER\", \"role\": \"admin\"},"
                + " {\"directoryGroupId\": \"directory_group_01HGONE\", \"role\": \"member\"},"
                + " {\"directoryGroupId\": \"" + ALL + "\", \"role\": \"member\"}], \"defaultRole\": \"member\"}";
        assertEquals(200, fx.send(as(fx.put(ORG, body), ORG, "admin")).status());
        AuditEntry entry = fx.audit(ORG).stream().filter(a -> a.type().equals(RoleMappingsHandler.AUDIT_TYPE)).findFirst().orElseThrow();
        assertEquals("Directory roles set: directory_group_01HLATER -> admin, directory_group_01HGONE -> member,"
                + " \"Everyone\" -> member; default role member.", entry.summary());
    }

    @Test
    void anEmptyMappingGivesEveryoneTheDefaultRole() {
        assertEquals(200, fx.send(as(fx.put(ORG, BODY), ORG, "admin")).status());
        RolesFixture.Response r = fx.send(as(fx.put(ORG, "{\"mappings\": [], \"defaultRole\": \"member\"}"), ORG, "admin"));
        assertEquals(200, r.status(), r.toString());
        for (String u : List.of("directory_user_ada", "directory_user_bob", "directory_user_cy", "directory_user_dee")) {
            assertNull(role(u), u);
            assertEquals(Keys.usersDefaultRolePk(ORG), Attr.str(fx.user(DIR, u), Keys.GSI2_PK), u);
        }
        assertEquals(Map.of("member", 4L), OrganizationView.load(fx.dynamo, fx.table, ORG).orElseThrow().roleCounts());
    }

    @Test
    void aReDerivationOutOfTimeIsFinishedByTheRoleJobsFunction() {
        // 5 s left: the function keeps them all for its answer and leaves the users to the role-jobs function
        RolesFixture.Response r = fx.send(as(fx.put(ORG, BODY), ORG, "admin"), new LocalContext("role-mappings", 5_000, 1024));
        assertEquals(200, r.status(), r.toString());
        assertEquals("in_progress", r.body().at("/rederivation/status").asText());
        assertNull(role("directory_user_ada"), "not derived yet");
        Map<String, Object> report = fx.jobs.handleRequest(Map.of("source", "aws.events", "detail-type", "Scheduled Event"),
                new LocalContext("role-jobs", 300_000, 256));
        assertEquals("[{organizationId=" + ORG + ", status=complete, usersChecked=4, usersChanged=2}]", report.get("jobs").toString());
        assertEquals("admin", role("directory_user_ada"));
        assertEquals("support", role("directory_user_bob"));
        assertEquals("[]", fx.jobs.handleRequest(Map.of(), null).get("jobs").toString(), "nothing left");
    }

    @Test
    void theRoleJobsFunctionQueuesAWalkOfOneOrganizationOnRequest() {
        Map<String, Object> report = fx.jobs.handleRequest(Map.of("organizationId", ORG), null);
        assertEquals("[{organizationId=" + ORG + ", status=complete, usersChecked=4, usersChanged=0}]", report.get("jobs").toString());
        assertEquals("invalid_event", fx.jobs.handleRequest(Map.of("organizationId", "org x"), null).get("error"));
    }

    @Test
    void usersWrittenBeforeRolesExistedAreListedOnceTheOrganizationIsWalked() {
        // as the projection left a user before this feature: no groups, rev or listing keys; its memberships only
        String dir = Keys.directoryPk(DIR);
        fx.dynamo.putItem(r -> r.tableName(fx.table).item(Map.of(Keys.PK, Attr.s(dir), Keys.SK, Attr.s(Keys.userSk("directory_user_old")),
                "organizationId", Attr.s(ORG), "email", Attr.s("old@example.test"), "state", Attr.s("active"),
                "updatedAt", Attr.s("2026-01-01T00:00:00.000Z"))));
        for (String g : List.of(SUPPORT, ALL, "directory_group_01HGONE", "directory_group_01HLEFT")) {
            fx.dynamo.putItem(r -> r.tableName(fx.table).item(Map.of(Keys.PK, Attr.s(dir),
                    Keys.SK, Attr.s(Keys.memberSk("directory_user_old", g)), "member", Attr.bool(!g.endsWith("LEFT")),
                    "changedAt", Attr.s("2026-01-01T00:00:00.000Z"))));
        }
        fx.group(ORG, DIR, "directory_group_01HGONE");
        fx.projection.deleteGroup(ORG, DIR, "directory_group_01HGONE", RolesFixture.T0.plusSeconds(90_000));
        fx.dynamo.updateItem(r -> r.tableName(fx.table).key(Attr.key(Keys.orgPk(ORG), Keys.directorySk(DIR)))
                .updateExpression("ADD userCount :one").expressionAttributeValues(Map.of(":one", Attr.n(1))));
        assertEquals(200, fx.send(as(fx.put(ORG, BODY), ORG, "admin")).status());

        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> old = fx.user(DIR, "directory_user_old");
        assertEquals(List.of(ALL, SUPPORT), Attr.strList(old, "groups").stream().sorted().toList(),
                "its live memberships: not the deleted group's, not the one it left");
        assertEquals("support", Attr.str(old, "role"));
        assertEquals(Keys.usersPk(ORG), Attr.str(old, Keys.GSI1_PK));
        assertEquals(Keys.usersRolePk(ORG, "support"), Attr.str(old, Keys.GSI2_PK));
        assertEquals(Map.of("admin", 1L, "member", 2L, "support", 2L), OrganizationView.load(fx.dynamo, fx.table, ORG).orElseThrow().roleCounts());
    }

    @Test
    void membersAndOtherOrganizationsAreForbiddenAndWriteNothing() {
        List<String> before = fx.scan();
        for (String role : List.of("member", "viewer", "billing")) {
            RolesFixture.Response r = fx.send(as(fx.put(ORG, BODY), ORG, role));
            assertEquals(403, r.status(), role + ": " + r);
            assertEquals("forbidden", r.error());
        }
        RolesFixture.Response other = fx.send(as(fx.put(ORG, BODY), OTHER_ORG, "owner"));
        assertEquals(403, other.status(), other.toString());
        assertEquals("forbidden", other.error());
        assertEquals(before, fx.scan(), "a refused caller wrote nothing");
    }

    @Test
    void theChecksComeInTheOrderOfTheOtherSettings() {
        RolesFixture.Response noToken = fx.send(fx.put(ORG, BODY).claims(null));
        assertEquals(401, noToken.status());
        assertEquals("unauthenticated", noToken.error());
        RolesFixture.Response noSession = fx.send(fx.put(ORG, BODY).caller("user_x", null, "admin", "x@example.test"));
        assertEquals(400, noSession.status());
        assertEquals("organization_required", noSession.error());
        RolesFixture.Response badBodyBeforeForbidden = fx.send(as(fx.put(ORG, "{}"), ORG, "member"));
        assertEquals(400, badBodyBeforeForbidden.status(), "the body is read before the role, as for it-contacts and plan");
        RolesFixture.Response unknown = fx.send(as(fx.put("org_01HNOBODY", BODY), "org_01HNOBODY", "owner"));
        assertEquals(404, unknown.status());
        assertEquals("organization_not_found", unknown.error());
        fx.deleteOrganization(OTHER_ORG);
        RolesFixture.Response deleted = fx.send(as(fx.put(OTHER_ORG, BODY), OTHER_ORG, "owner"));
        assertEquals(404, deleted.status(), deleted.toString());
        assertTrue(fx.audit("org_01HNOBODY").isEmpty(), "no audit entry for a refused change");
    }

    @Test
    void everyBadBodyIsA400NamingTheFieldAndWritesNothing() {
        List<String> before = fx.scan();
        StringBuilder tooMany = new StringBuilder("{\"defaultRole\": \"member\", \"mappings\": [");
        for (int i = 0; i < 51; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"directoryGroupId\": \"directory_group_").append(i).append("\", \"role\": \"admin\"}");
        }
        tooMany.append("]}");
        List<String[]> cases = new ArrayList<>(List.of(
                new String[]{"not json", "not valid JSON"},
                new String[]{"[]", "JSON object"},
                new String[]{"{\"defaultRole\": \"member\"}", "mappings must be a list"},
                new String[]{"{\"mappings\": {}, \"defaultRole\": \"member\"}", "mappings must be a list"},
                new String[]{"{\"mappings\": []}", "defaultRole must be a role"},
                new String[]{"{\"mappings\": [], \"defaultRole\": \"Admin\"}", "defaultRole must be a role"},
                new String[]{"{\"mappings\": [], \"defaultRole\": \"\"}", "defaultRole must be a role"},
                new String[]{"{\"mappings\": [], \"defaultRole\": 7}", "defaultRole must be a role"},
                new String[]{"{\"mappings\": [], \"defaultRole\": \"a23456789012345678901234567890123\"}", "defaultRole must be a role"},
                new String[]{"{\"mappings\": [\"x\"], \"defaultRole\": \"member\"}", "mappings[0] must be an object"},
                new String[]{"{\"mappings\": [{\"role\": \"admin\"}], \"defaultRole\": \"member\"}", "mappings[0].directoryGroupId"},
                new String[]{"{\"mappings\": [{\"directoryGroupId\": \"a#b\", \"role\": \"admin\"}], \"defaultRole\": \"member\"}",
                        "mappings[0].directoryGroupId"},
                new String[]{"{\"mappings\": [{\"directoryGroupId\": \"g1\", \"role\": \"1admin\"}], \"defaultRole\": \"member\"}",
                        "mappings[0].role must be a role"},
                new String[]{"{\"mappings\": [{\"directoryGroupId\": \"g1\", \"role\": \"admin\"}, {\"directoryGroupId\": \"g1\","
                        + " \"role\": \"member\"}], \"defaultRole\": \"member\"}", "mappings[1].directoryGroupId repeats"},
                new String[]{tooMany.toString(), "at most 50"}));
        for (String[] c : cases) {
            RolesFixture.Response r = fx.send(as(fx.put(ORG, c[0]), ORG, "admin"));
            assertEquals(400, r.status(), c[0] + " -> " + r);
            assertEquals("invalid_request", r.error(), c[0]);
            assertTrue(r.body().get("message").asText().contains(c[1]), c[0] + " -> " + r.body().get("message"));
        }
        assertEquals(before, fx.scan(), "no bad body wrote anything");
    }

    @Test
    void aMappingMayNameAGroupNotSyncedYetAndItsUsersTakeTheRoleWhenItArrives() {
        assertEquals(200, fx.send(as(fx.put(ORG, "{\"mappings\": [{\"directoryGroupId\": \"directory_group_later\","
                + " \"role\": \"owner\"}], \"defaultRole\": \"member\"}"), ORG, "admin")).status());
        fx.group(ORG, DIR, "directory_group_later");
        fx.projection.setMembership(DIR, "directory_user_dee", "directory_group_later", true, RolesFixture.T0.plusSeconds(10_000));
        assertEquals("owner", role("directory_user_dee"));
        assertEquals(Map.of("owner", 1L, "member", 3L), OrganizationView.load(fx.dynamo, fx.table, ORG).orElseThrow().roleCounts());
    }
}
