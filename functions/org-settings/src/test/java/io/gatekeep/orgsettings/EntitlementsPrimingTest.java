package io.gatekeep.orgsettings;

import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.OrgSeed;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SnapStart priming of the back office's entitlements route: nothing written or reached; the primed handler then sets a real plan. */
class EntitlementsPrimingTest {

    @Test
    void primingWritesNothingAndThePrimedHandlerSetsTheRealPlan() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        EntitlementsHandler primed = PrimingCheck.primeAgainstTable(EntitlementsHandler::new, dynamo, table, "entitlements");
        String org = "org_primed_plan";
        try (DynamoDbClient client = dynamo.client()) {
            new OrgSeed(client, table).ready(org);
            var response = primed.handleRequest(ApiEvents.load("internal-entitlements.json").organization(org)
                    .body("{\"sso\": false, \"directorySync\": true}").build(), LocalContext.of("entitlements"));
            assertEquals(200, response.getStatusCode(), response.getBody());
            var item = client.getItem(r -> r.tableName(table).key(Attr.key(Keys.orgPk(org), Keys.ORG_SK))).item();
            assertEquals(new Entitlements(false, true), Entitlements.fromItem(item));
        }
    }

    @Test
    void primingNeedsNoEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(EntitlementsHandler::new, "entitlements");
    }
}
