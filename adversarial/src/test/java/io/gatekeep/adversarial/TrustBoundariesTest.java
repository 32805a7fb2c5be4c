package io.gatekeep.adversarial;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.local.RouteTable;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's probes, as an attacker and a careful reviewer would send them, over HTTP through the local
 * runner: a tenant buying itself a product, trailing data and duplicate keys on every kind of body (API
 * routes, the back office's route, operator events, the signed webhook), role claims that only look like
 * roles, and two answers (portal link and health) that must agree.
 */
@Order(4)
class TrustBoundariesTest {
    static Adversarial adv;
    static String initech;

    @BeforeAll
    static void start() throws Exception {
        adv = Adversarial.get();
        initech = adv.system.demo().initechOrganizationId();
    }

    private static Entitlements stored(String organizationId) {
        var item = adv.system.dynamoClient().getItem(r -> r.tableName(adv.system.tableName())
                .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK)).consistentRead(true)).item();
        return Entitlements.fromItem(item);
    }

    private static JsonNode health(String organizationId) throws Exception {
        var r = adv.send("GET", "/organizations/" + organizationId + "/identity-health", adv.token(organizationId, "owner"), null);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    /**
     * Every way a tenant could phrase "include SSO and Directory Sync in my plan", and the same with
     * either product dropped (a change the other way is a change too).
     */
    static final List<String> PLAN_BODIES = List.of(
            "{\"sso\":true,\"directorySync\":true}",
            "{\"plan\":{\"sso\":true,\"directorySync\":true}}",
            "{\"entitlements\":{\"sso\":true,\"directorySync\":true}}",
            "{\"entitlementSso\":true,\"entitlementDirectorySync\":true,\"planSso\":true}",
            "{\"emails\":[\"it@initech.example\"],\"sso\":true,\"directorySync\":true}",
            "{\"intent\":\"sso\",\"sso\":true,\"plan\":{\"sso\":true}}",
            "{\"mappings\":[],\"defaultRole\":\"member\",\"sso\":true,\"directorySync\":true}",
            "{\"sso\":false,\"directorySync\":false}",
            "{\"entitlementSso\":false,\"entitlementDirectorySync\":false,\"planSso\":false}",
            "{\"sso\":null,\"directorySync\":null,\"plan\":null,\"entitlements\":null}");

    /**
     * Every template route and every guessed one, with every body above, as each kind of tenant token, twice:
     * with the plan at SSO only, then at Directory Sync only, so that adding, dropping or flipping either
     * entitlement (a snapshot write that rewrites the organization item included) would show.
     */
    @Test
    void noTenantTokenChangesAnEntitlementByAnyRoute() throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String role : List.of("owner", "admin", "member")) {
            tokens.put(role, adv.token(initech, role));
        }
        tokens.put("OWNER", adv.token(initech, "OWNER"));
        tokens.put("Acme's owner", adv.token(adv.acme(), "owner"));
        // Every template route, and the routes an attacker would guess, with every method that writes.
        List<String[]> targets = new ArrayList<>();
        for (RouteTable.Entry entry : adv.system.routes().entries()) {
            targets.add(new String[] {entry.route().method(), entry.route().path().replace("{organizationId}", initech)});
        }
        for (String guess : List.of("/organizations/%s/plan", "/organizations/%s/entitlements", "/organizations/%s",
                "/internal/organizations/%s/entitlements", "/internal/organizations/%s/plan", "/organizations/%s/settings")) {
            for (String method : List.of("PUT", "POST", "PATCH")) {
                targets.add(new String[] {method, guess.formatted(initech)});
            }
        }
        for (Entitlements plan : List.of(new Entitlements(true, false), new Entitlements(false, true))) {
            assertEquals(200, adv.setPlan(initech, plan.sso(), plan.directorySync()).status());
            int sent = 0;
            for (var token : tokens.entrySet()) {
                for (String[] target : targets) {
                    for (String body : PLAN_BODIES) {
                        var r = adv.send(target[0], target[1], token.getValue(), body);
                        assertTrue(r.status() < 500, target[0] + " " + target[1] + " as " + token.getKey() + ": " + r);
                        sent++;
                    }
                }
            }
            assertTrue(sent > 500, "requests: " + sent);
            assertEquals(plan, stored(initech), "no tenant token may change the plan");
            assertEquals("{\"sso\":" + plan.sso() + ",\"directorySync\":" + plan.directorySync() + "}",
                    health(initech).get("plan").toString());
        }
        assertEquals(200, adv.setPlan(initech, false, false).status());
        var link = adv.send("POST", "/organizations/" + initech + "/portal-links", tokens.get("owner"), "{\"intent\":\"dsync\"}");
        assertEquals("plan_excludes_directory_sync", link.error(), link.toString());
    }

    @Test
    void theVendorsBackOfficeSetsThePlanAndEachGateReadsItsOwnEntitlement() throws Exception {
        String owner = adv.token(initech, "owner");
        assertEquals(200, adv.send("PUT", "/organizations/" + initech + "/it-contacts", owner, "{\"emails\":[\"it@initech.example\"]}")
                .status());
        var set = adv.setPlan(initech, true, false);
        assertEquals(200, set.status(), set.toString());
        assertEquals(new Entitlements(true, false), stored(initech));
        JsonNode h = health(initech);
        assertEquals("{\"sso\":true,\"directorySync\":false}", h.get("plan").toString());
        assertEquals(List.of("domain_verification_required"), texts(h.at("/sso/blockers")));
        assertEquals(List.of("domain_verification_required", "plan_excludes_directory_sync"), texts(h.at("/directorySync/blockers")));
        // dsync is Directory Sync's: refused by the plan; sso and certificate_renewal are SSO's: past the plan gate.
        assertEquals("plan_excludes_directory_sync",
                adv.send("POST", "/organizations/" + initech + "/portal-links", owner, "{\"intent\":\"dsync\"}").error());
        assertEquals("domain_verification_required",
                adv.send("POST", "/organizations/" + initech + "/portal-links", owner, "{\"intent\":\"sso\"}").error());
        assertEquals(200, adv.setPlan(initech, false, true).status());
        assertEquals("plan_excludes_sso",
                adv.send("POST", "/organizations/" + initech + "/portal-links", owner, "{\"intent\":\"certificate_renewal\"}").error());
        assertEquals("domain_verification_required",
                adv.send("POST", "/organizations/" + initech + "/portal-links", owner, "{\"intent\":\"dsync\"}").error());
        // The audit log names the back office's IAM principal.
        var audit = adv.send("GET", "/organizations/" + initech + "/audit-events?type=" + Entitlements.AUDIT_TYPE, owner, null).json().get("data");
        assertTrue(audit.size() >= 2, audit.toString());
        assertTrue(audit.get(0).get("actor").asText().startsWith("arn:aws:iam::"), audit.toString());
        assertEquals(200, adv.setPlan(initech, false, false).status());
    }

    @Test
    void everyKindOfBodyRefusesTrailingDataDuplicateKeysAndNonObjectsAndWritesNothing() throws Exception {
        List<String> before = adv.scan();
        List<String> problems = new ArrayList<>();
        String acme = adv.acme();
        String owner = adv.token(acme, "owner");
        // The issue's own probes, on the tenant routes.
        Map<String, String> api = new LinkedHashMap<>();
        api.put("PUT /organizations/" + acme + "/it-contacts",
                "{\"emails\":[\"it@a.example\"]} {\"emails\":[\"x@evil.example\"]}");
        api.put("PUT /organizations/" + acme + "/role-mappings", "{\"mappings\":[],\"defaultRole\":\"member\"}}");
        api.put("POST /organizations/" + acme + "/portal-links", "{\"intent\":\"sso\"}garbage");
        for (var e : api.entrySet()) {
            String[] route = e.getKey().split(" ");
            var r = adv.send(route[0], route[1], owner, e.getValue());
            if (r.status() != 400 || !"invalid_request".equals(r.error())) {
                problems.add(e.getKey() + " " + e.getValue() + " -> " + r);
            }
        }
        // The back office's route, correctly signed: the signature covers the body, the body is still refused.
        String entitlements = "/internal/organizations/" + acme + "/entitlements";
        for (String body : BadInputTest.notOneDocument("{\"sso\":false,\"directorySync\":false}")) {
            var r = adv.backOffice("PUT", entitlements, body);
            if (r.status() != 400 || !"invalid_request".equals(r.error())) {
                problems.add("back office " + body + " -> " + r);
            }
        }
        for (String body : List.of("{\"sso\":true}garbage", "[]", "true", "null", "\"x\"", "{\"sso\":false,\"sso\":true,\"directorySync\":true}")) {
            var r = adv.backOffice("PUT", entitlements, body);
            if (r.status() != 400 || !"invalid_request".equals(r.error())) {
                problems.add("back office " + body + " -> " + r);
            }
        }
        // Operator events, as the console invokes them.
        String setPlan = "{\"action\":\"set-plan\",\"organizationId\":\"" + acme + "\",\"sso\":false,\"directorySync\":false}";
        for (String event : List.of(setPlan + "garbage", setPlan + " {\"action\":\"replay\"}", setPlan + "}",
                "{\"action\":\"set-plan\",\"action\":\"replay\",\"organizationId\":\"" + acme + "\",\"sso\":false,\"directorySync\":false}",
                "[" + setPlan + "]", "\"set-plan\"", "7")) {
            var r = adv.operator(event);
            String error = r.status() == 200 ? Json.text(r.json(), "error") : r.error();
            if (!"invalid_request".equals(error)) {
                problems.add("operator " + BadInputTest.abbreviate(event) + " -> " + r);
            }
        }
        // The signed webhook: two events in one body, a duplicate key, an array of events; each signed correctly.
        String first = event("event_adv_trailing_1", "Renamed once");
        String second = event("event_adv_trailing_2", "Renamed twice");
        for (String body : List.of(first + second, first + "\n" + second, first + "garbage", "[" + first + "," + second + "]",
                first.replace("{\"object\":\"event\",", "{\"object\":\"event\",\"id\":\"event_adv_trailing_3\","))) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            var r = adv.webhook(bytes, Adversarial.signature(adv.webhookSecret, System.currentTimeMillis(), bytes));
            if (r.status() != 400 || !"invalid_request".equals(r.error())) {
                problems.add("webhook " + BadInputTest.abbreviate(body) + " -> " + r);
            }
        }
        List<String> after = adv.scan();
        assertEquals(List.of(), problems);
        assertEquals(before, after, "refused bodies wrote: " + Adversarial.diff(before, after));
        assertEquals(new Entitlements(true, true), stored(acme));
    }

    private static String event(String id, String name) {
        return "{\"object\":\"event\",\"id\":\"" + id + "\",\"event\":\"organization.updated\",\"data\":{\"object\":\"organization\",\"id\":\""
                + adv.acme() + "\",\"name\":\"" + name + "\",\"domains\":[],\"created_at\":\"2026-01-01T00:00:00.000Z\","
                + "\"updated_at\":\"2026-01-02T00:00:00.000Z\"},\"created_at\":\"2026-01-02T00:00:00.000Z\"}";
    }

    /** Role claims that only look like owner or admin grant nothing, on every route that needs a role. */
    @Test
    void onlyExactRoleClaimsGrantARole() throws Exception {
        List<String> before = adv.scan();
        List<String> problems = new ArrayList<>();
        String acme = adv.acme();
        for (String role : List.of("OWNER", "Admin", " owner", "owner ", "owner\u0000", "\u001fadmin", "admin\n", "ｏｗｎｅｒ", "owner,admin")) {
            String token = adv.token(acme, role);
            for (RouteTable.Entry entry : adv.system.routes().entries()) {
                String path = entry.route().path();
                if (!path.startsWith("/organizations/{organizationId}/")) {
                    continue; // the catalog needs no role; the webhook and back office take no token
                }
                var row = AuthorizationMatrixTest.matrix().get(entry.routeKey());
                var r = adv.send(entry.route().method(), path.replace("{organizationId}", acme), token, row == null ? null : row.body());
                if (r.status() != 403 || !"forbidden".equals(r.error())) {
                    problems.add(entry.routeKey() + " as " + Json.write(role) + " -> " + r);
                }
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(before, adv.scan(), "a caller without a role wrote something");
    }

    /** A portal link's action and health's setupAction are one answer: configure, continue, or manage when complete. */
    @Test
    void aPortalLinksActionAgreesWithHealth() throws Exception {
        String acme = adv.acme();
        String admin = adv.token(acme, "admin");
        JsonNode h = health(acme);
        Map<String, String> expected = Map.of("sso", h.at("/sso/setupAction").asText(), "certificate_renewal",
                h.at("/sso/setupAction").asText(), "dsync", h.at("/directorySync/setupAction").asText());
        assertEquals("manage", expected.get("sso"), "Acme's SSO connection is active: " + h);
        assertEquals("manage", expected.get("dsync"), "Acme's directory is linked: " + h);
        for (var e : expected.entrySet()) {
            var link = adv.send("POST", "/organizations/" + acme + "/portal-links", admin, "{\"intent\":\"" + e.getKey() + "\"}");
            assertEquals(201, link.status(), link.toString());
            assertEquals(e.getValue(), Json.text(link.json(), "action"), e.getKey());
        }
        var domain = adv.send("POST", "/organizations/" + acme + "/portal-links", admin, "{\"intent\":\"domain_verification\"}");
        assertEquals("manage", Json.text(domain.json(), "action"), "Acme's domain is verified");
    }

    /**
     * A sender's clock neither pins the log nor freezes an object: an event stamped in 2999 is refused
     * (422, nothing written, so WorkOS delivers it again); an event stamped an hour ago is logged now, on
     * top, with WorkOS's time kept; an entry a deployed table holds under an old far-future key is left out.
     */
    @Test
    void theServersClockOrdersTheLog() throws Exception {
        String acme = adv.acme();
        String admin = adv.token(acme, "admin");
        List<String> before = adv.scan();
        String future = "{\"object\":\"event\",\"id\":\"event_adv_2999\",\"event\":\"organization.updated\",\"data\":{\"object\":"
                + "\"organization\",\"id\":\"" + acme + "\",\"name\":\"Pinned\",\"domains\":[],\"created_at\":\"2026-01-01T00:00:00.000Z\","
                + "\"updated_at\":\"2999-01-01T00:00:00.000Z\"},\"created_at\":\"2999-01-01T00:00:00.000Z\"}";
        var refused = adv.webhook(future);
        assertEquals(422, refused.status(), refused.toString());
        assertEquals("event_in_future", refused.error());
        assertEquals(before, adv.scan(), "a refused future event writes nothing: " + Adversarial.diff(before, adv.scan()));

        java.time.Instant hourAgo = java.time.Instant.now().minusSeconds(3600);
        String late = "{\"object\":\"event\",\"id\":\"event_adv_late\",\"event\":\"connection.activated\",\"data\":{\"object\":"
                + "\"connection\",\"id\":\"conn_adv_late\",\"organization_id\":\"" + acme + "\",\"connection_type\":\"GenericOIDC\","
                + "\"name\":\"Late\",\"state\":\"active\",\"created_at\":\"" + io.gatekeep.shared.Times.iso(hourAgo) + "\",\"updated_at\":\""
                + io.gatekeep.shared.Times.iso(hourAgo) + "\"},\"created_at\":\"" + io.gatekeep.shared.Times.iso(hourAgo) + "\"}";
        assertEquals(200, adv.webhook(late).status());

        // A deployed table's entry keyed by a WorkOS created_at in 2999 (before entries were keyed by Gatekeep's clock).
        adv.system.dynamoClient().putItem(r -> r.tableName(adv.system.tableName()).item(Map.of(
                Keys.PK, Attr.s(Keys.auditPk(acme)), Keys.SK, Attr.s("2999-01-01T00:00:00.000Z#event_adv_legacy_pin"),
                Keys.GSI1_PK, Attr.s(Keys.auditCategoryPk(acme, "organization.updated")),
                Keys.GSI1_SK, Attr.s("2999-01-01T00:00:00.000Z#event_adv_legacy_pin"),
                "id", Attr.s("event_adv_legacy_pin"), "type", Attr.s("organization.updated"),
                "occurredAt", Attr.s("2999-01-01T00:00:00.000Z"), "actor", Attr.s("workos"), "summary", Attr.s("Pinned"),
                "source", Attr.s("workos"))));

        for (String filter : List.of("", "&type=connection.")) {
            JsonNode top = adv.send("GET", "/organizations/" + acme + "/audit-events?limit=5" + filter, admin, null).json().get("data").get(0);
            assertEquals("event_adv_late", top.get("id").asText(), filter + ": the latest recorded is on top: " + top);
            assertEquals(io.gatekeep.shared.Times.iso(hourAgo), top.get("occurredAt").asText(), "WorkOS's time is kept");
            assertTrue(top.get("recordedAt").asText().compareTo(top.get("occurredAt").asText()) > 0, top.toString());
        }
        JsonNode organizationLog = adv.send("GET", "/organizations/" + acme + "/audit-events?limit=100&type=organization.", admin, null)
                .json().get("data");
        organizationLog.forEach(entry -> assertTrue(!entry.get("id").asText().equals("event_adv_legacy_pin"), "an old far-future key is left out"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
