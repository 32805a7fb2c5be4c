package io.gatekeep.testsupport;

import io.gatekeep.localaws.LocalDynamo;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalDynamoTest {
    @Test
    void tableFromTemplateServesRequestsThroughTheSdkOnLoopback() {
        LocalDynamo dynamo = LocalDynamo.shared();
        assertEquals("127.0.0.1", dynamo.endpoint().getHost());
        String table = dynamo.createTable();
        RequestCounter counter = new RequestCounter();
        try (var client = dynamo.client(counter)) {
            var description = client.describeTable(r -> r.tableName(table)).table();
            assertEquals("gsi1", description.globalSecondaryIndexes().getFirst().indexName());
            assertEquals("ttl", client.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription().attributeName());
            client.putItem(r -> r.tableName(table).item(Map.of(
                    "pk", AttributeValue.fromS("ORG#x"), "sk", AttributeValue.fromS("ORG"))));
            var item = client.getItem(r -> r.tableName(table).key(Map.of(
                    "pk", AttributeValue.fromS("ORG#x"), "sk", AttributeValue.fromS("ORG")))).item();
            assertEquals("ORG#x", item.get("pk").s());
        }
        assertEquals(4, counter.total());
        assertEquals(1, counter.count("PutItem"));
    }

    @Test
    void apiEventsAreRealPayloadV2EventsAdjustedPerTest() {
        var event = ApiEvents.load("identity-health.json")
                .organization("org_other")
                .caller("user_1", "org_other", "member", "m@x.test")
                .build();
        assertEquals("GET /organizations/{organizationId}/identity-health", event.getRouteKey());
        assertEquals("/organizations/org_other/identity-health", event.getRawPath());
        assertEquals("org_other", event.getPathParameters().get("organizationId"));
        assertEquals("member", event.getRequestContext().getAuthorizer().getJwt().getClaims().get("role"));
        assertTrue(event.getRequestContext().getHttp().getMethod().equals("GET"));
    }
}
