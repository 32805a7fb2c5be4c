package io.gatekeep.webhooks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SnapStart priming of the webhook: signature, parse and the projection's whole transaction run
 * on the stand-ins, so the table is untouched and SSM (the webhook secret) is never read; after
 * it the primed handler applies a real, signed WorkOS event to the real table.
 */
class WebhookPrimingTest {

    @Test
    void primingWritesNothingAndThePrimedHandlerAppliesARealEvent() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        WebhookHandler primed = PrimingCheck.primeAgainstTable(WebhookHandler::new, dynamo, table, "webhooks",
                Map.of(Config.WORKOS_WEBHOOK_SECRET_PARAMETER, "", Config.WORKOS_WEBHOOK_SECRET, WebhookFixture.SECRET));

        String body = Payloads.event("dsync.user.created").id("event_primed_1").json();
        APIGatewayV2HTTPResponse response = primed.handleRequest(
                WebhookFixture.request(body, WebhookFixture.sign(body)), LocalContext.of("webhooks"));
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("applied", Json.text(Json.parse(response.getBody()), "status"));
        try (DynamoDbClient client = dynamo.client()) {
            assertTrue(PrimingCheck.scan(client, table).stream()
                    .anyMatch(item -> item.get("pk").s().equals("EVENT#event_primed_1")), "the real event is stored");
        }
    }

    @Test
    void primingNeedsNoEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(WebhookHandler::new, "webhooks");
    }
}
