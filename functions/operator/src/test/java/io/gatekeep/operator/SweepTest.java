package io.gatekeep.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.projection.WorkOsEventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** {@code count} onboarded organizations, each with a pending domain (so the sweep watches it), in id order. */
    private List<String> watchedOrganizations(String prefix, int count) {
        List<String> orgs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            orgs.add(fx.invoke("{\"action\": \"onboard\", \"name\": \"" + prefix + " " + i + "\", \"domains\": [\"" + prefix + i
                    + ".test\"]}").path("organizationId").asText());
        }
        orgs.sort(String::compareTo);
        return orgs;
    }

    private JsonNode run() {
        return run(sweep);
    }

    /** A sweep whose clock (Gatekeep's) is {@code behind} WorkOS's: WorkOS's events are stamped ahead of it. */
    private SweepHandler sweepBehind(Duration behind) {
        return new SweepHandler(fx.config, fx.dynamo, io.gatekeep.localaws.SettableClock.following(() -> workos.now().minus(behind)));
    }

    private static JsonNode run(SweepHandler sweep) {
        return run(sweep, LocalContext.of("SweepFunction"));
    }

    private static JsonNode run(SweepHandler sweep, Context context) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            sweep.handleRequest(new ByteArrayInputStream(OperatorFixture.eventFile("sweep-scheduled.json")
                    .getBytes(StandardCharsets.UTF_8)), out, context);
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
        // the second organization's refresh: its first try and the SDK's retry (WORKOS_MAX_RETRIES=1)
        workos.failNext(2, 429, 1, "/organizations/" + orgs.get(1));

        JsonNode limited = run();
        assertFalse(limited.path("complete").asBoolean());
        assertEquals("rate_limited", limited.path("stoppedBecause").asText(), limited.toString());
        assertEquals(1, limited.path("organizationsRefreshed").asInt(), limited.toString());
        assertEquals(orgs.get(0), limited.path("afterOrganization").asText(), "the last organization it finished");
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
        // the first was refreshed over a minute ago and may be again: starting over would refresh all three
        assertEquals(2, resumed.path("organizationsRefreshed").asInt(), "from the second organization, the one that was stopped: " + resumed);
        assertEquals(orgs.subList(1, 3), refreshedOrganizations(), workos.apiRequests().toString());
        assertTrue(resumed.path("afterOrganization").isNull(), "every organization visited: the next run starts over");
    }

    @Test
    void aRunStopsAtTheRefreshBoundAndTheNextGoesOnAfterTheLastOrganizationItRefreshed() {
        List<String> orgs = watchedOrganizations("org", 5);
        SweepHandler bounded = new SweepHandler(fx.config, fx.dynamo, fx.clock,
                new Sweep.Limits(Sweep.MAX_EVENT_PAGES, EventsCatchUp.PAGE, 2));

        workos.clearApiRequests();
        JsonNode first = run(bounded);
        assertFalse(first.path("complete").asBoolean(), first.toString());
        assertEquals("refresh_limit", first.path("stoppedBecause").asText(), first.toString());
        assertEquals(2, first.path("organizationsRefreshed").asInt(), first.toString());
        assertEquals(orgs.get(1), first.path("afterOrganization").asText());
        assertEquals(orgs.subList(0, 2), refreshedOrganizations());

        workos.advanceClock(Duration.ofSeconds(31)); // the first two may be refreshed again: starting over would
        workos.clearApiRequests();
        JsonNode second = run(bounded);
        assertEquals("refresh_limit", second.path("stoppedBecause").asText(), second.toString());
        assertEquals(orgs.subList(2, 4), refreshedOrganizations(), "after the last one refreshed, not from the start");
        assertEquals(orgs.get(3), second.path("afterOrganization").asText());

        workos.clearApiRequests();
        JsonNode third = run(bounded);
        assertTrue(third.path("complete").asBoolean(), third.toString());
        assertEquals(orgs.subList(4, 5), refreshedOrganizations());
        assertTrue(third.path("afterOrganization").isNull(), third.toString());

        workos.advanceClock(Duration.ofSeconds(31));
        workos.clearApiRequests();
        JsonNode over = run(bounded);
        assertEquals(orgs.subList(0, 2), refreshedOrganizations(), "after the last organization, from the first again");
        assertEquals("refresh_limit", over.path("stoppedBecause").asText(), over.toString());
    }

    /**
     * Lambda's clock runs out: the run stops at the next checkpoint, before an organization and never inside
     * one, reports {@code time} and the last organization it finished, and the next run (with time) goes on
     * after it. The deadline is a Lambda context whose remaining time the test sets: it drops under the stop
     * margin while the first organization is being read from WorkOS.
     */
    @Test
    void aRunOutOfTimeStopsBeforeTheNextOrganizationAndTheNextRunGoesOnFromThere() {
        List<String> orgs = watchedOrganizations("late", 3);
        // The fixture turns the stop margin off; production's default is what this run keeps.
        SweepHandler sweep = new SweepHandler(fx.config.with(Budget.MARGIN_SETTING, String.valueOf(Budget.DEFAULT_MARGIN_MS)),
                fx.dynamo, fx.clock);
        AtomicInteger remaining = new AtomicInteger(600_000);
        workos.beforeNext("/organizations/" + orgs.get(0), () -> remaining.set(Budget.DEFAULT_MARGIN_MS - 1));

        workos.clearApiRequests();
        JsonNode late = run(sweep, new Deadline(remaining));
        assertFalse(late.path("complete").asBoolean(), late.toString());
        assertEquals("time", late.path("stoppedBecause").asText(), late.toString());
        assertEquals(1, late.path("organizationsRefreshed").asInt(), "the organization under way is finished: " + late);
        assertEquals(orgs.get(0), late.path("afterOrganization").asText());
        assertEquals(orgs.subList(0, 1), refreshedOrganizations());
        assertTrue(late.path("pausedUntil").isMissingNode(), "out of time is not a rate limit: no pause");

        remaining.set(600_000);
        workos.clearApiRequests();
        JsonNode next = run(sweep, new Deadline(remaining));
        assertTrue(next.path("complete").asBoolean(), next.toString());
        assertEquals(orgs.subList(1, 3), refreshedOrganizations(), "after the one finished, none twice, none skipped");
        assertTrue(next.path("afterOrganization").isNull(), next.toString());
    }

    /** A Lambda context whose remaining time is whatever the test says (the rest of it as LocalContext's). */
    private record Deadline(AtomicInteger remaining) implements Context {
        private static final LocalContext LOCAL = LocalContext.of("SweepFunction");

        @Override public int getRemainingTimeInMillis() { return remaining.get(); }
        @Override public String getAwsRequestId() { return LOCAL.getAwsRequestId(); }
        @Override public String getLogGroupName() { return LOCAL.getLogGroupName(); }
        @Override public String getLogStreamName() { return LOCAL.getLogStreamName(); }
        @Override public String getFunctionName() { return LOCAL.getFunctionName(); }
        @Override public String getFunctionVersion() { return LOCAL.getFunctionVersion(); }
        @Override public String getInvokedFunctionArn() { return LOCAL.getInvokedFunctionArn(); }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getMemoryLimitInMB() { return LOCAL.getMemoryLimitInMB(); }
        @Override public LambdaLogger getLogger() { return LOCAL.getLogger(); }
    }

    /**
     * A run reads at most its bound of Events API pages and stores the cursor; the next run goes on from
     * it. Every event is seen exactly once over the runs: none read twice (it would count again, as a
     * duplicate or ignored), none skipped.
     */
    @Test
    void anEventPagesStopPicksUpFromTheStoredCursorNextRun() {
        String org = onboard("Acme");
        for (int i = 0; i < 12; i++) {
            workos.createConnection(org, "OktaSAML", "Okta " + i, "active"); // connection.activated, never delivered
        }
        workos.advanceClock(Duration.ofMinutes(1)); // settled: the cursor may pass them
        long expected = workos.events().stream().filter(e -> WorkOsEventType.NAMES.contains(e.event())).count();
        assertTrue(expected > 10, "more than one run's pages: " + expected);
        SweepHandler bounded = new SweepHandler(fx.config, fx.dynamo, fx.clock,
                new Sweep.Limits(2, 5, Sweep.MAX_REFRESHES));

        long seen = 0;
        long duplicates = 0;
        int stopped = 0;
        JsonNode report;
        do {
            report = run(bounded);
            JsonNode events = report.path("events");
            assertTrue(events.path("pages").asInt() <= 2, report.toString());
            seen += events.path("applied").asLong() + events.path("duplicates").asLong() + events.path("ignored").asLong();
            duplicates += events.path("duplicates").asLong();
            if (!report.path("complete").asBoolean()) {
                assertEquals("event_pages", report.path("stoppedBecause").asText(), report.toString());
                assertEquals(2, events.path("pages").asInt(), report.toString());
                assertEquals(10, events.path("applied").asLong() + events.path("ignored").asLong(), report.toString());
                stopped++;
            }
        } while (!report.path("complete").asBoolean() && stopped < 10);
        assertTrue(report.path("complete").asBoolean(), report.toString());
        assertTrue(stopped >= 1, "the bound was reached");
        assertEquals(0, duplicates, "no event read twice");
        assertEquals(expected, seen, "every event read once");
        assertEquals(12, view(org).connections().size());
        assertTrue(view(org).connections().stream().allMatch(c -> c.state().equals("active")));
    }

    /** The organizations whose refresh read them (GET /organizations/{id}), in the order they were read. */
    private List<String> refreshedOrganizations() {
        return workos.apiRequests().stream().filter(r -> r.startsWith("GET /organizations/org_"))
                .map(r -> r.substring("GET /organizations/".length())).distinct().toList();
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
