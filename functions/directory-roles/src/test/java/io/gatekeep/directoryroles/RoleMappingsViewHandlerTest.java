package io.gatekeep.directoryroles;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.projection.RoleMapping;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.gatekeep.directoryroles.RoleMappingsHandlerTest.ADMINS;
import static io.gatekeep.directoryroles.RoleMappingsHandlerTest.ALL;
import static io.gatekeep.directoryroles.RoleMappingsHandlerTest.BODY;
import static io.gatekeep.directoryroles.RoleMappingsHandlerTest.DIR;
import static io.gatekeep.directoryroles.RoleMappingsHandlerTest.ORG;
import static io.gatekeep.directoryroles.RoleMappingsHandlerTest.OTHER_ORG;
import static io.gatekeep.directoryroles.RoleMappingsHandlerTest.SUPPORT;
import static io.gatekeep.directoryroles.RolesFixture.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /organizations/{organizationId}/role-mappings and POST .../role-mappings/preview through full
 * API Gateway events (events/role-mappings-get.json, role-mappings-preview.json) against DynamoDB
 * Local, every request counted: the mapping read back, the preview equal to what the change then
 * does, nothing written by either, and the stated request bounds.
 */
class RoleMappingsViewHandlerTest {
    private final RolesFixture fx = new RolesFixture();

    @BeforeEach
    void seed() {
        fx.organization(ORG);
        fx.organization(OTHER_ORG);
        fx.directory(ORG, DIR);
        for (String g : List.of(ADMINS, SUPPORT, ALL)) {
            fx.group(ORG, DIR, g);
        }
        fx.user(ORG, DIR, "directory_user_ada", ADMINS, SUPPORT, ALL);
        fx.user(ORG, DIR, "directory_user_bob", SUPPORT, ALL);
        fx.user(ORG, DIR, "directory_user_cy", ALL);
        fx.user(ORG, DIR, "directory_user_dee");
    }

    @Test
    void withNothingStoredEveryoneIsAMemberAndTheGroupsAreThereToMap() {
        fx.calls.reset();
        RolesFixture.Response r = fx.send(as(fx.get(ORG), ORG, "admin"));
        assertEquals(200, r.status(), r.toString());
        JsonNode body = r.body();
        assertEquals(ORG, body.get("organizationId").asText());
        assertEquals("[]", body.get("mappings").toString());
        assertEquals("member", body.get("defaultRole").asText());
        assertEquals(0, body.get("version").asLong());
        assertEquals(4, body.get("users").asLong());
        assertEquals("{\"member\":4}", body.get("usersPerRole").toString());
        assertEquals(3, body.get("groups").size());
        assertEquals(ADMINS, body.at("/groups/0/id").asText(), "groups by id");
        assertEquals(ADMINS, body.at("/groups/0/name").asText());
        assertEquals(DIR, body.at("/groups/0/directoryId").asText());
        assertTrue(body.get("groupsComplete").asBoolean());
        assertEquals(2, fx.calls.count("Query"), "the organization's partition, then the one directory's groups");
        assertEquals(2, fx.calls.total(), "nothing else");
    }

    @Test
    void theMappingReadsBackAsItWasSavedWithGroupNamesAndUsersPerRole() {
        String body = "{\"mappings\": [{\"directoryGroupId\": \"" + SUPPORT + "\", \"role\": \"support\"},"
                + " {\"directoryGroupId\": \"directory_group_notyet\", \"role\": \"owner\"},"
                + " {\"directoryGroupId\": \"" + ADMINS + "\", \"role\": \"admin\"}], \"defaultRole\": \"viewer\"}";
        assertEquals(200, fx.send(as(fx.put(ORG, body), ORG, "owner")).status());
        RolesFixture.Response r = fx.send(as(fx.get(ORG), ORG, "owner"));
        assertEquals(200, r.status(), r.toString());
        JsonNode view = r.body();
        assertEquals(3, view.get("mappings").size());
        assertEquals(SUPPORT, view.at("/mappings/0/directoryGroupId").asText(), "in the order given");
        assertEquals("support", view.at("/mappings/0/role").asText());
        assertEquals(SUPPORT, view.at("/mappings/0/groupName").asText());
        assertEquals(DIR, view.at("/mappings/0/directoryId").asText());
        assertTrue(view.at("/mappings/1/groupName").isNull(), "a group not synced yet has no name");
        assertEquals("viewer", view.get("defaultRole").asText());
        assertEquals("[\"owner\",\"admin\",\"support\",\"viewer\"]", view.get("roleOrder").toString());
        assertEquals(1, view.get("version").asLong());
        assertEquals("{\"owner\":0,\"admin\":1,\"support\":1,\"viewer\":2}", view.get("usersPerRole").toString());
    }

