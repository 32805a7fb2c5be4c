package io.gatekeep.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * POST .../identity-health/refresh through its API Gateway event (events/identity-health-refresh.json),
 * DynamoDB Local and the WorkOS emulator: what WorkOS sends no event for reaches the projection
 * without an operator; one WorkOS read per organization per 30 s; WorkOS failures leave the stored
 * state and say so; a newer webhook is never undone.
 */
class RefreshTest {
    private OperatorFixture fx;
    private EmulatorControl workos;
    private ApiContract.CheckedHandler handler;
    private String org;

    private void start(Map<String, String> config) {
        fx = OperatorFixture.start(config);
        workos = fx.emulator.control();
        handler = ApiContract.checked(new RefreshHandler(fx.config, fx.dynamo, fx.clock)); // every answer against openapi.yaml
        JsonNode onboarded = fx.invoke("{\"action\": \"onboard\", \"name\": \"Acme\", \"domains\": [\"acme.test\"],"
                + " \"itContacts\": [\"it@acme.test\"], \"sso\": true}");
        org = onboarded.path("organizationId").asText();
        workos.clearApiRequests();
    }

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private JsonNode refresh(String role) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(ApiEvents.load("identity-health-refresh.json")
                .organization(org).caller("user_x", org, role, "x@acme.test").build(), LocalContext.of("RefreshFunction"));
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Json.parse(response.getBody());
    }

    private OrganizationView view() {
        return OrganizationView.load(fx.dynamo, fx.table, org).orElseThrow();
    }

    @Test
    void aDraftConnectionAndAnInvalidDirectoryReachTheProjectionWithoutAnOperator() {
        start(Map.of());
        // WorkOS sends no event for any of these
        var connection = workos.createConnection(org, "OktaSAML", "Acme Okta", "draft");
        var directory = workos.createDirectory(org, "okta scim v2.0", "Acme SCIM", "validating");
        workos.setDirectoryState(directory.id(), "invalid_credentials");
        assertTrue(view().connections().isEmpty());

        JsonNode answer = refresh("member");
        assertEquals("refreshed", answer.path("refresh").asText(), answer.toString());
        java.time.Instant checkedAt = java.time.Instant.parse(answer.path("checkedAt").asText());
        assertTrue(!checkedAt.isAfter(workos.now()), "checkedAt: when the WorkOS reads began");

        OrganizationView view = view();
        assertEquals(List.of(connection.id()), view.connections().stream().map(OrganizationView.Connection::id).toList());
        assertEquals("draft", view.connections().get(0).state());
        assertEquals("continue", view.ssoSetupAction().wireName(), "Continue SSO setup, not Configure SSO");
        assertEquals("invalid_credentials", view.directories().get(0).state());
        assertEquals(answer.path("checkedAt").asText(), view.organization().checkedAt());
        assertEquals(List.of("GET /organizations/" + org, "GET /connections", "GET /directories"), workos.apiRequests(),
                "a few list calls");
    }

    @Test
    void oneWorkOsReadPerOrganizationEveryThirtySecondsWhoeverAsks() {
        start(Map.of());
        JsonNode first = refresh("admin");
        assertEquals("refreshed", first.path("refresh").asText());
        int calls = workos.apiRequests().size();
        for (String role : List.of("member", "owner", "member")) {
            JsonNode again = refresh(role);
            assertEquals("recent", again.path("refresh").asText(), again.toString());
            assertEquals(first.path("checkedAt").asText(), again.path("checkedAt").asText());
            assertEquals(first.path("nextRefreshAt").asText(), again.path("nextRefreshAt").asText());
        }
        assertEquals(calls, workos.apiRequests().size(), "no WorkOS call for the others");
        workos.advanceClock(Duration.ofSeconds(31));
        assertEquals("refreshed", refresh("member").path("refresh").asText());
    }

    @Test
    void aWorkOsFailureLeavesTheStoredStateAndSaysSo() {
        start(Map.of());
        assertEquals("refreshed", refresh("admin").path("refresh").asText());
        String checkedAt = view().organization().checkedAt();
        workos.createConnection(org, "OktaSAML", "Acme Okta", "draft");
        workos.advanceClock(Duration.ofSeconds(31));
        workos.failNext(5, 503, null, "/connections");

        JsonNode answer = refresh("member");
        assertEquals("workos_unavailable", answer.path("refresh").asText(), answer.toString());
        assertEquals(checkedAt, answer.path("checkedAt").asText(), "the last confirmation stands");
        assertTrue(answer.path("message").asText().contains("as last stored"));
        assertEquals(checkedAt, view().organization().checkedAt());
        assertTrue(view().connections().isEmpty());
    }

    @Test
    void aSlowWorkOsIsAnsweredWithinOneWorkOsTimeout() {
        start(Map.of(Config.WORKOS_TIMEOUT_MS, "400"));
        workos.apiLatency(Duration.ofMillis(1_500));
        long started = System.nanoTime();
        JsonNode answer = refresh("member");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        workos.apiLatency(Duration.ZERO);
        assertEquals("timeout", answer.path("refresh").asText(), answer.toString());
        assertTrue(tookMs < 1_400, "answered after " + tookMs + " ms");
        assertNull(view().organization().checkedAt());
    }

    @Test
    void aNewerWebhookIsNeverUndoneAndMembersOfOtherOrganizationsAreRefused() {
        start(Map.of());
        var connection = workos.createConnection(org, "OktaSAML", "Acme Okta", "validating");
        // our item says a webhook stored it as active after WorkOS's current updated_at
        fx.dynamo.putItem(r -> r.tableName(fx.table).item(Map.of(
                Keys.PK, Attr.s(Keys.orgPk(org)), Keys.SK, Attr.s(Keys.connectionSk(connection.id())),
                "organizationId", Attr.s(org), "name", Attr.s("Acme Okta"), "connectionType", Attr.s("OktaSAML"),
                "state", Attr.s("active"), "updatedAt", Attr.s("2999-01-01T00:00:00.000Z"))));
        assertEquals("refreshed", refresh("member").path("refresh").asText());
        assertEquals("active", view().connections().get(0).state(), "snapshot writes never move an object back");

        APIGatewayV2HTTPResponse other = handler.handleRequest(ApiEvents.load("identity-health-refresh.json")
                .organization(org).caller("user_y", "org_other", "admin", "y@other.test").build(), null);
        assertEquals(403, other.getStatusCode(), other.getBody());
        APIGatewayV2HTTPResponse unknown = handler.handleRequest(ApiEvents.load("identity-health-refresh.json")
                .organization("org_unknown").caller("user_y", "org_unknown", "admin", "y@other.test").build(), null);
        assertEquals(404, unknown.getStatusCode(), unknown.getBody());
        assertEquals("organization_not_found", Json.parse(unknown.getBody()).path("error").asText());
        assertNotNull(view().organization().checkedAt());
    }
}
