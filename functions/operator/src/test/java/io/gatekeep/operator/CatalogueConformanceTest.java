package io.gatekeep.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.catalogue.WorkOsCatalogue;
import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.shared.projection.WorkOsEventType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The product and the emulator against the one WorkOS catalogue (catalogue/, from WorkOS's OpenAPI
 * spec and SDKs): fails when the operator asks the Events API for, or the emulator emits, an event name
 * WorkOS does not have. The registry of handled types itself: shared's WorkOsEventTypeTest.
 */
class CatalogueConformanceTest {
    private static final WorkOsCatalogue CATALOGUE = WorkOsCatalogue.get();

    private static Set<String> outside(Iterable<String> names) {
        Set<String> out = new TreeSet<>();
        names.forEach(n -> {
            if (!CATALOGUE.isEvent(n)) {
                out.add(n);
            }
        });
        return out;
    }

    @Test
    void theOperatorAsksTheEventsApiOnlyForWorkOsEvents() {
        assertEquals(Set.of(), outside(WorkOsEventType.NAMES), "what reconcile and the sweep ask the Events API for");
    }

    @Test
    void theEmulatorEmitsOnlyWorkOsEventsAndReconcileRunsAgainstItsStrictEventsApi() throws Exception {
        try (OperatorFixture fx = OperatorFixture.start()) {
            EmulatorControl workos = fx.emulator.control();
            JsonNode onboarded = fx.invoke("{\"action\": \"onboard\", \"name\": \"Acme\", \"domains\": [\"acme.test\"]}");
            String org = onboarded.path("organizationId").asText();
            var connection = workos.createConnection(org, "OktaSAML", "Okta", "draft");
            workos.setConnectionState(connection.id(), "validating");
            workos.setConnectionState(connection.id(), "active");
            workos.signIn(connection.id(), "ada@acme.test", "admin", "succeeded", null);
            workos.signIn(connection.id(), "ada@acme.test", "member", "succeeded", null);
            workos.signIn(connection.id(), "bob@acme.test", null, "failed", "audience_mismatch");
            workos.signIn(connection.id(), "bob@acme.test", null, "timed_out", null);
            workos.setConnectionState(connection.id(), "inactive");
            var directory = workos.createDirectory(org, "okta scim v2.0", "SCIM", "linked");
            workos.addUsers(directory.id(), 3);
            workos.setDirectoryState(directory.id(), "invalid_credentials");
            workos.setDirectoryState(directory.id(), "unlinked");
            var other = workos.createOrganization("Other", DomainSpec.pending("other.test"));
            workos.setDomainState(other.domainIds().get(0), "legacy_verified");
            workos.deleteDirectory(directory.id());

            List<String> emitted = workos.events().stream().map(StoredEvent::event).distinct().toList();
            assertEquals(Set.of(), outside(emitted), "events the emulator emitted");

            // the emulator refuses a name outside the catalogue as WorkOS does, so this test can fail
            HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(fx.emulator.baseUrl() + "/events?events=dsync.deactivated"))
                    .header("Authorization", "Bearer " + fx.emulator.apiKey()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("invalid_events_request"), refused.body());

            workos.advanceClock(Duration.ofMinutes(1));
            JsonNode report = fx.invoke("{\"action\": \"reconcile\", \"organizationId\": \"" + org + "\"}");
            assertFalse(report.has("error"), report.toString());
            assertTrue(report.path("complete").asBoolean(), report.toString());
            assertTrue(report.path("events").path("applied").asLong() > 0, report.toString());
        }
    }
}
