package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.workos.WorkOS;
import com.workos.common.exceptions.WorkOSException;
import com.workos.common.http.Page;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.projection.ApplyOutcome;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code {"action": "replay", "organizationId"?, "eventIds"?: [...]}}: re-applies dead-lettered
 * events (all of them, one organization's, or the named ones) through the projection, exactly as
 * the webhook function applies them. Only events from the dead-letter store are applied: they were
 * verified (signature and age) before they were stored, and the operator names them by id, never
 * by content. An event that applies, or turns out to be a duplicate, leaves the store; one that
 * fails again stays, with one more attempt and the new error. The store is read 25 items at a
 * time (items carry whole event bodies), so memory stays bounded however many are waiting.
 */
final class Replay {
    static final Set<String> FIELDS = Set.of("action", "organizationId", "eventIds", "actor");
    private static final int MAX_LISTED = 100;
    private static final int QUERY_PAGE = 25;

    /** What replaying one dead letter did: {@code applied}, {@code duplicate} or {@code failed}. */
    private record Result(String eventId, String type, String organizationId, String result, String reason, String error) {}

    private final Env env;
    private final RetriedProjection projection;
    private final DeadLetters deadLetters;

    Replay(Env env) {
        this.env = env;
        this.projection = new RetriedProjection(env);
        this.deadLetters = new DeadLetters(env.dynamo(), env.table(), env.clock());
    }

    ObjectNode run(JsonNode event, Context context) {
        Input in = Input.of(event, FIELDS);
        String organizationId = in.organizationId(false);
        List<String> eventIds = in.eventIds("eventIds", 100);
        String actor = in.actor();
        Set<String> wanted = eventIds == null ? null : new LinkedHashSet<>(eventIds);
        Budget budget = new Budget(context, env.config().getInt(Budget.MARGIN_SETTING, Budget.DEFAULT_MARGIN_MS));

        Map<String, Long> totals = new LinkedHashMap<>(Map.of("applied", 0L, "duplicate", 0L, "failed", 0L));
        Map<String, long[]> perOrganization = new LinkedHashMap<>();
        Set<String> found = new LinkedHashSet<>();
        ArrayNode listed = Json.MAPPER.createArrayNode();
        boolean complete = true;
        long matched = 0;
        Map<String, AttributeValue> startKey = null;
        do {
            QueryResponse page = page(startKey);
            for (Map<String, AttributeValue> item : page.items()) {
                String eventId = Attr.str(item, "eventId");
                String itemOrganization = Attr.str(item, "organizationId");
                if ((organizationId != null && !organizationId.equals(itemOrganization))
                        || (wanted != null && !wanted.contains(eventId))) {
                    continue;
                }
                if (budget.exhausted()) {
                    complete = false;
                    break;
                }
                matched++;
                if (wanted != null) {
                    found.add(eventId);
                }
                Result result = replay(item);
                totals.merge(result.result(), 1L, Long::sum);
                // audited where the event's own audit entry is: its organization, else the unassigned partition
                String auditOrganization = itemOrganization != null ? itemOrganization : Projection.UNASSIGNED;
                long[] c = perOrganization.computeIfAbsent(auditOrganization, k -> new long[3]);
                c[List.of("applied", "duplicate", "failed").indexOf(result.result())]++;
                if (listed.size() < MAX_LISTED) {
                    listed.add(toJson(result));
                }
            }
            startKey = complete && page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);

        if (matched == 0 && organizationId != null && !organizationKnown(organizationId)) {
            throw OperatorError.organizationNotFound(organizationId, "no organization and no dead-lettered event with that id.");
        }

        ObjectNode report = Json.object();
        report.put("action", "replay");
        if (organizationId != null) {
            report.put("organizationId", organizationId);
        }
        report.put("complete", complete);
        report.put("applied", totals.get("applied"));
        report.put("duplicates", totals.get("duplicate"));
        report.put("failed", totals.get("failed"));
        report.set("events", listed);
        if (matched > listed.size()) {
            report.put("eventsListed", listed.size());
        }
        if (wanted != null) {
            ArrayNode missing = report.putArray("notFound");
            wanted.stream().filter(id -> !found.contains(id)).forEach(missing::add);
        }
        if (!complete) {
            report.put("stoppedBecause", "time");
            ObjectNode next = report.putObject("next"); // what was replayed left the store: the same event continues
            event.properties().forEach(field -> next.set(field.getKey(), field.getValue()));
        }
        if (perOrganization.isEmpty() && organizationId != null) {
            perOrganization.put(organizationId, new long[3]);
        }
        perOrganization.forEach((org, c) -> env.audit().write(org, "replay", actor,
                "Replayed dead-lettered events: " + c[0] + " applied, " + c[1] + " duplicates, " + c[2] + " failed again.",
                context));
        return report;
    }

    private QueryResponse page(Map<String, AttributeValue> startKey) {
        return env.dynamo().query(r -> r.tableName(env.table())
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.DEAD_LETTER_PK)))
                .exclusiveStartKey(startKey)
                .consistentRead(true)
                .limit(QUERY_PAGE));
    }

    /** Applies one dead letter; it leaves the store unless it failed again. */
    private Result replay(Map<String, AttributeValue> item) {
        DeadLetters.DeadLetter letter = new DeadLetters.DeadLetter(Attr.str(item, Keys.SK), Attr.str(item, "eventId"),
                Attr.str(item, "type"), Attr.str(item, "organizationId"), Attr.str(item, "body"), Attr.str(item, "error"),
                (int) Attr.num(item, "attempts", 1), Attr.str(item, "receivedAt"));
        try {
            ApplyOutcome outcome = projection.apply(verifiedEvent(letter));
            deadLetters.remove(letter);
            String result = outcome.status() == ApplyOutcome.Status.DUPLICATE ? "duplicate" : "applied";
            return new Result(letter.eventId(), letter.type(), letter.organizationId(), result, outcome.reason(), null);
        } catch (StoreUnavailableException | IllegalArgumentException | WorkOSException e) {
            String error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + abbreviate(e.getMessage()));
            recordFailure(letter, error);
            return new Result(letter.eventId(), letter.type(), letter.organizationId(), "failed", null, error);
        }
    }

    private static ObjectNode toJson(Result result) {
        ObjectNode line = Json.object();
        line.put("eventId", result.eventId());
        line.put("type", result.type());
        line.put("organizationId", result.organizationId());
        line.put("result", result.result());
        if (result.reason() != null) {
            line.put("reason", result.reason());
        }
        if (result.error() != null) {
            line.put("error", result.error());
        }
        return line;
    }

    /**
     * The event as it was verified: the kept body, or, when the body was too large to keep, the same
     * event read back from the Events API (by its type and organization, around when it was received:
     * WorkOS retries a delivery for about three days).
     */
    private JsonNode verifiedEvent(DeadLetters.DeadLetter letter) {
        if (letter.body() != null) {
            return Json.parse(letter.body());
        }
        Instant received = Times.parseOrNull(letter.receivedAt());
        if (received == null || letter.type() == null) {
            throw new IllegalArgumentException("the dead letter keeps neither the body nor what finds the event again");
        }
        WorkOS workos = env.workos().get();
        String after = null;
        while (true) {
            Page<JsonNode> page = WorkOsEvents.list(workos, List.of(letter.type()), letter.organizationId(), after,
                    received.minus(Duration.ofDays(4)), received.plus(Duration.ofMinutes(5)), 100);
            for (JsonNode event : page.data) {
                if (letter.eventId().equals(Json.text(event, "id"))) {
                    return event;
                }
            }
            if (page.data.size() < 100) {
                throw new IllegalArgumentException("the Events API no longer holds event " + letter.eventId());
            }
            after = Json.text(page.data.get(page.data.size() - 1), "id");
        }
    }

    /** One more attempt and the latest error on the dead letter (the item's other attributes stay). */
    private void recordFailure(DeadLetters.DeadLetter letter, String error) {
        env.dynamo().updateItem(r -> r.tableName(env.table())
                .key(Attr.key(Keys.DEAD_LETTER_PK, letter.sortKey()))
                .updateExpression("SET #error = :error, lastAttemptAt = :at ADD attempts :one")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeNames(Map.of("#error", "error"))
                .expressionAttributeValues(Map.of(":error", Attr.s(error), ":one", Attr.n(1),
                        ":at", Attr.s(Times.iso(env.clock().instant())))));
    }

    private boolean organizationKnown(String organizationId) {
        Map<String, AttributeValue> item = env.dynamo().getItem(r -> r.tableName(env.table())
                .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))).item();
        return item != null && !item.isEmpty();
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
