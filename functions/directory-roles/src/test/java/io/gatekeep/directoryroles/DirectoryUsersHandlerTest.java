package io.gatekeep.directoryroles;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static io.gatekeep.directoryroles.RolesFixture.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /organizations/{organizationId}/directory-users through full API Gateway events
 * (events/directory-users.json): every live user of the organization's directories exactly once
 * across the pages, with its groups and role, filtered by role in one Query per page, behind the
 * same gates as the other settings, with a cursor that only works for the request it was made for.
 */
class DirectoryUsersHandlerTest {
    static final String ORG = "org_01HLIST00000000000000000001";
    static final String OTHER_ORG = "org_01HLIST00000000000000000002";
    static final String DIR_A = "directory_01HLISTA0000000000000001";
    static final String DIR_B = "directory_01HLISTB0000000000000001";
    static final List<String> GROUPS_A = List.of("directory_group_a_admins", "directory_group_a_eng", "directory_group_a_all");
    static final List<String> GROUPS_B = List.of("directory_group_b_admins", "directory_group_b_ops");

    // Seeded once: every test only reads (the one deletion is of an organization of its own).
    private static RolesFixture fx;
    /** user id -> its groups, as seeded. */
    private static final Map<String, Set<String>> groupsOf = new HashMap<>();
    private static final Map<String, String> directoryOf = new HashMap<>();

    @BeforeAll
    static void seed() {
        fx = new RolesFixture();
        fx.organization(ORG);
        fx.organization(OTHER_ORG);
        Random random = new Random(5);
        for (String[] d : new String[][]{{DIR_A, "a"}, {DIR_B, "b"}}) {
            fx.directory(ORG, d[0]);
            List<String> groups = d[0].equals(DIR_A) ? GROUPS_A : GROUPS_B;
            groups.forEach(g -> fx.group(ORG, d[0], g));
            int n = d[0].equals(DIR_A) ? 34 : 23;
            for (int i = 0; i < n; i++) {
                String user = String.format("directory_user_%s%03d", d[1], i);
                Set<String> mine = new TreeSet<>();
                for (String g : groups) {
                    if (random.nextInt(3) == 0) {
                        mine.add(g);
                    }
                }
                fx.user(ORG, d[0], user, mine.toArray(String[]::new));
                groupsOf.put(user, mine);
                directoryOf.put(user, d[0]);
            }
        }
        // a deleted user and another organization's user are never listed
        fx.user(ORG, DIR_A, "directory_user_gone");
        fx.projection.deleteUser(ORG, DIR_A, "directory_user_gone", RolesFixture.T0.plusSeconds(50_000));
        fx.directory(OTHER_ORG, "directory_01HLISTC0000000000000001");
        fx.user(OTHER_ORG, "directory_01HLISTC0000000000000001", "directory_user_c000");
        RolesFixture.Response r = fx.send(as(fx.put(ORG, "{\"mappings\": ["
                + "{\"directoryGroupId\": \"directory_group_a_admins\", \"role\": \"admin\"},"
                + "{\"directoryGroupId\": \"directory_group_b_admins\", \"role\": \"admin\"},"
                + "{\"directoryGroupId\": \"directory_group_b_ops\", \"role\": \"ops\"},"
                + "{\"directoryGroupId\": \"directory_group_a_eng\", \"role\": \"member\"}], \"defaultRole\": \"viewer\"}"), ORG, "owner"));
        assertEquals(200, r.status(), r.toString());
        assertEquals("complete", r.body().at("/rederivation/status").asText());
    }

    private static String expectedRole(String user) {
        Set<String> g = groupsOf.get(user);
        if (g.contains("directory_group_a_admins") || g.contains("directory_group_b_admins")) {
            return "admin";
        }
        if (g.contains("directory_group_a_eng")) {
            return "member";
        }
        return g.contains("directory_group_b_ops") ? "ops" : "viewer";
    }

