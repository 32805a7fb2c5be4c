package io.gatekeep.orgsettings;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.testsupport.ApiEvents;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;

import static io.gatekeep.orgsettings.OrgSettingsFixture.NOW;
import static io.gatekeep.orgsettings.OrgSettingsFixture.assertError;
import static io.gatekeep.orgsettings.OrgSettingsFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The back office's PUT /internal/.../entitlements through the API Gateway event of an AWS_IAM route (events/). */
class EntitlementsHandlerTest {
    private static final String BACK_OFFICE = "arn:aws:sts::123456789012:assumed-role/gatekeep-back-office/billing-sync";

    private static OrgSettingsFixture fx;

    private String orgId;

    @BeforeAll
    static void startDynamo() {
        fx = new OrgSettingsFixture("entitlements", EntitlementsHandler::new);
    }

    @BeforeEach
    void newOrganization() {
        orgId = fx.newOrganization("org_plan_");
    }

    private ApiEvents.Builder put(String body) {
        return ApiEvents.load("internal-entitlements.json").organization(orgId).requestId("req-plan-1").body(body);
    }

    @Test
    void theExampleEventSetsBothEntitlementsWithItsAuditEntryInOneTransaction() {
        fx.seed.organization(orgId, List.of("it@acme.test"), false);
        fx.counter.reset();
        var response = fx.call(put("{\"sso\": true, \"directorySync\": false}").build());
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(Map.of("organizationId", orgId, "sso", true, "directorySync", false),
                Json.MAPPER.convertValue(json(response), Map.class));
        assertEquals(List.of("TransactWriteItems"), fx.counter.operations());
        Map<String, AttributeValue> item = fx.orgItem(orgId);
        assertEquals(new Entitlements(true, false), Entitlements.fromItem(item));
        assertEquals(List.of("it@acme.test"), Attr.strList(item, "itContacts"), "other attributes survive");
        assertEquals("event_01HCURSOR", Attr.str(item, "eventsCursor"));

        AuditEntry entry = fx.auditEntries(orgId).get(0);
        assertEquals(Entitlements.AUDIT_TYPE, entry.type());
        assertEquals(BACK_OFFICE, entry.actor(), "the IAM principal API Gateway verified is the actor");
        assertEquals("req-plan-1", entry.requestId());
        assertEquals(NOW, entry.occurredAt());
        assertTrue(entry.summary().contains("Single Sign-On included") && entry.summary().contains("Directory Sync not included"),
                entry.summary());
    }

    @Test
    void anOldItemChangesShapeOnceItsPlanIsSet() {
        fx.seed.legacyOrganization(orgId, List.of("it@acme.test"), true);
        assertEquals(new Entitlements(true, true), Entitlements.fromItem(fx.orgItem(orgId)), "the old flag stood for both");
        assertEquals(200, fx.call(put("{\"sso\": false, \"directorySync\": true}").build()).getStatusCode());
        Map<String, AttributeValue> item = fx.orgItem(orgId);
        assertNull(item.get(Entitlements.LEGACY_PLAN_SSO), "the old flag is removed with the write");
        assertEquals(new Entitlements(false, true), Entitlements.fromItem(item));
    }

    @Test
    void aTenantTokenIsNotAnIamPrincipal() {
        fx.seed.organization(orgId, List.of(), false);
        fx.counter.reset();
        // The route behind the wrong authorizer, or a test event: JWT claims of an owner, no IAM identity.
        assertError(fx.call(put("{\"sso\": true, \"directorySync\": true}").caller("user_owner", orgId, "owner", "o@acme.test").build()),
                401, "unauthenticated");
        assertError(fx.call(put("{\"sso\": true, \"directorySync\": true}").claims(null).build()), 401, "unauthenticated");
        assertEquals(0, fx.counter.total());
        assertEquals(new Entitlements(false, false), Entitlements.fromItem(fx.orgItem(orgId)));
        assertEquals(0, fx.auditEntries(orgId).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"sso\": true}", "{\"directorySync\": true}", "{\"sso\": 1, \"directorySync\": true}",
            "{\"sso\": \"true\", \"directorySync\": true}", "{\"sso\": true, \"directorySync\": null}",
            "{\"sso\": true, \"directorySync\": true, \"auditLogs\": true}",
            "{\"sso\": true, \"directorySync\": true}garbage", "{\"sso\": true, \"directorySync\": true} {\"sso\": false}",
            "{\"sso\": true, \"directorySync\": true}}", "{\"sso\": false, \"sso\": true, \"directorySync\": true}",
            "[]", "true", "\"x\"", "null", "", "{not json"})
    void badBodiesAre400InvalidRequestAndWriteNothing(String body) {
        fx.seed.organization(orgId, List.of(), false);
        fx.counter.reset();
        assertError(fx.call(put(body).build()), 400, "invalid_request");
        assertEquals(0, fx.counter.total());
        assertEquals(0, fx.auditEntries(orgId).size());
    }

    @Test
    void anUnknownOrDeletedOrganizationIs404AndNothingIsWritten() {
        assertError(fx.call(put("{\"sso\": true, \"directorySync\": true}").build()), 404, "organization_not_found");
        assertTrue(fx.orgItem(orgId).isEmpty(), "the organization item is never created here");
        fx.seed.deletedOrganization(orgId);
        assertError(fx.call(put("{\"sso\": false, \"directorySync\": false}").build()), 404, "organization_not_found");
        assertEquals(new Entitlements(true, true), Entitlements.fromItem(fx.orgItem(orgId)), "the tombstone is left as it was");
        assertEquals(0, fx.auditEntries(orgId).size());
    }

    @Test
    void anotherRouteIs404() {
        APIGatewayV2HTTPEvent event = put("{\"sso\": true, \"directorySync\": true}").build();
        event.setRouteKey("PUT /organizations/{organizationId}/plan");
        assertError(fx.call(event), 404, "not_found");
    }
}
