package io.gatekeep.auditevents;

import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.config.Config;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.OrgSeed;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SnapStart priming of the audit log: nothing written or reached; the primed handler then reads the real log. */
class AuditEventsPrimingTest {

    @Test
    void primingWritesNothingAndThePrimedHandlerReadsTheRealLog() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        AuditEventsHandler primed = PrimingCheck.primeAgainstTable(AuditEventsHandler::new, dynamo, table, "audit-events",
                Map.of(Config.CURSOR_KEY_PARAMETER, "", Config.CURSOR_KEY, "audit-priming-test-key"));
        String org = "org_primed_audit";
        try (DynamoDbClient client = dynamo.client()) {
            new OrgSeed(client, table).ready(org);
            AuditEntry entry = new AuditEntry(org, "audit_primed_1", "connection.activated", Instant.parse("2026-06-01T00:00:00Z"),
                    "workos", "Connection activated.", AuditEntry.Source.WORKOS, "req-1");
            client.putItem(r -> r.tableName(table).item(entry.toItem()));
            var response = primed.handleRequest(ApiEvents.load("audit-events.json").organization(org)
                    .caller("user_admin", org, "admin", "ada@acme.test").build(), LocalContext.of("audit-events"));
            assertEquals(200, response.getStatusCode(), response.getBody());
            assertEquals("audit_primed_1", Json.parse(response.getBody()).get("data").get(0).get("id").asText());
        }
    }

    @Test
    void primingNeedsNoEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(AuditEventsHandler::new, "audit-events");
    }
}
