package io.gatekeep.notices;

import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.attention.Notice;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Delivers notices from the outbox: an EventBridge event, then (email on, IT contacts known) one
 * SES templated email to the contacts, then the outbox item is deleted.
 *
 * <p>The guarantee: every notice is delivered at least once, and in all but one case exactly once.
 * The outbox item exists until both channels are recorded as done, so a failure anywhere leaves it
 * for the stream's retry and then the schedule's ({@link #deliverPending}): nothing is lost. Each
 * channel's success is recorded on the item before the next step, and a lease (one deliverer at a
 * time per notice) keeps the stream and the schedule from sending it together. What remains:
 * EventBridge's PutEvents and SES have no idempotency key, so a crash between a channel accepting
 * the notice and the item recording it sends that channel's notice again on retry. Every event
 * carries {@code detail.noticeId} (stable across retries) for consumers that must drop repeats.
 */
final class Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    /** Longer than one delivery can take (the clients' timeouts), short enough for a quick retry after a crash. */
    static final Duration LEASE = Duration.ofSeconds(60);
    /** The schedule leaves younger notices to the stream. */
    static final Duration PENDING_AFTER = Duration.ofMinutes(1);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Channels channels;
    private final Clock clock;

    Delivery(DynamoDbClient dynamo, String table, Channels channels, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.channels = channels;
        this.clock = clock;
    }

    enum Result { DELIVERED, NOT_MINE }

    /** Delivers the outbox item with this sort key; NOT_MINE when it is gone (delivered) or another deliverer holds it. */
    Result deliver(String sortKey) {
        Instant now = clock.instant();
        String lease = Times.iso(now.plus(LEASE));
        Map<String, AttributeValue> key = Attr.key(Keys.OUTBOX_PK, sortKey);
        Map<String, AttributeValue> stored;
        try {
            stored = dynamo.updateItem(b -> b.tableName(table).key(key)
                    .updateExpression("SET leaseUntil = :lease ADD attempts :one")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)")
                    .expressionAttributeValues(Map.of(":lease", Attr.s(lease), ":now", Attr.s(Times.iso(now)), ":one", Attr.n(1)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
        } catch (ConditionalCheckFailedException gone) {
            return Result.NOT_MINE;
        }
        Notice notice = Notice.fromItem(stored);
        try {
            String eventId = notice.eventSentAt() == null ? publish(notice, key) : Attr.str(stored, "eventId");
            int emailed = notice.emailSentAt() == null ? email(notice, key) : notice.itContacts().size();
            dynamo.deleteItem(b -> b.tableName(table).key(key).conditionExpression("leaseUntil = :lease")
                    .expressionAttributeValues(Map.of(":lease", Attr.s(lease))));
            LOG.info("notice delivered: {} {} {} of {} ({}), event {}, emailed to {} IT contacts", notice.transition().wire(),
                    notice.item().kind().wire(), notice.item().subjectId(), notice.item().organizationId(), notice.noticeId(),
                    eventId, emailed);
            return Result.DELIVERED;
        } catch (RuntimeException e) {
            release(key, lease, e);
            throw e;
        }
    }

    /** Delivers what the stream did not (older than a minute), up to {@code max}; a failure is logged and left for next time. */
    List<String> deliverPending(int max) {
        String cutoff = Times.iso(clock.instant().minus(PENDING_AFTER));
        QueryResponse page = dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :pk AND sk < :cutoff")
                .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.OUTBOX_PK), ":cutoff", Attr.s(cutoff))).limit(max));
        List<String> delivered = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            String sk = Attr.str(item, Keys.SK);
            try {
                if (deliver(sk) == Result.DELIVERED) {
                    delivered.add(Attr.str(item, "noticeId"));
                }
            } catch (RuntimeException e) {
                LOG.warn("notice {} not delivered yet: {}", Attr.str(item, "noticeId"), e.getClass().getSimpleName());
            }
        }
        return delivered;
    }

    private String publish(Notice notice, Map<String, AttributeValue> key) {
        PutEventsResponse response = channels.eventBridge().putEvents(b -> b.entries(PutEventsRequestEntry.builder()
                .eventBusName(channels.busName())
                .source(Notice.SOURCE)
                .detailType(notice.transition().detailType())
                .time(Instant.parse(notice.occurredAt()))
                .detail(Json.write(notice.detail()))
                .build()));
        PutEventsResultEntry entry = response.entries().isEmpty() ? null : response.entries().get(0);
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0 || entry == null || entry.eventId() == null) {
            throw new DeliveryFailed("EventBridge did not take the notice: " + (entry == null ? "no entry" : entry.errorCode()));
        }
        recordDone(key, "eventSentAt", "eventId", entry.eventId());
        return entry.eventId();
    }

    private int email(Notice notice, Map<String, AttributeValue> key) {
        if (channels.email().isEmpty() || notice.itContacts().isEmpty()) {
            return 0;
        }
        Channels.Email email = channels.email().get();
        String messageId = email.ses().sendTemplatedEmail(b -> b.source(email.sender())
                .destination(d -> d.toAddresses(notice.itContacts()))
                .template(email.template())
                .templateData(Json.write(notice.emailData()))).messageId();
        recordDone(key, "emailSentAt", "emailMessageId", messageId);
        return notice.itContacts().size();
    }

    private void recordDone(Map<String, AttributeValue> key, String doneAt, String idName, String id) {
        dynamo.updateItem(b -> b.tableName(table).key(key)
                .updateExpression("SET " + doneAt + " = :at, " + idName + " = :id")
                .expressionAttributeValues(Map.of(":at", Attr.s(Times.iso(clock.instant())), ":id", Attr.s(id))));
    }

    /** After a failure: let the next attempt in at once, and keep what failed (the error's type only, no payload). */
    private void release(Map<String, AttributeValue> key, String lease, RuntimeException cause) {
        String error = cause instanceof DeliveryFailed ? cause.getMessage() : cause.getClass().getSimpleName();
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key)
                    .updateExpression("REMOVE leaseUntil SET lastError = :error")
                    .conditionExpression("leaseUntil = :lease")
                    .expressionAttributeValues(Map.of(":lease", Attr.s(lease), ":error", Attr.s(error))));
        } catch (SdkException ignored) {
            // the lease runs out by itself
        }
    }

    static final class DeliveryFailed extends RuntimeException {
        DeliveryFailed(String message) {
            super(message);
        }
    }
}
