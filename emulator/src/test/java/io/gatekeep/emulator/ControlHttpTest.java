package io.gatekeep.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP control API under /_emulator/ (what the local runner, demos and non-Java tests use). */
class ControlHttpTest extends EmulatorTestBase {

    @BeforeEach
    void reset() {
        assertEquals(204, post("/_emulator/reset", null).status());
        assertEquals(204, TestSupport.send(emu, "DELETE", "/_emulator/faults", null).status());
    }

    static TestSupport.Response post(String path, String json) {
        return TestSupport.send(emu, "POST", path, json == null ? "{}" : json);
    }

    static JsonNode ok(TestSupport.Response r) {
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void seedsAWholeOrganizationInOneCall() {
        JsonNode out = ok(post("/_emulator/seed", """
                {"organizations":[{"name":"Hooli","domains":[{"domain":"hooli.com","state":"verified"},
                  {"domain":"hooli.io","state":"pending"}],
                  "connections":[{"connection_type":"GoogleSAML","name":"Hooli Google","state":"active",
                                  "certificate_expires_at":"2027-01-01T00:00:00Z"},
                                 {"connection_type":"GenericOIDC","state":"inactive"}],
                  "directories":[{"type":"gsuite directory","name":"Hooli GSuite","state":"linked","users":7,
                                  "groups":["Eng","Ops"]}]}]}
                """));
        JsonNode entry = out.get("organizations").get(0);
        assertEquals("Hooli", entry.get("organization").get("name").asText());
        assertEquals(2, entry.get("organization").get("domains").size());
        assertEquals("2027-01-01T00:00:00.000Z", entry.get("connections").get(0).get("certificate").get("expiry_date").asText());
        assertEquals("inactive", entry.get("connections").get(1).get("state").asText());
        JsonNode dir = entry.get("directories").get(0);
        assertEquals(7, dir.get("metadata").get("users").get("active").asInt());
        assertEquals(2, dir.get("metadata").get("groups").asInt());

        JsonNode snap = ok(TestSupport.get(emu, "/_emulator/snapshot", false));
        assertEquals(1, snap.get("organizations").size());
        assertEquals(7, snap.get("users").size());
        assertEquals(7, snap.get("memberships").size());
        assertEquals("2027-01-01T00:00:00.000Z", snap.get("connections").get(0).get("certificate_expires_at").asText());
        JsonNode events = ok(TestSupport.get(emu, "/_emulator/events?events=dsync.user.created", false));
        assertEquals(7, events.size());
    }

    @Test
    void changesStatesOfEverythingAndDeletes() {
        JsonNode org = ok(post("/_emulator/organizations", "{\"name\":\"Acme\",\"domains\":[{\"domain\":\"acme.com\",\"state\":\"pending\"}]}"));
        String orgId = org.get("id").asText();
        String domainId = org.get("domains").get(0).get("id").asText();
        assertEquals("verified", ok(post("/_emulator/domains/" + domainId + "/verify", null)).get("state").asText());
        assertEquals("failed", ok(post("/_emulator/domains/" + domainId + "/fail",
                "{\"reason\":\"domain_verified_by_other_organization\"}")).get("state").asText());
        JsonNode failed = TestSupport.get(emu, "/_emulator/events?events=organization_domain.verification_failed", false).json();
        assertEquals("domain_verified_by_other_organization", failed.get(0).get("data").get("reason").asText());
        JsonNode added = ok(post("/_emulator/organizations/" + orgId + "/domains", "{\"domain\":\"acme.io\"}"));
        assertEquals("pending", added.get("state").asText());

        String connId = ok(post("/_emulator/connections", "{\"organization_id\":\"" + orgId
                + "\",\"connection_type\":\"OktaSAML\",\"state\":\"draft\"}")).get("id").asText();
        assertEquals("active", ok(post("/_emulator/connections/" + connId + "/state", "{\"state\":\"active\"}")).get("state").asText());
        ok(post("/_emulator/connections/" + connId + "/certificate", "{\"expiry_date\":\"" +
                EmuClock.format(emu.control().now().plus(Duration.ofDays(29)).plusSeconds(60)) + "\"}"));
        JsonNode required = ok(post("/_emulator/connections/" + connId + "/certificate/renewal_required", null));
        assertEquals("connection.saml_certificate_renewal_required", required.get("event").asText());
        assertEquals(29, required.get("data").get("days_until_expiry").asInt());
        assertEquals(false, required.get("data").get("certificate").get("is_expired").asBoolean());
        assertEquals(orgId, required.get("data").get("connection").get("organization_id").asText());
        ok(post("/_emulator/connections/" + connId + "/certificate/renew", null));

        String dirId = ok(post("/_emulator/directories", "{\"organization_id\":\"" + orgId
                + "\",\"type\":\"okta scim v2.0\",\"state\":\"validating\"}")).get("id").asText();
        assertEquals("invalid_credentials", ok(post("/_emulator/directories/" + dirId + "/state",
                "{\"state\":\"invalid_credentials\"}")).get("state").asText());
        JsonNode users = ok(post("/_emulator/directories/" + dirId + "/users", "{\"count\":2}"));
        JsonNode jane = ok(post("/_emulator/directories/" + dirId + "/users",
                "{\"email\":\"jane@acme.com\",\"first_name\":\"Jane\",\"last_name\":\"Doe\"}")).get(0);
        String groupId = ok(post("/_emulator/directories/" + dirId + "/groups", "{\"name\":\"Eng\"}")).get("id").asText();
        String userId = users.get(0).get("id").asText();
        assertTrue(ok(post("/_emulator/groups/" + groupId + "/members", "{\"user_id\":\"" + userId + "\"}")).get("changed").asBoolean());
        JsonNode updated = ok(post("/_emulator/users/" + jane.get("id").asText(), "{\"state\":\"suspended\",\"job_title\":\"CTO\"}"));
        assertEquals("suspended", updated.get("state").asText());
        JsonNode userUpdated = TestSupport.get(emu, "/_emulator/events?events=dsync.user.updated", false).json().get(0);
        assertEquals("active", userUpdated.get("data").get("previous_attributes").get("state").asText());
        assertEquals("Eng 2", ok(post("/_emulator/groups/" + groupId, "{\"name\":\"Eng 2\"}")).get("name").asText());
        assertTrue(ok(TestSupport.send(emu, "DELETE", "/_emulator/groups/" + groupId + "/members/" + userId, null)).get("changed").asBoolean());

        assertEquals(204, TestSupport.send(emu, "DELETE", "/_emulator/users/" + userId, null).status());
        assertEquals(204, TestSupport.send(emu, "DELETE", "/_emulator/groups/" + groupId, null).status());
        assertEquals(204, TestSupport.send(emu, "DELETE", "/_emulator/directories/" + dirId, null).status());
        assertEquals(204, TestSupport.send(emu, "DELETE", "/_emulator/connections/" + connId, null).status());
        assertEquals(204, TestSupport.send(emu, "DELETE", "/_emulator/domains/" + domainId, null).status());
        assertEquals(204, TestSupport.send(emu, "DELETE", "/_emulator/organizations/" + orgId, null).status());
        assertEquals(0, ok(TestSupport.get(emu, "/_emulator/snapshot", false)).get("organizations").size());
    }

    @Test
    void errorsAreJsonWith400Or404() {
        TestSupport.Response missing = post("/_emulator/connections/conn_nope/state", "{\"state\":\"active\"}");
        assertEquals(404, missing.status());
        assertEquals("not_found", missing.json().get("error").asText());
        TestSupport.Response bad = post("/_emulator/organizations", "{\"domains\":[]}");
        assertEquals(400, bad.status());
        assertEquals("invalid_request", bad.json().get("error").asText());
        String orgId = ok(post("/_emulator/organizations", "{\"name\":\"Acme\"}")).get("id").asText();
        assertEquals(400, post("/_emulator/connections", "{\"organization_id\":\"" + orgId
                + "\",\"connection_type\":\"OktaSAML\",\"state\":\"linked\"}").status());
        assertEquals(404, TestSupport.get(emu, "/_emulator/nope", false).status());
        assertEquals(400, post("/_emulator/organizations", "{not json").status());
    }

    @Test
    void webhooksFaultsAndDeliveriesOverHttp() {
        try (TestSupport.Receiver receiver = new TestSupport.Receiver()) {
            JsonNode ep = ok(post("/_emulator/webhooks", "{\"url\":\"" + receiver.url() + "\",\"secret\":\"whsec_x\"}"));
            assertTrue(ep.get("id").asText().startsWith("we_"));
            assertEquals(1, ok(TestSupport.get(emu, "/_emulator/webhooks", false)).size());
            ok(post("/_emulator/faults", "{\"duplicates\":2}"));
            ok(post("/_emulator/organizations", "{\"name\":\"Acme\"}"));
            assertTrue(ok(post("/_emulator/deliveries/await", "{\"timeout_ms\":5000}")).get("idle").asBoolean());
            assertEquals(2, receiver.hits.size());
            JsonNode deliveries = ok(TestSupport.get(emu, "/_emulator/deliveries", false));
            assertEquals("delivered", deliveries.get(0).get("outcome").asText());
            assertEquals(204, TestSupport.send(emu, "DELETE", "/_emulator/webhooks/" + ep.get("id").asText(), null).status());
        }

        ok(post("/_emulator/faults/fail_next", "{\"count\":1,\"status\":429,\"retry_after\":3}"));
        TestSupport.Response limited = TestSupport.api(emu, "/organizations");
        assertEquals(429, limited.status());
        assertEquals("3", limited.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(200, TestSupport.api(emu, "/organizations").status());

        ok(post("/_emulator/faults/fail_next", "{\"count\":2,\"status\":502,\"path_prefix\":\"/connections\"}"));
        assertEquals(200, TestSupport.api(emu, "/organizations").status());
        assertEquals(502, TestSupport.api(emu, "/connections").status());
        assertEquals(502, TestSupport.api(emu, "/connections").status());
        assertEquals(200, TestSupport.api(emu, "/connections").status());
    }

    @Test
    void demoWorldClockAndInfo() {
        JsonNode demo = ok(post("/_emulator/demo", null));
        assertTrue(demo.get("acme_organization_id").asText().startsWith("org_"));
        assertEquals(demo, ok(post("/_emulator/demo", null)), "seeding twice returns the same world");
        JsonNode info = ok(TestSupport.get(emu, "/_emulator/health", false));
        assertEquals(emu.jwksUrl(), info.get("jwks_url").asText());
        assertEquals(emu.apiKey(), info.get("api_key").asText());
        String before = ok(TestSupport.get(emu, "/_emulator/clock", false)).get("now").asText();
        String after = ok(post("/_emulator/clock/advance", "{\"days\":1}")).get("now").asText();
        assertTrue(after.compareTo(before) > 0);
        TestSupport.Response index = TestSupport.get(emu, "/", false);
        assertEquals(200, index.status());
        assertTrue(index.body().contains("Acme"));
    }
}
