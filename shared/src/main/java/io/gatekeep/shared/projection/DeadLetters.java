package io.gatekeep.shared.projection;

import io.gatekeep.shared.Times;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Verified events the store did not take, kept for the operator's {@code replay}
 * ({@code pk = DEADLETTER}, {@code sk = {receivedAt}#{eventId}}). One item per failed delivery: a
 * retried event may leave several, and replaying them all is safe (the event marker makes the
 * second one a duplicate). The body is kept verbatim when it fits in an item; a larger one is left
 * out (the error says so) and the event is fetched from the Events API by id instead.
 */
public final class DeadLetters {
    /** Stays under DynamoDB's 400 KB item limit with room for the other attributes. */
    static final int MAX_BODY_BYTES = 350_000;

    public record DeadLetter(String sortKey, String eventId, String type, String organizationId, String body,
                             String error, int attempts, String receivedAt) {}

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DeadLetters(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /**
     * Keeps one event. {@code attempts}: the store attempts this delivery made before giving up.
     * Throws the SDK's exception when the table refuses this write too.
     */
    public DeadLetter record(String rawBody, WorkOsEvent event, String error, int attempts) {
        String receivedAt = Times.iso(clock.instant());
        String sortKey = Keys.deadLetterSk(receivedAt, event.id());
        String organizationId = Projection.organizationOf(event);
        boolean keepBody = rawBody.getBytes(StandardCharsets.UTF_8).length <= MAX_BODY_BYTES;
        String why = keepBody ? error : error + " (body not kept: larger than an item; fetch the event from the Events API by id)";
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Keys.PK, Attr.s(Keys.DEAD_LETTER_PK));
        item.put(Keys.SK, Attr.s(sortKey));
        item.put("eventId", Attr.s(event.id()));
        item.put("type", Attr.s(event.name()));
        if (organizationId != null) {
            item.put("organizationId", Attr.s(organizationId));
        }
        if (keepBody) {
            item.put("body", Attr.s(rawBody));
        }
        item.put("error", Attr.s(why));
        item.put("attempts", Attr.n(attempts));
        item.put("receivedAt", Attr.s(receivedAt));
        dynamo.putItem(r -> r.tableName(table).item(item));
        return new DeadLetter(sortKey, event.id(), event.name(), organizationId, keepBody ? rawBody : null, why, attempts,
                receivedAt);
    }

    /** Every dead letter, oldest first (one Query page after another). */
    public List<DeadLetter> all() {
        List<DeadLetter> letters = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.DEAD_LETTER_PK)))
                    .consistentRead(true)
                    .exclusiveStartKey(start)
                    .build());
            for (Map<String, AttributeValue> item : page.items()) {
                letters.add(new DeadLetter(Attr.str(item, Keys.SK), Attr.str(item, "eventId"), Attr.str(item, "type"),
                        Attr.str(item, "organizationId"), Attr.str(item, "body"), Attr.str(item, "error"),
                        (int) Attr.num(item, "attempts", 1), Attr.str(item, "receivedAt")));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return letters;
    }

    /** Removes one dead letter (after its event was replayed). */
    public void remove(DeadLetter letter) {
        dynamo.deleteItem(r -> r.tableName(table).key(Attr.key(Keys.DEAD_LETTER_PK, letter.sortKey())));
    }
}