    @Test
    void thePreviewSaysWhatTheChangeThenDoesAndWritesNothing() {
        List<String> before = fx.scan();
        fx.calls.reset();
        RolesFixture.Response p = fx.send(as(fx.preview(ORG, BODY), ORG, "admin"));
        assertEquals(200, p.status(), p.toString());
        JsonNode preview = p.body();
        assertEquals(4, preview.get("usersChecked").asLong());
        assertTrue(preview.get("complete").asBoolean());
        assertEquals(2, preview.get("usersChanging").asLong());
        assertEquals("[{\"from\":\"member\",\"to\":\"admin\",\"users\":1},{\"from\":\"member\",\"to\":\"support\",\"users\":1}]",
                preview.get("changes").toString());
        assertEquals("{\"admin\":1,\"member\":2,\"support\":1}", preview.get("usersPerRoleAfter").toString());
        assertEquals(2, fx.calls.count("Query"), "the organization's partition and one page of gsi1");
        assertEquals(2, fx.calls.total());
        assertEquals(before, fx.scan(), "a preview writes nothing");

        RolesFixture.Response put = fx.send(as(fx.put(ORG, BODY), ORG, "admin"));
        assertEquals(preview.get("usersChanging").asLong(), put.body().at("/rederivation/usersChanged").asLong(),
                "the change moves exactly the users the preview counted");

        // from the saved mapping: moving support to the default role, and the default to viewer
        RolesFixture.Response next = fx.send(as(fx.preview(ORG, "{\"mappings\": [{\"directoryGroupId\": \"" + ADMINS
                + "\", \"role\": \"admin\"}], \"defaultRole\": \"viewer\"}"), ORG, "admin"));
        assertEquals(200, next.status(), next.toString());
        assertEquals(3, next.body().get("usersChanging").asLong());
        assertEquals("[{\"from\":\"member\",\"to\":\"viewer\",\"users\":2},{\"from\":\"support\",\"to\":\"viewer\",\"users\":1}]",
                next.body().get("changes").toString());
    }

    @Test
    void pastItsBoundThePreviewSaysItCoveredOnlyPartOfTheUsers() {
        RolePreview bounded = new RolePreview(fx.dynamo, fx.table, 2, 1);
        RoleMapping proposed = new RoleMapping(List.of(new RoleMapping.Entry(ALL, "admin")), "member", 0);
        fx.calls.reset();
        RolePreview.Result r = bounded.preview(ORG, RoleMapping.NONE, proposed);
        assertEquals(1, fx.calls.count("Query"), "never past the bound");
        assertEquals(2, r.usersChecked());
        assertFalse(r.complete());
        assertEquals(1, r.queries());
        RolePreview.Result all = new RolePreview(fx.dynamo, fx.table, 3, 2).preview(ORG, RoleMapping.NONE, proposed);
        assertTrue(all.complete());
        assertEquals(4, all.usersChecked());
        assertEquals(3, all.usersChanging(), "ada, bob and cy are in the group now mapped to admin");
        assertEquals(2, all.queries());
    }

    @Test
    void onlyOwnersAndAdminsOfTheOrganizationReadOrPreview() {
        for (RolesFixture.Response r : List.of(fx.send(as(fx.get(ORG), ORG, "member")),
                fx.send(as(fx.preview(ORG, BODY), ORG, "member")),
                fx.send(as(fx.get(ORG), OTHER_ORG, "owner")),
                fx.send(as(fx.preview(ORG, BODY), OTHER_ORG, "admin")))) {
            assertEquals(403, r.status(), r.toString());
            assertEquals("forbidden", r.error());
        }
        RolesFixture.Response noToken = fx.send(fx.get(ORG).claims(null));
        assertEquals(401, noToken.status());
        assertEquals("unauthenticated", noToken.error());
        RolesFixture.Response noSession = fx.send(fx.get(ORG).caller("user_x", null, "admin", "x@example.test"));
        assertEquals("organization_required", noSession.error());
        RolesFixture.Response unknown = fx.send(as(fx.get("org_01HNOBODY"), "org_01HNOBODY", "owner"));
        assertEquals(404, unknown.status());
        assertEquals("organization_not_found", unknown.error());
        RolesFixture.Response unknownPreview = fx.send(as(fx.preview("org_01HNOBODY", BODY), "org_01HNOBODY", "owner"));
        assertEquals(404, unknownPreview.status());
    }

    @Test
    void aBadProposalIsA400NamingTheFieldAsForTheChange() {
        for (String[] c : List.of(new String[]{"{\"mappings\": []}", "defaultRole must be a role"},
                new String[]{"{\"mappings\": [{\"directoryGroupId\": \"g1\", \"role\": \"Admin\"}], \"defaultRole\": \"member\"}",
                        "mappings[0].role must be a role"},
                new String[]{"nope", "not valid JSON"})) {
            RolesFixture.Response r = fx.send(as(fx.preview(ORG, c[0]), ORG, "admin"));
            assertEquals(400, r.status(), r.toString());
            assertEquals("invalid_request", r.error());
            assertTrue(r.body().get("message").asText().contains(c[1]), r.toString());
        }
    }
}
