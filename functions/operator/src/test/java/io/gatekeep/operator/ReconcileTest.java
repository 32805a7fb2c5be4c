package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.shared.projection.WorkOsEventType;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.OrganizationHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.gatekeep.emulator.UserUpdate;
import io.gatekeep.localaws.LocalContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReconcileTest {
    private OperatorFixture fx;
    private WebhookReceiver receiver;
    private EmulatorControl workos;

    @BeforeEach
    void start() {
        fx = OperatorFixture.start();
        receiver = new WebhookReceiver(fx.dynamo, fx.table, fx.clock);
        workos = fx.emulator.control();
        workos.registerWebhook(receiver.url(), WebhookReceiver.SECRET);
    }

    @AfterEach
    void stop() {
        receiver.close();
        fx.close();
    }

    private String onboard(String name) {
        JsonNode report = fx.invoke("{\"action\": \"onboard\", \"name\": \"" + name + "\", \"itContacts\": [\"it@acme.test\"], \"sso\": true}");
        assertTrue(report.path("created").asBoolean(), report.toString());
        return report.path("organizationId").asText();
    }

    private JsonNode reconcile(String organizationId) {
        JsonNode report = fx.invoke("{\"action\": \"reconcile\", \"organizationId\": \"" + organizationId + "\"}");
        assertFalse(report.has("error"), report.toString());
        return report;
    }

    private long eventsOf(String organizationId) {
        return workos.events().stream().filter(e -> organizationId.equals(e.organizationId()))
                .filter(e -> WorkOsEventType.NAMES.contains(e.event())).count();
    }

    @Test
    void afterThirtyPercentOfWebhooksWereDroppedTheProjectionEqualsWorkOsAgain() {
        String organizationId = onboard("Acme Dropped");
        workos.faultSeed(5).webhookDropFraction(0.3);
        OrganizationHistory.playOn(workos, organizationId, 120, new Random(1));
        assertTrue(workos.awaitDeliveries(Duration.ofSeconds(60)));
        long dropped = workos.deliveries().stream().filter(d -> d.outcome().equals("dropped")).count();
        assertTrue(dropped > 50, "the history lost webhooks: " + dropped);
        assertFalse(fx.projectionDifferences(organizationId).isEmpty(), "the drops left the projection wrong");
        workos.clearFaults();
        workos.advanceClock(Duration.ofMinutes(1)); // every event is now older than the settle time

        JsonNode report = reconcile(organizationId);

        fx.assertProjectionMirrorsWorkOs(organizationId);
        assertTrue(report.path("complete").asBoolean());
        JsonNode events = report.path("events");
        assertEquals(eventsOf(organizationId), events.path("applied").asLong() + events.path("duplicates").asLong()
                + events.path("ignored").asLong(), "every event of the organization was read once: " + events);
        assertEquals(receiver.applied.get(), events.path("duplicates").asLong(),
                "what the webhooks applied is a duplicate, nothing else is");
        assertTrue(events.path("applied").asLong() > 0);
        String lastEvent = workos.events().stream().filter(e -> organizationId.equals(e.organizationId()))
                .filter(e -> WorkOsEventType.NAMES.contains(e.event())).reduce((a, b) -> b).map(StoredEvent::id).orElseThrow();
        assertEquals(lastEvent, events.path("cursorAfter").asText(), "the cursor moved past every settled event");
        assertEquals(lastEvent, Attr.str(organizationItem(organizationId), "eventsCursor"));

        JsonNode again = reconcile(organizationId);
        assertEquals(0, again.path("created").asLong(), again.toString());
        assertEquals(0, again.path("updated").asLong(), again.toString());
        assertEquals(0, again.path("deleted").asLong(), again.toString());
        assertEquals(0, again.path("events").path("applied").asLong(), again.toString());
        assertEquals(0, again.path("events").path("duplicates").asLong(), "the cursor keeps settled events from being read again");
        assertEquals(0, again.path("deletionChecks").asLong(), "nothing left to confirm with WorkOS");
        assertTrue(again.path("unchanged").asLong() > 100);
        fx.assertProjectionMirrorsWorkOs(organizationId);
    }

    @Test
    void theCursorStaysBehindEventsThatAreNotSettledYet() {
        String organizationId = onboard("Acme Recent");
        workos.faultSeed(9).webhookDropFraction(1.0);
        OrganizationHistory.playOn(workos, organizationId, 10, new Random(2));
        assertTrue(workos.awaitDeliveries(Duration.ofSeconds(30)));
        workos.clearFaults();

        JsonNode first = reconcile(organizationId); // every event is seconds old: none is final yet
        fx.assertProjectionMirrorsWorkOs(organizationId);
        JsonNode cursorBefore = first.path("events").path("cursorBefore");
        assertEquals(cursorBefore, first.path("events").path("cursorAfter"), "no event was settled: " + first);
        assertTrue(first.path("events").path("applied").asLong() > 0);

        JsonNode second = reconcile(organizationId);
        assertEquals(0, second.path("events").path("applied").asLong());
        JsonNode e = first.path("events");
        assertEquals(e.path("applied").asLong() + e.path("ignored").asLong() + e.path("duplicates").asLong(),
                second.path("events").path("duplicates").asLong(), "unsettled events are read again, as duplicates");

        workos.advanceClock(Duration.ofSeconds(31));
        JsonNode third = reconcile(organizationId);
        assertNotNull(third.path("events").path("cursorAfter").textValue(), "settled now: " + third);
    }

    @Test
    void aReconcileWhileWebhooksKeepArrivingDoesNoHarm() throws Exception {
        String organizationId = onboard("Acme Busy");
        workos.faultSeed(21).webhookDropFraction(0.3);
        OrganizationHistory made = OrganizationHistory.playOn(workos, organizationId, 60, new Random(3));
        assertTrue(workos.awaitDeliveries(Duration.ofSeconds(60)));
        workos.clearFaults(); // from here on every webhook arrives, while reconcile runs

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger changes = new AtomicInteger();
        Thread mutator = new Thread(() -> {
            Random random = new Random(4);
            List<String> users = new ArrayList<>(made.userIds());
            // a busy directory: a change every ~10 ms, webhooks for all of them, for as long as the reconcile runs
            while ((running.get() && changes.get() < 300) || changes.get() < 60) {
                switch (random.nextInt(5)) {
                    case 0 -> workos.addUsers(made.directoryId(), 1).forEach(u -> users.add(u.id()));
                    case 1 -> workos.updateUser(users.get(random.nextInt(users.size())),
                            UserUpdate.name("Busy" + changes.get(), "Bee"));
                    case 2 -> workos.addUserToGroup(made.groupIds().get(random.nextInt(made.groupIds().size())),
                            users.get(random.nextInt(users.size())));
                    case 3 -> workos.removeUserFromGroup(made.groupIds().get(random.nextInt(made.groupIds().size())),
                            users.get(random.nextInt(users.size())));
                    default -> workos.deleteUser(users.remove(random.nextInt(users.size())));
                }
                changes.incrementAndGet();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long t0 = System.nanoTime();
        mutator.start();
        JsonNode report = reconcile(organizationId);
        long t1 = System.nanoTime();
        running.set(false);
        mutator.join();
        assertTrue(workos.awaitDeliveries(Duration.ofSeconds(60)));
        System.out.printf("busy reconcile: %d ms, %d concurrent changes, deliveries drained after %d ms; %s%n",
                (t1 - t0) / 1_000_000, changes.get(), (System.nanoTime() - t1) / 1_000_000, report);

        assertTrue(report.path("complete").asBoolean(), report.toString());
        assertTrue(report.path("created").asLong() + report.path("updated").asLong() + report.path("deleted").asLong() > 0,
                "the reconcile repaired what the drops broke: " + report);
        // No second reconcile: the webhooks that arrived during and after it, and its own writes, add up to WorkOS.
        fx.assertProjectionMirrorsWorkOs(organizationId);
    }

    @Test
    void stopsCleanlyWhenWorkOsKeepsAnswering429AndResumesWhereItStopped() {
        String organizationId = onboard("Acme Limited");
        workos.webhookDropFraction(1.0);
        OrganizationHistory.playOn(workos, organizationId, 30, new Random(4));
        assertTrue(workos.awaitDeliveries(Duration.ofSeconds(30)));
        workos.clearFaults();
        workos.failNext(1_000, 429, 0, "/directory_users");

        JsonNode stopped = reconcile(organizationId);
        assertFalse(stopped.path("complete").asBoolean(), stopped.toString());
        assertEquals("rate_limited", stopped.path("stoppedBecause").asText());
        assertEquals("users", stopped.path("resumeFrom").path("phase").asText());
        assertTrue(stopped.path("resumeFrom").path("directoryId").asText().startsWith("directory_"));
        assertTrue(stopped.path("created").asLong() > 0, "the phases before users were done: " + stopped);
        assertEquals(stopped.path("resumeFrom"), stopped.path("next").path("resumeFrom"));

        workos.clearFaults();
        JsonNode resumed = fx.invoke(stopped.path("next").toString());
        assertTrue(resumed.path("complete").asBoolean(), resumed.toString());
        assertEquals(0, resumed.path("byKind").path("connections").path("created").asLong(), "resumed at users, not from the start");
        fx.assertProjectionMirrorsWorkOs(organizationId);
    }

    @Test
    void stopsBeforeTheLambdaTimeoutAndEveryResumeProgressesToTheEnd() {
        OperatorFixture tight = OperatorFixture.start(Map.of(Budget.MARGIN_SETTING, "1000"));
        try (WebhookReceiver hooks = new WebhookReceiver(tight.dynamo, tight.table, tight.clock)) {
            EmulatorControl c = tight.emulator.control();
            c.registerWebhook(hooks.url(), WebhookReceiver.SECRET);
            String organizationId = tight.invoke("{\"action\": \"onboard\", \"name\": \"Acme Slow\"}").path("organizationId").asText();
            c.webhookDropFraction(1.0);
            OrganizationHistory.playOn(c, organizationId, 260, new Random(5));
            assertTrue(c.awaitDeliveries(Duration.ofSeconds(30)));
            c.clearFaults();
            c.advanceClock(Duration.ofMinutes(1));

            String event = "{\"action\": \"reconcile\", \"organizationId\": \"" + organizationId + "\"}";
            int invocations = 0;
            Set<String> phasesStoppedIn = new java.util.TreeSet<>();
            JsonNode report;
            do {
                // 1.3 s to live and a 1 s margin: about 300 ms of work per invocation
                report = tight.invoke(event, new LocalContext("OperatorFunction", 1_300, 256));
                assertFalse(report.has("error"), report.toString());
                if (!report.path("complete").asBoolean()) {
                    assertEquals("time", report.path("stoppedBecause").asText(), report.toString());
                    phasesStoppedIn.add(report.path("resumeFrom").path("phase").asText());
                    event = report.path("next").toString();
                }
                invocations++;
            } while (!report.path("complete").asBoolean() && invocations < 300);
            assertTrue(report.path("complete").asBoolean(), "finished within 300 invocations");
            assertTrue(invocations > 2, "the deadline stopped it: " + invocations + " invocations");
            assertTrue(phasesStoppedIn.contains("users"), "stopped inside a directory: " + phasesStoppedIn);
            tight.assertProjectionMirrorsWorkOs(organizationId);
        } finally {
            tight.close();
        }
    }

    private Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> organizationItem(String organizationId) {
        return fx.dynamo.getItem(r -> r.tableName(fx.table).key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                .consistentRead(true)).item();
    }
}
