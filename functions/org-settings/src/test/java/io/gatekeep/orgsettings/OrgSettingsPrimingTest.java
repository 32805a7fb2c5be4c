package io.gatekeep.orgsettings;

import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.OrgSeed;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SnapStart priming of org settings: nothing written or reached; the primed handler then updates the real item. */
class OrgSettingsPrimingTest {

    @Test
    void primingWritesNothingAndThePrimedHandlerUpdatesTheRealItem() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        OrgSettingsHandler primed = PrimingCheck.primeAgainstTable(OrgSettingsHandler::new, dynamo, table, "org-settings");
        String org = "org_primed_settings";
        try (DynamoDbClient client = dynamo.client()) {
            new OrgSeed(client, table).ready(org);
            var response = primed.handleRequest(ApiEvents.load("it-contacts.json").organization(org)
                    .caller("user_admin", org, "admin", "ada@acme.test").body("{\"emails\": [\"sec@acme.test\"]}").build(),
                    LocalContext.of("org-settings"));
            assertEquals(200, response.getStatusCode(), response.getBody());
            var item = client.getItem(r -> r.tableName(table).key(Attr.key(Keys.orgPk(org), Keys.ORG_SK))).item();
            assertEquals(List.of("sec@acme.test"), Attr.strList(item, "itContacts"));
        }
    }

    @Test
    void primingNeedsNoEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(OrgSettingsHandler::new, "org-settings");
    }
}
