package io.gatekeep.shared.priming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DynamoDB's JSON protocol (version 20120810) for the requests our success paths send, answered
 * from memory on a loopback endpoint: the stand-in organization's items are read; a {@code Put}
 * or {@code Delete} is applied (a later read in the same priming sees it: a role job that priming
 * finishes is gone, so the walk ends), while updates and conditions are acknowledged without
 * being evaluated (an update asking for {@code ReturnValues: ALL_NEW} gets the stored item back,
 * unchanged: the notices function reads the outbox item it has just leased). The real table is
 * never involved.
 *
 * <p>Faithful enough because the answers are DynamoDB's documented shapes for these operations
 * and the handler code reading them is the real one; {@code PrimingFidelityTest} serves the same
 * items from DynamoDB Local and from this stand-in and compares what each function answers. What
 * it cannot know it refuses (a {@code ValidationException}): an operation or expression it does
 * not model fails the priming loudly instead of priming a different path.
 */
final class StandInDynamoDb extends LoopbackEndpoint {
    private static final String TARGET_PREFIX = "DynamoDB_20120810.";
    /** {@code pk = :v}, {@code #pk = :v}, optionally {@code AND begins_with(sk, :p)} or {@code AND sk <= :u}. */
    private static final Pattern KEY_CONDITION = Pattern.compile(
            "\\s*([#\\w]+)\\s*=\\s*(:\\w+)\\s*(?:AND\\s+begins_with\\s*\\(\\s*([#\\w]+)\\s*,\\s*(:\\w+)\\s*\\)\\s*"
                    + "|AND\\s+([#\\w]+)\\s*<=\\s*(:\\w+)\\s*)?",
            Pattern.CASE_INSENSITIVE);

    /** pk -> sk -> item, in DynamoDB JSON. */
    private final Map<String, TreeMap<String, ObjectNode>> items = new TreeMap<>();
    private int writes;

    StandInDynamoDb(Collection<Map<String, AttributeValue>> seed) {
        seed.forEach(item -> store(toJson(item)));
    }

    /** Requests that wrote something (to this stand-in only). */
    synchronized int writes() {
        return writes;
    }

