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
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * fails again stays, with its attempt count and the new error.
 */
final class Replay {
    static final Set<String> FIELDS = Set.of("action", "organizationId", "eventIds", "actor");
    private static final int MAX_LISTED = 100;
    private static final int QUERY_PAGE = 25; // items carry whole event bodies

    private final Env env;
    private final Projector projector;
    private final DeadLetters deadLetters;

    Replay(Env env) {
        this.env = env;
        this.projector = new Projector(env);
        this.deadLetters = new DeadLetters(env.dynamo(), env.table(), env.clock());
    }

    ObjectNode run(JsonNode event, Context context) {
        Input in = Input.of(event, FIELDS);
        String organizationId = in.organizationId(false);
        List<String> eventIds = in.eventIds("eventIds", 100);
        String actor = in.actor();
        Set<String> wanted = eventIds == null ? null : new LinkedHashSet<>(eventIds);
        Budget budget = new Budget(context, env.config().getInt(Budget.MARGIN_SETTING, Budget.DEFAULT_MARGIN_MS));

        long applied = 0;
        long duplicates = 0;
        long failed = 0;
        boolean complete = true;
        Set<String> found = new LinkedHashSet<>();
        ArrayNode listed = Json.MAPPER.createArrayNode();
        boolean truncated = false;
        Map<String, long[]> perOrganization = new LinkedHashMap<>();
        Map<String, AttributeValue> startKey = null;
        outer:
        do {
            Map<String, AttributeValue> start = startKey;
            QueryResponse page = env.dynamo().query(r -> r.tableName(env.table())
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.DEAD_LETTER_PK)))
                    .exclusiveStartKey(start)
                    .consistentRead(true)
                    .limit(QUERY_PAGE));
            for (Map<String, AttributeValue> item : page.items()) {
                String eventId = Attr.str(item, "eventId");
                String itemOrganization = Attr.str(item, "organizationId");
                if (organizationId != null && !organizationId.equals(itemOrganization)) {
                    continue;
                }
                if (wanted != null && !wanted.contains(eventId)) {
                    continue;
                }
                if (budget.exhausted()) {
                    complete = false;
                    break outer;
                }
                found.add(eventId);
                DeadLetters.DeadLetter letter = letter(item);
                String result;
                String reason = null;
                String error = null;
                try {
                    JsonNode verified = verifiedEvent(letter);
                    ApplyOutcome outcome = projector.apply(verified);
                    result = outcome.status() == ApplyOutcome.Status.DUPLICATE ? "duplicate" : "applied";
                    reason = outcome.reason();
                    deadLetters.remove(letter);
                } catch (StoreUnavailableException | IllegalArgumentException | WorkOSException e) {
                    result = "failed";
                    error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + abbreviate(e.getMessage()));
                    recordFailure(item, error);
                }
                switch (result) {
                    case "applied" -> applied++;
                    case "duplicate" -> duplicates++;
                    default -> failed++;
                }
                String auditOrganization = itemOrganization != null ? itemOrganization : organizationId;
                if (auditOrganization != null) {
                    long[] c = perOrganization.computeIfAbsent(auditOrganization, k -> new long[3]);
                    c[result.equals("applied") ? 0 : result.equals("duplicate") ? 1 : 2]++;
                }
                if (listed.size() < MAX_LISTED) {
                    ObjectNode line = listed.addObject();
                    line.put("eventId", eventId);
                    line.put("type", Attr.str(item, "type"));
                    line.put("organizationId", itemOrganization);
                    line.put("result", result);
                    if (reason != null) {
                        line.put("reason", reason);
                    }
                    if (error != null) {
                        line.put("error", error);
                    }
                } else {
                    truncated = true;
                }
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);

        if (found.isEmpty() && organizationId != null && !organizationKnown(organizationId)) {
            throw OperatorError.organizationNotFound(organizationId, "no organization and no dead-lettered event with that id.");
        }
        List<String> notFound = new ArrayList<>();
        if (wanted != null) {
            for (String id : wanted) {
                if (!found.contains(id)) {
                    notFound.add(id);
                }
            }
        }

        ObjectNode report = Json.object();
        report.put("action", "replay");
        if (organizationId != null) {
            report.put("organizationId", organizationId);
        }
        report.put("complete", complete);
        report.put("applied", applied);
        report.put("duplicates", duplicates);
        report.put("failed", failed);
        report.set("events", listed);
        if (truncated) {
            report.put("eventsTruncated", true);
        }
        if (wanted != null) {
            ArrayNode missing = report.putArray("notFound");
            notFound.forEach(missing::add);
        }
        if (!complete) {
            report.put("stoppedBecause", "time");
            ObjectNode next = report.putObject("next");
            next.put("action", "replay");
            if (organizationId != null) {
                next.put("organizationId", organizationId);
            }
        }
        if (perOrganization.isEmpty() && organizationId != null) {
            perOrganization.put(organizationId, new long[3]);
        }
        perOrganization.forEach((org, c) -> env.audit().write(org, "replay", actor,
                "Replayed dead-lettered events: " + c[0] + " applied, " + c[1] + " duplicates, " + c[2] + " failed again.",
                context));
        return report;
    }

    private static DeadLetters.DeadLetter letter(Map<String, AttributeValue> item) {
        return new DeadLetters.DeadLetter(Attr.str(item, Keys.SK), Attr.str(item, "eventId"), Attr.str(item, "type"),
                Attr.str(item, "organizationId"), Attr.str(item, "body"), Attr.str(item, "error"),
                (int) Attr.num(item, "attempts", 1), Attr.str(item, "receivedAt"));
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

    private void recordFailure(Map<String, AttributeValue> item, String error) {
        env.dynamo().updateItem(r -> r.tableName(env.table())
                .key(Map.of(Keys.PK, item.get(Keys.PK), Keys.SK, item.get(Keys.SK)))
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
