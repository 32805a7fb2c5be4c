package io.gatekeep.identityhealth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.config.Config;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.OrgSeed;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SnapStart priming: nothing written, nothing reached, and the primed handler serves as before. */
class IdentityHealthPrimingTest {

    @Test
    void primingWritesNothingAndThePrimedHandlerServesLikeAnUnprimedOne() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        IdentityHealthHandler primed = PrimingCheck.primeAgainstTable(IdentityHealthHandler::new, dynamo, table, "identity-health");

        String org = "org_primed_health";
        try (DynamoDbClient client = dynamo.client()) {
            new OrgSeed(client, table).ready(org).connection(org, "conn_primed", "active").directory(org, "directory_primed", "linked");
            var unprimed = new IdentityHealthHandler(new Config(Map.of(Config.TABLE_NAME, table)), client, Clock.systemUTC());
            APIGatewayV2HTTPResponse expected = unprimed.handleRequest(event(org), LocalContext.of("identity-health"));
            APIGatewayV2HTTPResponse actual = primed.handleRequest(event(org), LocalContext.of("identity-health"));
            assertEquals(200, expected.getStatusCode(), expected.getBody());
            assertEquals(expected.getStatusCode(), actual.getStatusCode());
            assertEquals(withoutAsOf(expected.getBody()), withoutAsOf(actual.getBody()));
        }
    }

    @Test
    void primingNeedsNoEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(IdentityHealthHandler::new, "identity-health");
    }

    /** {@code asOf} is the moment of the answer: the only field two answers in a row differ in. */
    private static String withoutAsOf(String body) {
        return body.replaceAll("\"asOf\":\"[^\"]*\"", "");
    }

    private static com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent event(String org) {
        return ApiEvents.load("identity-health.json").organization(org).caller("user_1", org, "admin", "admin@acme.test").build();
    }
}
