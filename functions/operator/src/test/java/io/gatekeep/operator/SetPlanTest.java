package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.OrgSeed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's set-plan: the vendor sets both entitlements, audited with the operator as actor. */
class SetPlanTest {
    private static final String ORG = "org_01HACME000000000000000000";
    private static OperatorFixture fx;

    @BeforeAll
    static void start() {
        fx = OperatorFixture.start();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static Map<String, AttributeValue> orgItem() {
        return fx.dynamo.getItem(r -> r.tableName(fx.table).key(Attr.key(Keys.orgPk(ORG), Keys.ORG_SK))).item();
    }

    private static List<AuditEntry> audit() {
        return fx.dynamo.query(r -> r.tableName(fx.table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(ORG)))))
                .items().stream().map(AuditEntry::fromItem).toList();
    }

    @Test
    void theExampleEventSetsThePlanOfAnOldItemAndAuditsTheOperator() {
        new OrgSeed(fx.dynamo, fx.table).legacyOrganization(ORG, List.of("it@acme.test"), false);
        int before = audit().size();

        JsonNode report = fx.invoke(OperatorFixture.eventFile("operator-set-plan.json"));

        assertEquals("set-plan", report.path("action").asText(), report.toString());
        assertTrue(report.at("/plan/sso").asBoolean());
        assertFalse(report.at("/plan/directorySync").asBoolean());
        Map<String, AttributeValue> item = orgItem();
        assertEquals(new Entitlements(true, false), Entitlements.fromItem(item));
        assertFalse(item.containsKey(Entitlements.LEGACY_PLAN_SSO), "the old flag goes with the first write");
        assertEquals(List.of("it@acme.test"), Attr.strList(item, "itContacts"));
        List<AuditEntry> audit = audit();
        assertEquals(before + 1, audit.size());
        AuditEntry entry = audit.getLast();
        assertEquals(Entitlements.AUDIT_TYPE, entry.type());
        assertEquals("ops@vendor.example", entry.actor());
        assertEquals(AuditEntry.Source.GATEKEEP, entry.source());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"action\": \"set-plan\", \"organizationId\": \"" + ORG + "\", \"sso\": true}",
            "{\"action\": \"set-plan\", \"organizationId\": \"" + ORG + "\", \"sso\": \"yes\", \"directorySync\": true}",
            "{\"action\": \"set-plan\", \"organizationId\": \"" + ORG + "\", \"sso\": true, \"directorySync\": true, \"auditLogs\": true}",
            "{\"action\": \"set-plan\", \"sso\": true, \"directorySync\": true}",
            "{\"action\": \"set-plan\", \"organizationId\": \"" + ORG + "\", \"sso\": true, \"directorySync\": true}garbage",
            "{\"action\": \"set-plan\", \"organizationId\": \"" + ORG + "\", \"sso\": true, \"directorySync\": true} {\"action\": \"replay\"}",
            "{\"action\": \"set-plan\", \"organizationId\": \"" + ORG + "\", \"sso\": false, \"sso\": true, \"directorySync\": true}",
            "[{\"action\": \"set-plan\"}]",
    })
    void aBadEventIsRefusedAndWritesNothing(String event) {
        new OrgSeed(fx.dynamo, fx.table).organization(ORG, List.of("it@acme.test"), false);
        int before = audit().size();
        JsonNode result = fx.invoke(event);
        assertEquals("invalid_request", result.path("error").asText(), result.toString());
        assertEquals(Entitlements.NONE, Entitlements.fromItem(orgItem()));
        assertEquals(before, audit().size());
    }
}
