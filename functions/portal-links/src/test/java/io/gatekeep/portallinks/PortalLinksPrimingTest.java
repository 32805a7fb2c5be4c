package io.gatekeep.portallinks;

import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.OrgSeed;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SnapStart priming of portal links: no write to the table, no call to WorkOS or SSM at
 * checkpoint or restore (WorkOS is the emulator behind a recording proxy), and afterwards the
 * primed handler issues a real link from the emulator and audits it.
 */
class PortalLinksPrimingTest {

    @Test
    void primingCallsNobodyAndThePrimedHandlerIssuesARealLink() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        try (WorkOsEmulator emulator = WorkOsEmulator.start(0); WireTap tap = new WireTap(emulator.baseUrl());
             DynamoDbClient client = dynamo.client()) {
            PortalLinksHandler primed = PrimingCheck.primeAgainstTable(PortalLinksHandler::new, dynamo, table, "portal-links",
                    Map.of(Config.WORKOS_API_BASE_URL, tap.baseUrl(),
                            Config.WORKOS_API_KEY_PARAMETER, "",
                            Config.WORKOS_API_KEY, emulator.apiKey()));
            assertEquals(0, tap.calls().size(), "priming must not call WorkOS");

            String org = emulator.control().createOrganization("Primed Acme").id();
            new OrgSeed(client, table).ready(org);
            var response = primed.handleRequest(ApiEvents.load("portal-links.json").organization(org)
                    .caller("user_admin", org, "admin", "ada@acme.test").body("{\"intent\":\"sso\"}").build(),
                    LocalContext.of("portal-links"));
            assertEquals(201, response.getStatusCode(), response.getBody());
            assertEquals(1, tap.generateLinkCalls().size());
            assertTrue(response.getBody().contains("\"link\":\"http"), response.getBody());
            var audit = client.query(r -> r.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue
                            .fromS(Keys.auditPk(org)))));
            assertEquals(1, audit.count(), "the real link is audited in the real table");
        }
    }

    @Test
    void primingNeedsNoEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(PortalLinksHandler::new, "portal-links");
    }
}
