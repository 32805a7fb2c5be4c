package io.gatekeep.orgsettings;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.OrgSeed;
import io.gatekeep.testsupport.RequestCounter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * One of this module's functions (IT contacts, or the back office's entitlements) as API Gateway runs it, its
 * responses checked against the API contract, at a fixed time, against a fresh table in DynamoDB Local with every
 * call it makes counted; organizations are seeded with {@link OrgSeed}, and the tests read back an organization's
 * item and audit entries. {@link OrgSettingsHandlerTest} and {@link EntitlementsHandlerTest} test their routes the
 * same way, so the set-up and the reading back live here once.
 */
final class OrgSettingsFixture {
    static final Instant NOW = Instant.parse("2026-11-23T19:00:00Z");

    /** How a function is built in these tests: the constructor both handlers have. */
    interface HandlerConstructor {
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> construct(Config config, DynamoDbClient dynamo, Clock clock);
    }

    final String table;
    /** Counts the calls made through {@link #dynamo}: the function's, and the reading back's (not the seed's). */
    final RequestCounter counter = new RequestCounter();
    final DynamoDbClient dynamo;
    final OrgSeed seed;
    private final String function;
    private final ApiContract.CheckedHandler handler;
    private int organizations;

    /** {@code function}: the name the Lambda context gives. */
    OrgSettingsFixture(String function, HandlerConstructor constructor) {
        LocalDynamo local = LocalDynamo.shared();
        table = local.createTable();
        dynamo = local.client(counter);
        this.function = function;
        handler = ApiContract.checked(constructor.construct(new Config(Map.of(Config.TABLE_NAME, table)), dynamo,
                Clock.fixed(NOW, ZoneOffset.UTC)));
        seed = new OrgSeed(local.client(), table);
    }

    /** Where each test starts: an organization id not used before in this table ({@code prefix} and a number), no calls counted. */
    String newOrganization(String prefix) {
        counter.reset();
        return prefix + ++organizations;
    }

    APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, LocalContext.of(function));
    }

    Map<String, AttributeValue> orgItem(String orgId) {
        return dynamo.getItem(r -> r.tableName(table).key(Attr.key(Keys.orgPk(orgId), Keys.ORG_SK))).item();
    }

    List<AuditEntry> auditEntries(String orgId) {
        return dynamo.query(r -> r.tableName(table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(orgId)))))
                .items().stream().map(AuditEntry::fromItem).toList();
    }

    static JsonNode json(APIGatewayV2HTTPResponse response) {
        return Json.parse(response.getBody());
    }

    /** An error response: its status, its {@code error} code and a message that says something. */
    static void assertError(APIGatewayV2HTTPResponse response, int status, String code) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(code, json(response).get("error").asText(), response.getBody());
        assertFalse(json(response).get("message").asText().isBlank());
    }
}
