package io.gatekeep.identityhealth;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.RoleJobs;
import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.projection.RoleMappings;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.RequestCounter;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code directorySync.roles}: live directory users per role, exact, from the directories' role
 * counters and the mapping's default role, in the one Query health makes; users of a deleted
 * directory and deleted users count nowhere; a mapping change moves the counts once its
 * re-derivation ran. The world is written through the shared projection, as webhooks and reconcile write it.
 */
class RoleCountsTest {
    static final String ORG = "org_01HHEALTHROLES000000000001";
    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    private final String table = LocalDynamo.shared().createTable();
    private final DynamoDbClient dynamo = LocalDynamo.shared().client();
    private final RequestCounter calls = new RequestCounter();
    private final ApiContract.CheckedHandler handler = ApiContract.checked(new IdentityHealthHandler(
            new Config(Map.of(Config.TABLE_NAME, table)), LocalDynamo.shared().client(calls), Clock.systemUTC()));
    private final Projection projection = new Projection(dynamo, table, Clock.systemUTC());
    private int tick;

    private String time() {
        return Times.iso(T0.plusSeconds(++tick));
    }

    private JsonNode roles() {
        calls.reset();
        var response = handler.handleRequest(ApiEvents.load("identity-health.json").organization(ORG)
                .caller("user_1", ORG, "member", "m@acme.test").build(), LocalContext.of("identity-health"));
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(List.of("Query"), calls.operations(), "health is still one Query");
        return Json.parse(response.getBody()).at("/directorySync/roles");
    }

    private void mapping(Map<String, String> groupRoles, String defaultRole) {
        List<RoleMapping.Entry> entries = new ArrayList<>();
        groupRoles.forEach((g, r) -> entries.add(new RoleMapping.Entry(g, r)));
        new RoleMappings(dynamo, table, Clock.systemUTC()).save(ORG, entries, defaultRole, new AuditEntry(ORG,
                "audit_" + tick, "settings.role_mappings_updated", T0, "a@acme.test", "set", AuditEntry.Source.GATEKEEP, null));
        var result = new RoleJobs(dynamo, table, Clock.systemUTC()).run(ORG, System.nanoTime() + 30_000_000_000L);
        assertEquals(true, result.complete());
    }

    @Test
    void healthCountsEachRoleExactly() {
        projection.upsertOrganization(Json.parse("{\"id\":\"" + ORG + "\",\"name\":\"Acme\",\"updated_at\":\"" + time() + "\"}"));
        List<String> groups = List.of("directory_group_h_admins", "directory_group_h_eng", "directory_group_h_sales");
        Map<String, Set<String>> groupsOf = new HashMap<>();
        Random random = new Random(4);
        for (String dir : List.of("directory_h1", "directory_h2")) {
            projection.upsertDirectory(Json.parse("{\"id\":\"" + dir + "\",\"organization_id\":\"" + ORG
                    + "\",\"name\":\"D\",\"type\":\"okta scim v2.0\",\"state\":\"linked\",\"updated_at\":\"" + time() + "\"}"));
            for (int i = 0; i < 20; i++) {
                String user = dir + "_user_" + i;
                projection.upsertUser(Json.parse("{\"id\":\"" + user + "\",\"directory_id\":\"" + dir + "\",\"organization_id\":\""
                        + ORG + "\",\"first_name\":\"U\",\"updated_at\":\"" + time() + "\"}"));
                Set<String> mine = new HashSet<>();
                for (String g : groups) {
                    if (random.nextInt(3) == 0) {
                        projection.setMembership(dir, user, g, true, Instant.parse(time()));
                        mine.add(g);
                    }
                }
                groupsOf.put(user, mine);
            }
        }
        assertEquals("{\"member\":40}", roles().toString(), "no mapping: everyone is a member");

        Map<String, String> first = new LinkedHashMap<>();
        first.put("directory_group_h_sales", "sales");
        first.put("directory_group_h_admins", "admin");
        mapping(first, "member");
        assertEquals(expected(first, "member", groupsOf).toString(), roles().toString());

        // a deleted user and a deleted directory count nowhere
        projection.deleteUser(ORG, "directory_h1", "directory_h1_user_0", T0.plusSeconds(10_000));
        groupsOf.remove("directory_h1_user_0");
        projection.deleteDirectory(ORG, "directory_h2", T0.plusSeconds(10_000));
        groupsOf.keySet().removeIf(u -> u.startsWith("directory_h2"));
        assertEquals(expected(first, "member", groupsOf).toString(), roles().toString());

        // the mapping changes: new roles and a new default role, exact once the re-derivation ran
        Map<String, String> second = new LinkedHashMap<>();
        second.put("directory_group_h_eng", "owner");
        second.put("directory_group_h_sales", "member");
        mapping(second, "viewer");
        JsonNode roles = roles();
        assertEquals(expected(second, "viewer", groupsOf).toString(), roles.toString());
        long sum = 0;
        for (JsonNode n : roles) {
            sum += n.asLong();
        }
        assertEquals(19, sum, "the roles add up to the live users");
    }

    /** Users per role as RoleMapping.roleOf gives them, in health's order (the mapping's roles, 0 included). */
    private static JsonNode expected(Map<String, String> groupRoles, String defaultRole, Map<String, Set<String>> groupsOf) {
        List<RoleMapping.Entry> entries = new ArrayList<>();
        groupRoles.forEach((g, r) -> entries.add(new RoleMapping.Entry(g, r)));
        RoleMapping m = new RoleMapping(entries, defaultRole, 1);
        Map<String, Long> counts = new LinkedHashMap<>();
        m.roleOrder().forEach(r -> counts.put(r, 0L));
        groupsOf.values().forEach(g -> counts.merge(m.roleOf(g), 1L, Long::sum));
        return Json.MAPPER.valueToTree(counts);
    }
}