    @Override
    synchronized Answer answer(String method, String path, String query, HttpExchange exchange, String body) {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!"POST".equals(method) || target == null || !target.startsWith(TARGET_PREFIX)) {
            return refuse("not a DynamoDB request");
        }
        JsonNode request = Json.parse(body);
        return switch (target.substring(TARGET_PREFIX.length())) {
            case "GetItem" -> ok(getItem(request.path("Key")));
            case "Query" -> query(request);
            case "BatchGetItem" -> ok(batchGet(request.path("RequestItems")));
            case "TransactGetItems" -> ok(transactGet(request.path("TransactItems")));
            case "PutItem" -> ok(put(request.path("Item")));
            case "TransactWriteItems" -> ok(transactWrite(request.path("TransactItems")));
            case "DeleteItem" -> ok(delete(request.path("Key")));
            case "UpdateItem" -> ok(update(request));
            default -> refuse("operation " + target + " is not modelled by the priming stand-in");
        };
    }

    private ObjectNode getItem(JsonNode key) {
        ObjectNode out = Json.object();
        ObjectNode item = find(key);
        if (item != null) {
            out.set("Item", item);
        }
        return out;
    }

    private ObjectNode batchGet(JsonNode requestItems) {
        ObjectNode responses = Json.object();
        requestItems.properties().forEach(table -> {
            ArrayNode found = responses.putArray(table.getKey());
            table.getValue().path("Keys").forEach(key -> {
                ObjectNode item = find(key);
                if (item != null) {
                    found.add(item);
                }
            });
        });
        ObjectNode out = Json.object();
        out.set("Responses", responses);
        out.putObject("UnprocessedKeys");
        return out;
    }

    private ObjectNode transactGet(JsonNode transactItems) {
        ObjectNode out = Json.object();
        ArrayNode responses = out.putArray("Responses");
        transactItems.forEach(get -> responses.add(getItem(get.path("Get").path("Key"))));
        return out;
    }

    private ObjectNode put(JsonNode item) {
        store((ObjectNode) item.deepCopy());
        return written();
    }

    private ObjectNode transactWrite(JsonNode transactItems) {
        transactItems.forEach(action -> {
            if (action.has("Put")) {
                store((ObjectNode) action.path("Put").path("Item").deepCopy());
            } else if (action.has("Delete")) {
                remove(action.path("Delete").path("Key"));
            }
        });
        return written();
    }

    /** Deletes are applied: a job finished by priming must be gone when the walk looks again. */
    private ObjectNode delete(JsonNode key) {
        remove(key);
        return written();
    }

    private void remove(JsonNode key) {
        var partition = items.get(key.path(Keys.PK).path("S").asText());
        if (partition != null) {
            partition.remove(key.path(Keys.SK).path("S").asText());
        }
    }

    /** Acknowledged, not applied; {@code ALL_NEW} answers the stored item as it is (nothing when there is none). */
    private ObjectNode update(JsonNode request) {
        ObjectNode answer = written();
        ObjectNode stored = find(request.path("Key"));
        if ("ALL_NEW".equals(request.path("ReturnValues").asText()) && stored != null) {
            answer.set("Attributes", stored.deepCopy());
        }
        return answer;
    }

    private ObjectNode written() {
        writes++;
        return Json.object();
    }

    private Answer query(JsonNode request) {
        if (request.has("FilterExpression")) {
            return refuse("FilterExpression is not modelled by the priming stand-in");
        }
        Matcher condition = KEY_CONDITION.matcher(request.path("KeyConditionExpression").asText(""));
        if (!condition.matches()) {
            return refuse("KeyConditionExpression not modelled: " + request.path("KeyConditionExpression").asText());
        }
        JsonNode names = request.path("ExpressionAttributeNames");
        JsonNode values = request.path("ExpressionAttributeValues");
        String partitionName = name(condition.group(1), names);
        String partition = values.path(condition.group(2)).path("S").asText();
        String prefix = condition.group(4) == null ? "" : values.path(condition.group(4)).path("S").asText();
        String upTo = condition.group(6) == null ? null : values.path(condition.group(6)).path("S").asText();
        String index = request.path("IndexName").asText(null);
        String sortName = index == null ? Keys.SK : index + "sk";
        if (!partitionName.equals(index == null ? Keys.PK : index + "pk")) {
            return refuse("key condition on " + partitionName + " does not match the key schema");
        }
        if (condition.group(5) != null && !name(condition.group(5), names).equals(sortName)) {
            return refuse("key condition on " + name(condition.group(5), names) + " does not match the key schema");
        }
        Comparator<ObjectNode> order = Comparator.comparing((ObjectNode item) -> text(item, sortName))
                .thenComparing(item -> text(item, Keys.PK)).thenComparing(item -> text(item, Keys.SK));
        List<ObjectNode> matching = new ArrayList<>();
        for (TreeMap<String, ObjectNode> partitionItems : items.values()) {
            for (ObjectNode item : partitionItems.values()) {
                if (partition.equals(text(item, partitionName)) && item.has(sortName)
                        && text(item, sortName).startsWith(prefix)
                        && (upTo == null || text(item, sortName).compareTo(upTo) <= 0)) {
                    matching.add(item);
                }
            }
        }
        matching.sort(request.path("ScanIndexForward").asBoolean(true) ? order : order.reversed());
        JsonNode start = request.path("ExclusiveStartKey");
        if (!start.isMissingNode() && !start.isEmpty()) {
            int after = 0;
            while (after < matching.size() && !sameKey(matching.get(after), start)) {
                after++;
            }
            matching = matching.subList(Math.min(after + 1, matching.size()), matching.size());
        }
        int limit = request.path("Limit").asInt(Integer.MAX_VALUE);
        ObjectNode out = Json.object();
        List<ObjectNode> page = matching.subList(0, Math.min(limit, matching.size()));
        page.forEach(out.putArray("Items")::add);
        out.put("Count", page.size());
        out.put("ScannedCount", page.size());
        if (page.size() < matching.size()) {
            ObjectNode last = page.get(page.size() - 1);
            ObjectNode lastKey = out.putObject("LastEvaluatedKey");
            for (String attribute : new String[]{Keys.PK, Keys.SK, partitionName, sortName}) {
                lastKey.set(attribute, last.get(attribute));
            }
        }
        return ok(out);
    }

    private static boolean sameKey(ObjectNode item, JsonNode key) {
        return text(item, Keys.PK).equals(key.path(Keys.PK).path("S").asText())
                && text(item, Keys.SK).equals(key.path(Keys.SK).path("S").asText());
    }

    private static String name(String token, JsonNode names) {
        return token.startsWith("#") ? names.path(token).asText() : token;
    }

    private ObjectNode find(JsonNode key) {
        var partition = items.get(key.path(Keys.PK).path("S").asText());
        return partition == null ? null : partition.get(key.path(Keys.SK).path("S").asText());
    }

    private void store(ObjectNode item) {
        items.computeIfAbsent(text(item, Keys.PK), pk -> new TreeMap<>()).put(text(item, Keys.SK), item);
    }

    private static String text(ObjectNode item, String attribute) {
        return item.path(attribute).path("S").asText("");
    }

    private static Answer ok(ObjectNode body) {
        return new Answer(200, "application/x-amz-json-1.0", Json.write(body));
    }

    private static Answer refuse(String message) {
        ObjectNode body = Json.object();
        body.put("__type", "com.amazon.coral.validate#ValidationException");
        body.put("message", message);
        return new Answer(400, "application/x-amz-json-1.0", Json.write(body));
    }

    /** An item in DynamoDB's JSON wire form. */
    static ObjectNode toJson(Map<String, AttributeValue> item) {
        ObjectNode out = Json.object();
        item.forEach((name, value) -> out.set(name, toJson(value)));
        return out;
    }

    private static ObjectNode toJson(AttributeValue value) {
        ObjectNode out = Json.object();
        switch (value.type()) {
            case S -> out.put("S", value.s());
            case N -> out.put("N", value.n());
            case BOOL -> out.put("BOOL", value.bool());
            case NUL -> out.put("NULL", true);
            case SS -> value.ss().forEach(out.putArray("SS")::add);
            case L -> {
                ArrayNode list = out.putArray("L");
                value.l().forEach(v -> list.add(toJson(v)));
            }
            case M -> {
                ObjectNode map = out.putObject("M");
                value.m().forEach((k, v) -> map.set(k, toJson(v)));
            }
            default -> throw new IllegalArgumentException("attribute type " + value.type() + " not used by the table model");
        }
        return out;
    }
}
