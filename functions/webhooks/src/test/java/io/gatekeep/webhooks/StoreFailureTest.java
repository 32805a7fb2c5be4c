package io.gatekeep.webhooks;

import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.projection.ApplyOutcome;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.WorkOsEvent;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiContract;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static io.gatekeep.webhooks.OrderingTest.DIR;
import static io.gatekeep.webhooks.OrderingTest.ORG;
import static io.gatekeep.webhooks.OrderingTest.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the store fails, the answer is 5xx (WorkOS retries) and the verified event waits in the
 * dead-letter store for replay: never a 2xx for an event that was not stored.
 */
class StoreFailureTest {
    private final StoreFault fault = new StoreFault("TransactWriteItems");
    private final WebhookFixture webhooks = new WebhookFixture(fault);

    @Test
    void aFailedTransactionIsA503AndADeadLetterAndTheRetryApplies() {
        String body = user("dsync.user.created", "ev_fail_1", "directory_user_f", 1, "Fay").json();
        fault.failNext(1, 0);
        var response = webhooks.deliver(body);
        assertEquals(503, response.status(), response::toString);
        assertEquals("store_unavailable", response.text("error"));
        assertNull(webhooks.item(Keys.eventPk("ev_fail_1"), Keys.EVENT_SK), "no marker");
        assertNull(webhooks.item(Keys.directoryPk(DIR), Keys.userSk("directory_user_f")), "no projection change");
        assertTrue(webhooks.audit(ORG).isEmpty(), "no audit entry");

        DeadLetters deadLetters = new DeadLetters(webhooks.dynamo, webhooks.table, Clock.systemUTC());
        List<DeadLetters.DeadLetter> letters = deadLetters.all();
        assertEquals(1, letters.size());
        DeadLetters.DeadLetter letter = letters.get(0);
        assertEquals("ev_fail_1", letter.eventId());
        assertEquals("dsync.user.created", letter.type());
        assertEquals(ORG, letter.organizationId());
        assertEquals(body, letter.body(), "the verified raw body, byte for byte");
        assertTrue(letter.error().contains("StoreUnavailableException"), letter.error());
        assertEquals(1, letter.attempts());
        assertTrue(letter.sortKey().endsWith("#ev_fail_1"));

        // WorkOS retries: applied once
        var retry = webhooks.deliver(body);
        assertEquals(200, retry.status());
        assertEquals("applied", retry.text("status"));
        assertEquals(1, WebhookFixture.n(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "userCount"));

        // the operator's replay of the dead letter is then a duplicate, and the letter can go
        Projection projection = new Projection(webhooks.dynamo, webhooks.table, Clock.systemUTC());
        assertEquals(ApplyOutcome.Status.DUPLICATE, projection.apply(WorkOsEvent.parse(letter.body())).status());
        deadLetters.remove(letter);
        assertTrue(deadLetters.all().isEmpty());
        assertEquals(1, WebhookFixture.n(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "userCount"));
    }

    @Test
    void aFailureOfTheSecondTransactionIsA503Too() {
        webhooks.deliver(user("dsync.user.updated", "ev_fail_2a", "directory_user_g", 5, "New"));
        // the create is stale: its first transaction is cancelled, the second one fails
        fault.failNext(1, 1);
        String body = user("dsync.user.created", "ev_fail_2b", "directory_user_g", 1, "Old").json();
        var response = webhooks.deliver(body);
        assertEquals(503, response.status(), response::toString);
        assertNull(webhooks.item(Keys.eventPk("ev_fail_2b"), Keys.EVENT_SK));
        var letters = new DeadLetters(webhooks.dynamo, webhooks.table, Clock.systemUTC()).all();
        assertEquals(1, letters.size());
        assertEquals(2, letters.get(0).attempts());
        assertEquals("ignored", webhooks.deliver(body).text("status"));
    }

    @Test
    void aConflictingTransactionIsTriedAgainAfterABackoffUntilItPasses() {
        fault.conflictNext(1);
        webhooks.calls.reset();
        var response = webhooks.deliver(user("dsync.user.created", "ev_conflict_1", "directory_user_c", 1, "Cy"));
        assertEquals(200, response.status(), response::toString);
        assertEquals("applied", response.text("status"));
        assertEquals(List.of("TransactWriteItems", "TransactWriteItems"), webhooks.calls.operations());
        assertEquals(1, WebhookFixture.n(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "userCount"));

        // a conflict is no reason to give up: five in a row, and the sixth attempt applies it, no 503, no dead letter
        fault.conflictNext(5);
        webhooks.calls.reset();
        String body = user("dsync.user.created", "ev_conflict_2", "directory_user_d", 2, "Di").json();
        assertEquals("applied", webhooks.deliver(body).text("status"));
        assertEquals(6, webhooks.calls.count("TransactWriteItems"));
        assertEquals(2, WebhookFixture.n(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "userCount"));
        assertEquals(List.of(), new DeadLetters(webhooks.dynamo, webhooks.table, Clock.systemUTC()).all());
    }

    @Test
    void conflictsThatOutlastTheFunctionsTimeAreA503AndADeadLetter() {
        // LocalContext gives the function its remaining time; conflicts are retried until about a second before it
        fault.conflictNext(100_000);
        String body = user("dsync.user.created", "ev_conflict_3", "directory_user_e", 1, "Ed").json();
        var handler = new WebhookHandler(WebhookFixture.config(webhooks.table, WebhookFixture.SECRET), webhooks.dynamo, Clock.systemUTC());
        long started = System.nanoTime();
        var response = handler.handleRequest(WebhookFixture.request(body, WebhookFixture.sign(body)),
                new io.gatekeep.localaws.LocalContext("webhooks", 2_500, 1024));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        fault.off();
        assertEquals(503, response.getStatusCode(), response.getBody());
        assertTrue(tookMillis >= 1_000 && tookMillis < 2_500, "retried until the deadline, not past it: " + tookMillis + " ms");
        assertNull(webhooks.item(Keys.eventPk("ev_conflict_3"), Keys.EVENT_SK));
        assertEquals(1, new DeadLetters(webhooks.dynamo, webhooks.table, Clock.systemUTC()).all().size());
        assertEquals("applied", webhooks.deliver(body).text("status"));
    }

    @Test
    void whenTheWholeStoreIsGoneTheAnswerIsStillA5xx() {
        // a table that does not exist: the transaction and the dead-letter write both fail;
        // WorkOS's retries are then the safety net
        var config = WebhookFixture.config("gatekeep-no-such-table", WebhookFixture.SECRET);
        var handler = ApiContract.checked(new WebhookHandler(config, LocalDynamo.shared().client(), Clock.systemUTC()));
        String body = user("dsync.user.created", "ev_fail_3", "directory_user_h", 1, "Hal").json();
        var response = handler.handleRequest(WebhookFixture.request(body, WebhookFixture.sign(body)),
                io.gatekeep.localaws.LocalContext.of("webhooks"));
        assertEquals(503, response.getStatusCode(), response.getBody());
        assertTrue(response.getBody().contains("store_unavailable"));
    }

    @Test
    void largeBodiesAreDeadLetteredWithoutTheBody() {
        String body = user("dsync.user.created", "ev_fail_4", "directory_user_i", 1, "I".repeat(400_000)).json();
        fault.failNext(1, 0);
        assertEquals(503, webhooks.deliver(body).status());
        var letter = new DeadLetters(webhooks.dynamo, webhooks.table, Clock.systemUTC()).all().get(0);
        assertNull(letter.body());
        assertTrue(letter.error().contains("Events API"), letter.error());
        assertEquals("ev_fail_4", letter.eventId());
    }
}
