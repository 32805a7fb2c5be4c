package io.gatekeep.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.org.OrganizationView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduled sweep (SweepFunction with events/sweep-scheduled.json) against DynamoDB Local and
 * the WorkOS emulator, whose Events API refuses names WorkOS does not have.
 */
class SweepTest {
    private OperatorFixture fx;
    private EmulatorControl workos;
    private SweepHandler sweep;

    @BeforeEach
    void start() {
        fx = OperatorFixture.start();
        workos = fx.emulator.control();
        sweep = new SweepHandler(fx.config, fx.dynamo, fx.clock);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private String onboard(String name) {
        JsonNode report = fx.invoke("{\"action\": \"onboard\", \"name\": \"" + name + "\"}");
        return report.path("organizationId").asText();
    }

    private JsonNode run() {
        return run(sweep);
    }

    /** A sweep whose clock (Gatekeep's) is {@code behind} WorkOS's: WorkOS's events are stamped ahead of it. */
    private SweepHandler sweepBehind(Duration behind) {
        return new SweepHandler(fx.config, fx.dynamo, io.gatekeep.localaws.SettableClock.following(() -> workos.now().minus(behind)));
    }

    private static JsonNode run(SweepHandler sweep) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            sweep.handleRequest(new ByteArrayInputStream(OperatorFixture.eventFile("sweep-scheduled.json")
                    .getBytes(StandardCharsets.UTF_8)), out, LocalContext.of("SweepFunction"));
            return Json.parse(out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private OrganizationView view(String org) {
        return OrganizationView.load(fx.dynamo, fx.table, org).orElseThrow();
    }

    @Test
    void aDirectoryWhoseCredentialsGoInvalidShowsItAfterOneSweep() {
        String org = onboard("Acme");
        var directory = workos.createDirectory(org, "okta scim v2.0", "Acme SCIM", "linked");
        JsonNode first = run(); // the missed dsync.activated (no webhook is registered): from the Events API
        assertTrue(first.path("complete").asBoolean(), first.toString());
        assertTrue(first.path("events").path("applied").asLong() >= 1, first.toString());
        assertEquals("linked", view(org).directories().get(0).state());

        workos.setDirectoryState(directory.id(), "invalid_credentials"); // WorkOS sends no event
        workos.advanceClock(Duration.ofSeconds(31));
        JsonNode second = run();
        assertTrue(second.path("complete").asBoolean(), second.toString());
        assertEquals(1, second.path("organizationsRefreshed").asInt(), second.toString());
        assertEquals("invalid_credentials", view(org).directories().get(0).state());
        assertTrue(view(org).organization().checkedAt() != null);
    }

    @Test
    void missedWebhooksAreAppliedOnceAndTheCursorMovesOn() {
        String org = onboard("Acme");
        workos.createConnection(org, "OktaSAML", "Acme Okta", "active"); // connection.activated, never delivered
        workos.advanceClock(Duration.ofMinutes(1)); // settled: the cursor may pass it
        JsonNode first = run();
        assertTrue(first.path("events").path("applied").asLong() >= 1, first.toString());
        assertEquals("active", view(org).connections().get(0).state());
        JsonNode second = run();
        assertEquals(0, second.path("events").path("applied").asLong(), second.toString());
        assertEquals(0, second.path("events").path("duplicates").asLong(), "the stored cursor is past them: " + second);
    }

    /**
     * WorkOS's clock ahead of ours: a little (within EventsCatchUp.WAIT_FOR_CLOCK) and the cursor waits
     * before the event until the clocks agree; far ahead and the event is kept as a dead letter for the
     * operator while the cursor moves on (else every run would read everything after it again).
     */
    @Test
    void anEventStampedAheadOfOurClockWaitsForItOrIsKeptForReplay() {
        String org = onboard("Acme");
        workos.advanceClock(Duration.ofMinutes(1));
        run(); // caught up with onboarding's events
        workos.createConnection(org, "OktaSAML", "Acme Okta", "active"); // connection.activated, never delivered
        workos.advanceClock(Duration.ofMinutes(1));

        JsonNode skewed = run(sweepBehind(Duration.ofMinutes(10)));
        assertEquals(1, skewed.path("events").path("ignored").asLong(), skewed.toString());
        assertEquals(0, skewed.path("events").path("keptForReplay").asLong(), skewed.toString());
        assertTrue(view(org).connections().isEmpty(), "not applied while it is ahead");
        JsonNode agreed = run(); // the clocks agree: the cursor waited before it, so it is read again and applied
        assertEquals(1, agreed.path("events").path("applied").asLong(), agreed.toString());
        assertEquals("active", view(org).connections().get(0).state());

        var okta = view(org).connections().get(0);
        workos.setConnectionState(okta.id(), "inactive"); // connection.deactivated
        workos.advanceClock(Duration.ofMinutes(1));
        SweepHandler farBehind = sweepBehind(Duration.ofHours(2));
        JsonNode far = run(farBehind);
        assertEquals(1, far.path("events").path("keptForReplay").asLong(), far.toString());
        var letters = new io.gatekeep.shared.projection.DeadLetters(fx.dynamo, fx.table, fx.clock).all();
        assertEquals(List.of("connection.deactivated"), letters.stream().map(l -> l.type()).toList());
        assertTrue(letters.get(0).error().contains("kept for replay"), letters.get(0).error());
        JsonNode after = run(farBehind);
        assertEquals(0, after.path("events").path("keptForReplay").asLong(), "the cursor moved past it: " + after);
        assertEquals("active", view(org).connections().get(0).state(), "never applied by the sweep");
    }

    @Test
    void aRateLimitPausesTheSweepAndTheNextRunResumesWhereItStopped() {
        List<String> orgs = new ArrayList<>();
        for (String name : List.of("Acme", "Globex", "Initech")) {
            String org = fx.invoke("{\"action\": \"onboard\", \"name\": \"" + name + "\", \"domains\": [\""
                    + name.toLowerCase(java.util.Locale.ROOT) + ".test\"]}").path("organizationId").asText(); // pending: watched
            workos.createConnection(org, "OktaSAML", name + " Okta", "draft");
            orgs.add(org);
        }
        orgs.sort(String::compareTo);
        run(); // every organization refreshed once
        workos.advanceClock(Duration.ofSeconds(31));
        workos.clearApiRequests();
        workos.failNext(2, 429, 1, "/connections"); // the first try and the SDK's retry (WORKOS_MAX_RETRIES=1)

        JsonNode limited = run();
        assertFalse(limited.path("complete").asBoolean());
        assertEquals("rate_limited", limited.path("stoppedBecause").asText(), limited.toString());
        java.time.Instant pausedUntil = java.time.Instant.parse(limited.path("pausedUntil").asText());
        assertTrue(!pausedUntil.isBefore(workos.now().plus(Sweep.MIN_PAUSE).minusSeconds(5)),
                "paused for Retry-After, at least a minute: " + pausedUntil);
        int calls = workos.apiRequests().size();

        JsonNode paused = run();
        assertEquals("rate_limited", paused.path("stoppedBecause").asText());
        assertEquals(calls, workos.apiRequests().size(), "a paused sweep does not call WorkOS");

        workos.advanceClock(Sweep.MIN_PAUSE.plusSeconds(1));
        workos.clearApiRequests();
        JsonNode resumed = run();
        assertTrue(resumed.path("complete").asBoolean(), resumed.toString());
        assertEquals(3, resumed.path("organizationsRefreshed").asInt(), "from the first organization, the one that was stopped");
        assertTrue(workos.apiRequests().contains("GET /organizations/" + orgs.get(0)), workos.apiRequests().toString());
    }

    /** "Create connection" in the Admin Portal: no event, nothing in our projection says setup is under way, but a link was issued. */
    @Test
    void aDraftConnectionBehindARecentPortalLinkIsFoundByTheSweep() {
        String org = onboard("Acme");
        var connection = workos.createConnection(org, "OktaSAML", "Acme Okta", "draft");
        JsonNode before = run();
        assertEquals(0, before.path("organizationsRefreshed").asInt(), "nothing says setup is under way: " + before);
        fx.dynamo.putItem(r -> r.tableName(fx.table).item(new io.gatekeep.shared.audit.AuditEntry(org, "gk_test_1",
                "portal_link.issued", workos.now(), "ada@acme.test", "Admin Portal link issued: intent sso", 
                io.gatekeep.shared.audit.AuditEntry.Source.GATEKEEP, "req-1").toItem()));
        workos.advanceClock(Duration.ofSeconds(31));
        JsonNode after = run();
        assertEquals(1, after.path("organizationsRefreshed").asInt(), after.toString());
        assertEquals(connection.id(), view(org).connections().get(0).id());
        assertEquals("continue", view(org).ssoSetupAction().wireName());
    }

    @Test
    void organizationsWithNothingToWatchCostNoWorkOsCall() {
        String org = onboard("Quiet");
        workos.clearApiRequests();
        JsonNode report = run();
        assertTrue(report.path("complete").asBoolean(), report.toString());
        assertEquals(1, report.path("organizationsExamined").asInt());
        assertEquals(0, report.path("organizationsRefreshed").asInt());
        assertEquals(List.of("GET /events"), workos.apiRequests(), "one Events API page, nothing else");
        assertTrue(view(org).connections().isEmpty());
    }
}
