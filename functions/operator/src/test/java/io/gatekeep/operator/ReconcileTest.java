package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

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
                .filter(e -> Projector.EVENT_NAMES.contains(e.event())).count();
    }

    @Test
    void afterThirtyPercentOfWebhooksWereDroppedTheProjectionEqualsWorkOsAgain() {
        String organizationId = onboard("Acme Dropped");
        workos.faultSeed(5).webhookDropFraction(0.3);
        History.play(workos, organizationId, 120, 1);
        assertTrue(workos.awaitDeliveries(Duration.ofSeconds(60)));
        long dropped = workos.deliveries().stream().filter(d -> d.outcome().equals("dropped")).count();
        assertTrue(dropped > 50, "the history lost webhooks: " + dropped);
        assertFalse(ProjectionCheck.differences(fx, organizationId).isEmpty(), "the drops left the projection wrong");
        workos.clearFaults();
        workos.advanceClock(Duration.ofMinutes(1)); // every event is now older than the settle time

        JsonNode report = reconcile(organizationId);

        ProjectionCheck.assertMirrors(fx, organizationId);
        assertTrue(report.path("complete").asBoolean());
        JsonNode events = report.path("events");
        assertEquals(eventsOf(organizationId), events.path("applied").asLong() + events.path("duplicates").asLong()
                + events.path("ignored").asLong(), "every event of the organization was read once: " + events);
        assertEquals(receiver.applied.get(), events.path("duplicates").asLong(),
                "what the webhooks applied is a duplicate, nothing else is");
        assertTrue(events.path("applied").asLong() > 0);
        String lastEvent = workos.events().stream().filter(e -> organizationId.equals(e.organizationId()))
                .filter(e -> Projector.EVENT_NAMES.contains(e.event())).reduce((a, b) -> b).map(StoredEvent::id).orElseThrow();
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
        ProjectionCheck.assertMirrors(fx, organizationId);
    }

    @Test
    void theCursorStaysBehindEventsThatAreNotSettledYet() {
        String organizationId = onboard("Acme Recent");
        workos.faultSeed(9).webhookDropFraction(1.0);
        History.play(workos, organizationId, 10, 2);
        assertTrue(workos.awaitDeliveries(Duration.ofSeconds(30)));
        workos.clearFaults();

        JsonNode first = reconcile(organizationId); // every event is seconds old: none is final yet
        ProjectionCheck.assertMirrors(fx, organizationId);
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

    private Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> organizationItem(String organizationId) {
        return fx.dynamo.getItem(r -> r.tableName(fx.table).key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                .consistentRead(true)).item();
    }
}
