package io.gatekeep.webhooks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.ProjectionCheck;
import io.gatekeep.testsupport.RequestCounter;
import io.gatekeep.testsupport.WebhookEndpoint;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The webhook function as API Gateway runs it: full HTTP API events (events/webhook-workos.json)
 * with a real signature, against a fresh table in DynamoDB Local, every DynamoDB call counted.
 */
final class WebhookFixture {
    static final String SECRET = "whsec_gatekeep_test_primary";
    static final String NEXT_SECRET = "whsec_gatekeep_test_rotated";

    final String table;
    final DynamoDbClient dynamo;
    final RequestCounter calls = new RequestCounter();
    final ApiContract.CheckedHandler handler;
    private final DynamoDbClient reader;

    WebhookFixture(ExecutionInterceptor... extra) {
        this(Clock.systemUTC(), SECRET, extra);
    }

    WebhookFixture(Clock clock, String secrets, ExecutionInterceptor... extra) {
        LocalDynamo local = LocalDynamo.shared();
        table = local.createTable();
        ExecutionInterceptor[] interceptors = new ExecutionInterceptor[extra.length + 1];
        interceptors[0] = calls;
        System.arraycopy(extra, 0, interceptors, 1, extra.length);
        dynamo = local.client(interceptors);
        reader = local.client();
        handler = ApiContract.checked(new WebhookHandler(config(table, secrets), dynamo, clock));
    }

    static Config config(String table, String secrets) {
        return new Config(Map.of(Config.TABLE_NAME, table, Config.WORKOS_WEBHOOK_SECRET, secrets));
    }

    static String sign(String body) {
        return WebhookSignature.sign(SECRET, System.currentTimeMillis(), body.getBytes(StandardCharsets.UTF_8));
    }

    /** Delivers a body signed now with the primary secret. */
    Response deliver(String body) {
        return deliver(body, sign(body));
    }

    Response deliver(Payloads payload) {
        return deliver(payload.json());
    }

    /** Delivers with this WorkOS-Signature header (null: no header at all). */
    Response deliver(String body, String signature) {
        return send(request(body, signature));
    }

    static APIGatewayV2HTTPEvent request(String body, String signature) {
        APIGatewayV2HTTPEvent event = ApiEvents.load("webhook-workos.json")
                .body(body)
                .header("content-length", Integer.toString(body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length))
                .build();
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.remove("workos-signature");
        if (signature != null) {
            headers.put("WorkOS-Signature", signature);
        }
        event.setHeaders(headers);
        return event;
    }

    Response send(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, LocalContext.of("webhooks"));
        return new Response(response.getStatusCode(), Json.parse(response.getBody()));
    }

    /** A webhook endpoint that passes every delivery to the webhook function, as API Gateway would. */
    WebhookEndpoint endpoint() {
        return new WebhookEndpoint((body, signature) -> {
            var response = handler.handleRequest(request(body, signature), LocalContext.of("webhooks"));
            return new WebhookEndpoint.Answer(response.getStatusCode(), response.getBody());
        });
    }

    /** The projection as events built it against WorkOS's state (test-support's {@link ProjectionCheck}). */
    List<String> differences(Snapshot workos, List<StoredEvent> events, String orgId) {
        return ProjectionCheck.differences(reader, table, workos, events, orgId);
    }

    /** The projection's objects against WorkOS's state, as reconcile's snapshot writes build them. */
    List<String> objectDifferences(Snapshot workos, String orgId) {
        return ProjectionCheck.objectDifferences(reader, table, workos, orgId);
    }

    record Response(int status, JsonNode body) {
        String text(String field) {
            return Json.text(body, field);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Map<String, AttributeValue> item(String pk, String sk) {
        Map<String, AttributeValue> item = reader.getItem(r -> r.tableName(table).key(Attr.key(pk, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    Map<String, AttributeValue> org(String orgId) {
        return item(Keys.orgPk(orgId), Keys.ORG_SK);
    }

    List<Map<String, AttributeValue>> partition(String pk) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = reader.query(QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(pk))).consistentRead(true).exclusiveStartKey(start).build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    List<AuditEntry> audit(String orgId) {
        return partition(Keys.auditPk(orgId)).stream().map(AuditEntry::fromItem).toList();
    }

    /** Every item in the table, as text sorted by key: for "nothing was stored" comparisons. */
    List<String> scan() {
        List<String> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = reader.scan(ScanRequest.builder().tableName(table).consistentRead(true).exclusiveStartKey(start).build());
            page.items().forEach(i -> items.add(new java.util.TreeMap<>(i).toString()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        items.sort(null);
        return items;
    }

    static String s(Map<String, AttributeValue> item, String name) {
        return item == null ? null : Attr.str(item, name);
    }

    static long n(Map<String, AttributeValue> item, String name) {
        return item == null ? 0 : Attr.num(item, name, 0);
    }

    static boolean flag(Map<String, AttributeValue> item, String name) {
        return item != null && Attr.flag(item, name);
    }
}
