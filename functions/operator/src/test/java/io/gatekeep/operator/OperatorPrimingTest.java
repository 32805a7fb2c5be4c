package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * SnapStart priming of the operator: onboard on the stand-ins, with no write to the table and no
 * connection to WorkOS or SSM (both on a trap) at checkpoint or restore; afterwards the primed
 * handler runs a real replay against the table (nothing dead-lettered: nothing to replay).
 */
class OperatorPrimingTest {

    @Test
    void primingCallsNobodyAndThePrimedHandlerServesARealAction() throws java.io.IOException {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        OperatorHandler primed = PrimingCheck.primeAgainstTable(OperatorHandler::new, dynamo, table, "operator");
        var out = new ByteArrayOutputStream();
        primed.handleRequest(new ByteArrayInputStream("{\"action\": \"replay\", \"actor\": \"ops@example.com\"}"
                .getBytes(StandardCharsets.UTF_8)), out, LocalContext.of("operator"));
        JsonNode report = Json.parse(out.toString(StandardCharsets.UTF_8));
        assertFalse(report.has("error"), report.toString());
        assertEquals("replay", Json.text(report, "action"));
    }

    @Test
    void primingNeedsNoEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(OperatorHandler::new, "operator");
    }
}
