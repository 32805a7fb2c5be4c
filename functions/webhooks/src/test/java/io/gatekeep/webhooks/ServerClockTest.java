package io.gatekeep.webhooks;

import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static io.gatekeep.webhooks.WebhookFixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The server's clock orders the log, and a sender's clock cannot pin it or freeze an object: an event
 * stamped more than five minutes ahead is refused (422, nothing written) so that WorkOS delivers it again.
 */
class ServerClockTest {
    static final String ORG = "org_01HCLOCK00000000000000001";
    static final Instant NOW = Instant.parse("2026-12-04T18:00:00Z");

    private final WebhookFixture webhooks = new WebhookFixture(Clock.fixed(NOW, ZoneOffset.UTC), WebhookFixture.SECRET);

    /** Signed at the handler's (fixed) time, so the signature's 180 s tolerance holds. */
    private WebhookFixture.Response deliver(Payloads payload) {
        String body = payload.json();
        return webhooks.deliver(body, WebhookSignature.sign(WebhookFixture.SECRET, NOW.toEpochMilli(),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    static Payloads organization(String eventId, String createdAt, String updatedAt, String name) {
        return Payloads.event("organization.updated").id(eventId).at(createdAt).data("id", ORG).data("name", name)
                .data("updated_at", updatedAt);
    }

    @Test
    void anEventStampedInTheYear2999IsRefusedAndWritesNothing() {
        assertEquals(200, deliver(organization("event_now", "2026-12-04T17:59:00.000Z", "2026-12-04T17:59:00.000Z", "Clockco")).status());
        List<String> before = webhooks.scan();

        var future = deliver(organization("event_2999", "2999-01-01T00:00:00.000Z", "2999-01-01T00:00:00.000Z", "Pinned"));
        assertEquals(422, future.status(), future.toString());
        assertEquals("event_in_future", future.text("error"));
        // Its object stamped ahead, the event itself not: the same.
        assertEquals(422, deliver(organization("event_obj", "2026-12-04T17:59:30.000Z", "2999-01-01T00:00:00.000Z", "Frozen")).status());
        assertEquals(before, webhooks.scan(), "nothing written: no marker, no object, no audit entry, no dead letter");

        // A genuine later update still applies: the object was not frozen.
        assertEquals(200, deliver(organization("event_later", "2026-12-04T17:59:40.000Z", "2026-12-04T17:59:40.000Z", "Later")).status());
        assertEquals("Later", s(webhooks.org(ORG), "name"));
    }

    @Test
    void aFewSecondsOfSkewIsNoReasonToRefuse() {
        var skewed = deliver(organization("event_skew", "2026-12-04T18:04:00.000Z", "2026-12-04T18:04:00.000Z", "Skewed"));
        assertEquals(200, skewed.status(), skewed.toString());
        assertEquals("Skewed", s(webhooks.org(ORG), "name"));
    }

    @Test
    void theLogIsOrderedByWhenGatekeepRecordedEachEntryAndKeepsWorkOsTime() {
        assertEquals(200, deliver(organization("event_a", "2026-12-04T17:00:00.000Z", "2026-12-04T17:00:00.000Z", "A")).status());
        List<AuditEntry> audit = webhooks.audit(ORG);
        assertEquals(1, audit.size());
        AuditEntry entry = audit.get(0);
        assertEquals(Instant.parse("2026-12-04T17:00:00Z"), entry.occurredAt(), "WorkOS's created_at stays on the entry");
        assertEquals(NOW, entry.recordedAt(), "the server's clock");
        var item = webhooks.partition(Keys.auditPk(ORG)).get(0);
        assertEquals("2026-12-04T18:00:00.000Z#event_a", s(item, Keys.SK), "the sort key is Gatekeep's time");
        assertEquals(s(item, Keys.SK), s(item, Keys.GSI1_SK));
    }
}