    /** Every page of a listing; checks each page's size and DynamoDB calls. */
    private List<JsonNode> all(String role, int limit) {
        List<JsonNode> users = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var event = as(fx.list(ORG), ORG, "admin").query("limit", Integer.toString(limit)).query("role", role).query("cursor", cursor);
            fx.calls.reset();
            RolesFixture.Response r = fx.send(event);
            assertEquals(200, r.status(), r.toString());
            assertEquals(pages == 0 ? List.of("BatchGetItem", "Query") : List.of("Query"), fx.calls.operations(),
                    "the first page also reads the organization and its mapping; later pages are one Query");
            JsonNode data = r.body().get("data");
            assertTrue(data.size() <= limit);
            data.forEach(users::add);
            cursor = r.body().get("nextCursor").isNull() ? null : r.body().get("nextCursor").asText();
            if (cursor != null) {
                assertEquals(limit, data.size(), "only the last page is short");
            }
            pages++;
        } while (cursor != null);
        return users;
    }

    @Test
    void everyLiveUserOnceAcrossThePagesWithItsGroupsAndRole() {
        List<JsonNode> users = all(null, 10);
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode u : users) {
            String id = u.get("id").asText();
            assertTrue(ids.add(id), id + " twice");
            assertEquals(directoryOf.get(id), u.get("directoryId").asText(), id);
            assertEquals(id + "@example.test", u.get("email").asText());
            assertEquals("First " + id, u.get("firstName").asText());
            assertEquals("active", u.get("state").asText());
            List<String> groups = new ArrayList<>();
            u.get("groups").forEach(g -> groups.add(g.asText()));
            assertEquals(new ArrayList<>(groupsOf.get(id)), groups, id + "'s groups, sorted");
            assertEquals(expectedRole(id), u.get("role").asText(), id);
        }
        assertEquals(new TreeSet<>(groupsOf.keySet()), new TreeSet<>(ids), "none missing, none extra (no deleted user, no other organization's)");
        assertEquals(new ArrayList<>(new TreeSet<>(ids)), new ArrayList<>(ids), "by user id");
        assertEquals(Set.of("id", "directoryId", "email", "firstName", "lastName", "state", "groups", "role"),
                fieldNames(users.getFirst()));
        assertEquals(57, all(null, 100).size(), "one page of 100");
        assertEquals(57, all(null, 57).size(), "an exact page: no empty page after it");
    }

    @Test
    void aRoleFilterListsExactlyThatRolesUsersTheDefaultRoleIncluded() {
        Map<String, Set<String>> expected = new HashMap<>();
        groupsOf.keySet().forEach(u -> expected.computeIfAbsent(expectedRole(u), k -> new TreeSet<>()).add(u));
        for (String role : List.of("admin", "member", "ops", "viewer", "owner")) {
            Set<String> listed = new TreeSet<>();
            for (JsonNode u : all(role, 7)) {
                assertTrue(listed.add(u.get("id").asText()), "twice: " + u);
                assertEquals(role, u.get("role").asText());
            }
            assertEquals(expected.getOrDefault(role, Set.of()), listed, role);
        }
        assertTrue(expected.get("viewer").size() > 7 && expected.get("admin").size() > 7, "the seed spans several pages per role");
    }

    @Test
    void aCursorOnlyWorksForTheRequestItWasMadeFor() {
        RolesFixture.Response first = fx.send(as(fx.list(ORG), ORG, "admin").query("limit", "5").query("role", "viewer"));
        String cursor = first.body().get("nextCursor").asText();
        assertNotNull(cursor);
        List<RolesFixture.Response> refused = List.of(
                fx.send(as(fx.list(ORG), ORG, "admin").query("cursor", cursor)),                            // another filter
                fx.send(as(fx.list(ORG), ORG, "admin").query("role", "admin").query("cursor", cursor)),
                fx.send(as(fx.list(OTHER_ORG), OTHER_ORG, "admin").query("role", "viewer").query("cursor", cursor)),
                fx.send(as(fx.list(ORG), ORG, "admin").query("role", "viewer").query("cursor", cursor.substring(1))),
                fx.send(as(fx.list(ORG), ORG, "admin").query("role", "viewer").query("cursor", cursor + "x")),
                fx.send(as(fx.list(ORG), ORG, "admin").query("role", "viewer").query("cursor", "e30.e30")));
        for (RolesFixture.Response r : refused) {
            assertEquals(400, r.status(), r.toString());
            assertEquals("invalid_cursor", r.error());
        }
        RolesFixture.Response next = fx.send(as(fx.list(ORG), ORG, "admin").query("limit", "5").query("role", "viewer").query("cursor", cursor));
        assertEquals(200, next.status());
        assertFalse(next.body().get("data").isEmpty());
    }

    @Test
    void onlyOwnersAndAdminsOfTheOrganizationAndOnlyGoodParameters() {
        for (String role : List.of("member", "viewer")) {
            RolesFixture.Response r = fx.send(as(fx.list(ORG), ORG, role));
            assertEquals(403, r.status(), role);
            assertEquals("forbidden", r.error());
        }
        assertEquals(403, fx.send(as(fx.list(ORG), OTHER_ORG, "owner")).status(), "another organization's owner");
        assertEquals(200, fx.send(as(fx.list(ORG), ORG, "owner")).status());
        assertEquals(401, fx.send(fx.list(ORG).claims(null)).status());
        for (String limit : List.of("0", "101", "-1", "2.5", "abc", "", "1000")) {
            RolesFixture.Response r = fx.send(as(fx.list(ORG), ORG, "admin").query("limit", limit));
            assertEquals(400, r.status(), "limit=" + limit);
            assertEquals("invalid_request", r.error());
        }
        for (String role : List.of("Admin", "1x", "a b", "", "x".repeat(33))) {
            RolesFixture.Response r = fx.send(as(fx.list(ORG), ORG, "admin").query("role", role));
            assertEquals(400, r.status(), "role=" + role);
            assertEquals("invalid_request", r.error());
        }
        RolesFixture.Response unknown = fx.send(as(fx.list("org_01HNOBODY"), "org_01HNOBODY", "admin"));
        assertEquals(404, unknown.status());
        assertEquals("organization_not_found", unknown.error());
        String deleted = "org_01HLIST00000000000000000003";
        fx.organization(deleted);
        fx.deleteOrganization(deleted);
        assertEquals(404, fx.send(as(fx.list(deleted), deleted, "admin")).status(), "a deleted organization");
    }

    @Test
    void anOrganizationWithoutMappingListsEveryoneAsMember() {
        RolesFixture.Response r = fx.send(as(fx.list(OTHER_ORG), OTHER_ORG, "admin"));
        assertEquals(200, r.status(), r.toString());
        assertEquals(1, r.body().get("data").size());
        assertEquals("member", r.body().at("/data/0/role").asText());
        assertTrue(r.body().get("nextCursor").isNull());
        assertEquals(1, fx.send(as(fx.list(OTHER_ORG), OTHER_ORG, "admin").query("role", "member")).body().get("data").size());
        assertNull(fx.item(Keys.ROLE_JOB_PK, OTHER_ORG));
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
