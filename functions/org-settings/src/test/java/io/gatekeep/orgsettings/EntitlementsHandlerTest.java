package io.gatekeep.orgsettings;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.OrgSeed;
import io.gatekeep.testsupport.RequestCounter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The back office's PUT /internal/.../entitlements through the API Gateway event of an AWS_IAM route (events/). */
class EntitlementsHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-23T19:00:00Z");
    private static final String BACK_OFFICE = "arn:aws:sts::123456789012:assumed-role/gatekeep-back-office/billing-sync";
    private static final AtomicInteger ORGS = new AtomicInteger();

    private static String table;
    private static RequestCounter counter;
    private static DynamoDbClient dynamo;
    private static ApiContract.CheckedHandler handler;
    private static OrgSeed seed;

    private String orgId;

    @BeforeAll
    static void startDynamo() {
        LocalDynamo local = LocalDynamo.shared();
        table = local.createTable();
        counter = new RequestCounter();
        dynamo = local.client(counter);
        handler = ApiContract.checked(new EntitlementsHandler(new Config(Map.of(Config.TABLE_NAME, table)), dynamo,
                Clock.fixed(NOW, ZoneOffset.UTC)));
        seed = new OrgSeed(local.client(), table);
    }

    @BeforeEach
    void newOrganization() {
        orgId = "org_plan_" + ORGS.incrementAndGet();
        counter.reset();
    }

    private ApiEvents.Builder put(String body) {
        return ApiEvents.load("internal-entitlements.json").organization(orgId).requestId("req-plan-1").body(body);
    }

    private static APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, LocalContext.of("entitlements"));
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) {
        return Json.parse(response.getBody());
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String code) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(code, json(response).get("error").asText(), response.getBody());
        assertFalse(json(response).get("message").asText().isBlank());
    }

    private Map<String, AttributeValue> orgItem() {
        return dynamo.getItem(r -> r.tableName(table).key(Attr.key(Keys.orgPk(orgId), Keys.ORG_SK))).item();
    }

    private List<AuditEntry> auditEntries() {
        return dynamo.query(r -> r.tableName(table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(orgId)))))
                .items().stream().map(AuditEntry::fromItem).toList();
    }

    @Test
    void theExampleEventSetsBothEntitlementsWithItsAuditEntryInOneTransaction() {
        seed.organization(orgId, List.of("it@acme.test"), false);
        counter.reset();
        var response = call(put("{\"sso\": true, \"directorySync\": false}").build());
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(Map.of("organizationId", orgId, "sso", true, "directorySync", false),
                Json.MAPPER.convertValue(json(response), Map.class));
        assertEquals(List.of("TransactWriteItems"), counter.operations());
        Map<String, AttributeValue> item = orgItem();
        assertEquals(new Entitlements(true, false), Entitlements.fromItem(item));
        assertEquals(List.of("it@acme.test"), Attr.strList(item, "itContacts"), "other attributes survive");
        assertEquals("event_01HCURSOR", Attr.str(item, "eventsCursor"));

        AuditEntry entry = auditEntries().get(0);
        assertEquals(Entitlements.AUDIT_TYPE, entry.type());
        assertEquals(BACK_OFFICE, entry.actor(), "the IAM principal API Gateway verified is the actor");
        assertEquals("req-plan-1", entry.requestId());
        assertEquals(NOW, entry.occurredAt());
        assertTrue(entry.summary().contains("Single Sign-On included") && entry.summary().contains("Directory Sync not included"),
                entry.summary());
    }

    @Test
    void anOldItemChangesShapeOnceItsPlanIsSet() {
        seed.legacyOrganization(orgId, List.of("it@acme.test"), true);
        assertEquals(new Entitlements(true, true), Entitlements.fromItem(orgItem()), "the old flag stood for both");
        assertEquals(200, call(put("{\"sso\": false, \"directorySync\": true}").build()).getStatusCode());
        Map<String, AttributeValue> item = orgItem();
        assertNull(item.get(Entitlements.LEGACY_PLAN_SSO), "the old flag is removed with the write");
        assertEquals(new Entitlements(false, true), Entitlements.fromItem(item));
    }

    @Test
    void aTenantTokenIsNotAnIamPrincipal() {
        seed.organization(orgId, List.of(), false);
        counter.reset();
        // The route behind the wrong authorizer, or a test event: JWT claims of an owner, no IAM identity.
        assertError(call(put("{\"sso\": true, \"directorySync\": true}").caller("user_owner", orgId, "owner", "o@acme.test").build()),
                401, "unauthenticated");
        assertError(call(put("{\"sso\": true, \"directorySync\": true}").claims(null).build()), 401, "unauthenticated");
        assertEquals(0, counter.total());
        assertEquals(new Entitlements(false, false), Entitlements.fromItem(orgItem()));
        assertEquals(0, auditEntries().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"sso\": true}", "{\"directorySync\": true}", "{\"sso\": 1, \"directorySync\": true}",
            "{\"sso\": \"true\", \"directorySync\": true}", "{\"sso\": true, \"directorySync\": null}",
            "{\"sso\": true, \"directorySync\": true, \"auditLogs\": true}",
            "{\"sso\": true, \"directorySync\": true}garbage", "{\"sso\": true, \"directorySync\": true} {\"sso\": false}",
            "{\"sso\": true, \"directorySync\": true}}", "{\"sso\": false, \"sso\": true, \"directorySync\": true}",
            "[]", "true", "\"x\"", "null", "", "{not json"})
    void badBodiesAre400InvalidRequestAndWriteNothing(String body) {
        seed.organization(orgId, List.of(), false);
        counter.reset();
        assertError(call(put(body).build()), 400, "invalid_request");
        assertEquals(0, counter.total());
        assertEquals(0, auditEntries().size());
    }

    @Test
    void anUnknownOrDeletedOrganizationIs404AndNothingIsWritten() {
        assertError(call(put("{\"sso\": true, \"directorySync\": true}").build()), 404, "organization_not_found");
        assertTrue(orgItem().isEmpty(), "the organization item is never created here");
        seed.deletedOrganization(orgId);
        assertError(call(put("{\"sso\": false, \"directorySync\": false}").build()), 404, "organization_not_found");
        assertEquals(new Entitlements(true, true), Entitlements.fromItem(orgItem()), "the tombstone is left as it was");
        assertEquals(0, auditEntries().size());
    }

    @Test
    void anotherRouteIs404() {
        APIGatewayV2HTTPEvent event = put("{\"sso\": true, \"directorySync\": true}").build();
        event.setRouteKey("PUT /organizations/{organizationId}/plan");
        assertError(call(event), 404, "not_found");
    }
}
