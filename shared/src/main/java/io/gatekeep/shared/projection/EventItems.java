package io.gatekeep.shared.projection;

import static io.gatekeep.shared.projection.Projection.MARKER_TTL;
import static io.gatekeep.shared.projection.Projection.UNASSIGNED;

import io.gatekeep.shared.Times;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.projection.Projection.Event;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The items an event's transaction writes beside its projection change (the exactly-once marker, the
 * audit entry in the event's own words: {@link Summaries}), the directory index, and the one read that
 * may come before a transaction (TransactGetItems, retried as {@link Transactions} retries). Shared by
 * the object, membership and sign-in plans.
 */
final class EventItems {
    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Transactions transactions;

    EventItems(DynamoDbClient dynamo, String table, Clock clock, Transactions transactions) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.transactions = transactions;
    }

    TransactWriteItem marker(Event event, String organizationId) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Keys.PK, Attr.s(Keys.eventPk(event.event().id())));
        item.put(Keys.SK, Attr.s(Keys.EVENT_SK));
        item.put("type", Attr.s(event.event().name()));
        item.put("organizationId", Attr.s(organizationId == null ? UNASSIGNED : organizationId));
        item.put("processedAt", Attr.s(Times.iso(clock.instant())));
        item.put(Keys.TTL, Attr.n(expiry(MARKER_TTL)));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }

    /**
     * The event's audit entry: ordered in the log by when Gatekeep recorded it (its sort key), with
     * WorkOS's {@code created_at} kept as {@code occurredAt}. It is written with the event's marker, so
     * a duplicate delivery writes neither.
     */
    TransactWriteItem audit(Event event, String organizationId) {
        AuditEntry entry = new AuditEntry(organizationId == null ? UNASSIGNED : organizationId, event.event().id(),
                event.event().name(), event.at(), clock.instant(), Summaries.actor(event.event()),
                Summaries.summary(event.event()), AuditEntry.Source.WORKOS, null);
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(entry.toItem()).build()).build();
    }

    /**
     * The directory index: which organization a directory belongs to, for events that do not say.
     * Written with every directory event (WorkOS activates a directory before it syncs anything into
     * it) and by reconcile's {@link Projection#upsertDirectory}.
     */
    TransactWriteItem indexPut(String directoryId, String organizationId) {
        Map<String, AttributeValue> item = new HashMap<>(indexKey(directoryId));
        item.put("organizationId", Attr.s(organizationId));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build();
    }

    static Map<String, AttributeValue> indexKey(String directoryId) {
        return Attr.key(Keys.directoryPk(directoryId), Keys.DIRECTORY_META_SK);
    }

    @SafeVarargs
    final List<Map<String, AttributeValue>> read(Map<String, AttributeValue>... keys) {
        return transactions.read(() -> dynamo.transactGetItems(b -> b.transactItems(Arrays.stream(keys)
                        .map(key -> TransactGetItem.builder().get(Get.builder().tableName(table).key(key).build()).build())
                        .toList()))
                .responses().stream()
                .map(r -> r != null && r.hasItem() ? r.item() : Map.<String, AttributeValue>of())
                .toList());
    }

    long expiry(Duration lifetime) {
        return clock.instant().plus(lifetime).getEpochSecond();
    }
}
