package io.gatekeep.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.catalogue.WorkOsCatalogue;
import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.testkit.ProjectFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The product and the emulator against the one WorkOS catalogue (catalogue/, from WorkOS's OpenAPI
 * spec and SDKs): fails when the projection handles, the operator asks the Events API for, or the
 * emulator emits an event name WorkOS does not have.
 */
class CatalogueConformanceTest {
    private static final WorkOsCatalogue CATALOGUE = WorkOsCatalogue.get();
    /** {@code case "a.b", "c.d" ->}: the event names a switch dispatches on. */
    private static final Pattern CASE = Pattern.compile("case\\s+((?:\"[a-z_]+(?:\\.[a-z_]+)+\"\\s*,?\\s*)+)->");
    private static final Pattern NAME = Pattern.compile("\"([a-z_]+(?:\\.[a-z_]+)+)\"");

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
    void theProjectionAndTheOperatorNameOnlyWorkOsEvents() {
        assertEquals(Set.of(), outside(Projection.EVENT_TYPES), "Projection.EVENT_TYPES");
        assertEquals(Set.of(), outside(Projector.EVENT_NAMES), "what reconcile asks the Events API for");
    }

    /** The dispatch and the audit texts: every event name a switch in the projection handles. */
    @Test
    void everyEventNameTheProjectionSwitchesOnIsAWorkOsEvent() throws IOException {
        Path dir = ProjectFiles.root().resolve("shared/src/main/java/io/gatekeep/shared/projection");
        Set<String> handled = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher cases = CASE.matcher(Files.readString(file));
                while (cases.find()) {
                    Matcher names = NAME.matcher(cases.group(1));
                    while (names.find()) {
                        handled.add(names.group(1));
                    }
                }
            }
        }
        assertTrue(handled.containsAll(Projection.EVENT_TYPES), "the dispatch handles every listed type: " + handled);
        assertEquals(Set.of(), outside(handled), "case labels in " + dir);
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
