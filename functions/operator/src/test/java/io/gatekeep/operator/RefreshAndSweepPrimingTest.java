package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SnapStart priming of RefreshFunction and SweepFunction: each primes its whole success path on
 * the stand-ins (a refresh that reads WorkOS; a sweep run that applies an event and refreshes an
 * organization) with no write to the table and no connection to WorkOS or SSM (both on a trap) at
 * checkpoint or restore; afterwards the primed handler serves a real request against the table and
 * the WorkOS emulator.
 */
class RefreshAndSweepPrimingTest {

    private static Map<String, String> onEmulator(OperatorFixture fx) {
        return Map.of(Config.WORKOS_API_BASE_URL, fx.emulator.baseUrl(), Config.WORKOS_API_KEY_PARAMETER, "",
                Config.WORKOS_API_KEY, fx.emulator.apiKey(), Config.WORKOS_CLIENT_ID, fx.emulator.clientId());
    }

    @Test
    void refreshPrimingCallsNobodyAndThePrimedHandlerRefreshesARealOrganization() {
        try (OperatorFixture fx = OperatorFixture.start()) {
            String org = fx.invoke("{\"action\": \"onboard\", \"name\": \"Primed refresh\"}").path("organizationId").asText();
            RefreshHandler primed = PrimingCheck.primeAgainstTable(RefreshHandler::new, LocalDynamo.shared(), fx.table,
                    "refresh", onEmulator(fx));
            APIGatewayV2HTTPEvent request = ApiEvents.load("identity-health-refresh.json")
                    .organization(org).caller("user_x", org, "member", "x@acme.test").build();
            var response = primed.handleRequest(request, LocalContext.of("RefreshFunction"));
            assertEquals(200, response.getStatusCode(), response.getBody());
            assertEquals("refreshed", Json.text(Json.parse(response.getBody()), "refresh"));
        }
    }

    @Test
    void sweepPrimingCallsNobodyAndThePrimedHandlerRunsARealSweep() throws IOException {
        try (OperatorFixture fx = OperatorFixture.start()) {
            fx.invoke("{\"action\": \"onboard\", \"name\": \"Primed sweep\"}");
            SweepHandler primed = PrimingCheck.primeAgainstTable(SweepHandler::new, LocalDynamo.shared(), fx.table,
                    "sweep", onEmulator(fx));
            var out = new ByteArrayOutputStream();
            primed.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, null); // no deadline
            JsonNode report = Json.parse(out.toString(StandardCharsets.UTF_8));
            assertTrue(report.path("complete").asBoolean(), report.toString());
            assertEquals(1, report.path("organizationsExamined").asInt(), report.toString());
        }
    }

    @Test
    void refreshPrimingNeedsNoEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(RefreshHandler::new, "refresh");
    }

    @Test
    void sweepPrimingNeedsNoEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(SweepHandler::new, "sweep");
    }
}
