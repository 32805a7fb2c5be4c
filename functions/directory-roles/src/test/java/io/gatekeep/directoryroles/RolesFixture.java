package io.gatekeep.directoryroles;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.RequestCounter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The directory-role functions as API Gateway and the schedule run them, against a fresh table in
 * DynamoDB Local (every call counted), with organizations, directories, groups, users and
 * memberships written through the shared projection exactly as reconcile writes them.
 */
final class RolesFixture {
    static final String CURSOR_KEY = "test-cursor-key-0123456789abcdef";
    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    final String table;
    final DynamoDbClient dynamo;
    final RequestCounter calls = new RequestCounter();
    final Projection projection;
    final Config config;
    final ApiContract.CheckedHandler mappings;
    final ApiContract.CheckedHandler users;
    final RoleJobsHandler jobs;
    final ApiContract.CheckedHandler view;
    private final DynamoDbClient reader;
    private int tick;

    RolesFixture() {
        LocalDynamo local = LocalDynamo.shared();
        table = local.createTable();
        dynamo = local.client(calls);
        reader = local.client();
        config = new Config(Map.of(Config.TABLE_NAME, table, Config.CURSOR_KEY, CURSOR_KEY));
        projection = new Projection(reader, table, Clock.systemUTC());
        mappings = ApiContract.checked(new RoleMappingsHandler(config, dynamo, Clock.systemUTC()));
        users = ApiContract.checked(new DirectoryUsersHandler(config, dynamo, Clock.systemUTC()));
        jobs = new RoleJobsHandler(config, dynamo, Clock.systemUTC());
        view = ApiContract.checked(new RoleMappingsViewHandler(config, dynamo, Clock.systemUTC()));
    }

    private String nextTime() {
        return Times.iso(T0.plusSeconds(++tick));
    }

    void organization(String orgId) {
        projection.upsertOrganization(Json.parse("{\"id\":\"" + orgId + "\",\"name\":\"Org " + orgId + "\",\"updated_at\":\"" + nextTime() + "\"}"));
    }

    void deleteOrganization(String orgId) {
        projection.deleteOrganization(orgId, T0.plusSeconds(100_000));
    }

    void directory(String orgId, String dirId) {
        projection.upsertDirectory(Json.parse("{\"id\":\"" + dirId + "\",\"organization_id\":\"" + orgId
                + "\",\"name\":\"Directory\",\"type\":\"okta scim v2.0\",\"state\":\"linked\",\"updated_at\":\"" + nextTime() + "\"}"));
    }

    void group(String orgId, String dirId, String groupId) {
        group(orgId, dirId, groupId, groupId);
    }

    void group(String orgId, String dirId, String groupId, String name) {
        projection.upsertGroup(Json.parse("{\"id\":\"" + groupId + "\",\"directory_id\":\"" + dirId + "\",\"organization_id\":\""
                + orgId + "\",\"name\":\"" + name + "\",\"updated_at\":\"" + nextTime() + "\"}"));
    }

    void user(String orgId, String dirId, String userId, String... groups) {
        projection.upsertUser(Json.parse("{\"id\":\"" + userId + "\",\"directory_id\":\"" + dirId + "\",\"organization_id\":\""
                + orgId + "\",\"first_name\":\"First " + userId + "\",\"last_name\":\"Last\",\"state\":\"active\","
                + "\"emails\":[{\"primary\":true,\"value\":\"" + userId + "@example.test\"}],\"updated_at\":\"" + nextTime() + "\"}"));
        for (String g : groups) {
            projection.setMembership(dirId, userId, g, true, Instant.parse(nextTime()));
        }
    }

    // ---------------------------------------------------------------- requests

    record Response(int status, JsonNode body) {
        String error() {
            return Json.text(body, "error");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    static Response response(APIGatewayV2HTTPResponse r) {
        return new Response(r.getStatusCode(), Json.parse(r.getBody()));
    }

    ApiEvents.Builder put(String orgId, String body) {
        return ApiEvents.load("role-mappings.json").organization(orgId).body(body);
    }

    Response send(ApiEvents.Builder event) {
        return send(event, LocalContext.of("role-mappings"));
    }

    Response send(ApiEvents.Builder event, Context context) {
        APIGatewayV2HTTPEvent e = event.build();
        APIGatewayV2HTTPResponse r = e.getRouteKey().startsWith("PUT") ? mappings.handleRequest(e, context)
                : e.getRouteKey().contains("/role-mappings") ? view.handleRequest(e, context)
                : users.handleRequest(e, context);
        return response(r);
    }

    ApiEvents.Builder get(String orgId) {
        return ApiEvents.load("role-mappings-get.json").organization(orgId);
    }

    ApiEvents.Builder preview(String orgId, String body) {
        return ApiEvents.load("role-mappings-preview.json").organization(orgId).body(body);
    }

    ApiEvents.Builder list(String orgId) {
        return ApiEvents.load("directory-users.json").organization(orgId).query("role", null).query("limit", null);
    }

    static ApiEvents.Builder as(ApiEvents.Builder event, String orgId, String role) {
        return event.caller("user_01HCALLER", orgId, role, role + "@example.test");
    }

    // ---------------------------------------------------------------- reading the table

    Map<String, AttributeValue> item(String pk, String sk) {
        Map<String, AttributeValue> item = reader.getItem(r -> r.tableName(table).key(Attr.key(pk, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    Map<String, AttributeValue> user(String dirId, String userId) {
        return item(Keys.directoryPk(dirId), Keys.userSk(userId));
    }

    List<AuditEntry> audit(String orgId) {
        List<AuditEntry> entries = new ArrayList<>();
        reader.queryPaginator(QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(orgId)))).build())
                .items().forEach(i -> entries.add(AuditEntry.fromItem(i)));
        return entries;
    }

    /** Every item, as text sorted by key: for "nothing was written" comparisons. */
    List<String> scan() {
        List<String> items = new ArrayList<>();
        reader.scanPaginator(ScanRequest.builder().tableName(table).consistentRead(true).build())
                .items().forEach(i -> items.add(new TreeMap<>(i).toString()));
        items.sort(null);
        return items;
    }
}
