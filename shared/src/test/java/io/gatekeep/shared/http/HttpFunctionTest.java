package io.gatekeep.shared.http;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpFunctionTest {

    private static APIGatewayV2HTTPEvent event(String body) {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST /things")
                .withRawPath("/things")
                .withHeaders(Map.of("Authorization", "Bearer secret-token-value"))
                .withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("req-123")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath("/things").build())
                        .build())
                .build();
    }

    private static final Context CONTEXT = new Context() {
        @Override public String getAwsRequestId() { return "aws-req-1"; }
        @Override public String getLogGroupName() { return "g"; }
        @Override public String getLogStreamName() { return "s"; }
        @Override public String getFunctionName() { return "test-fn"; }
        @Override public String getFunctionVersion() { return "1"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:0:function:test-fn"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 10_000; }
        @Override public int getMemoryLimitInMB() { return 512; }
        @Override public LambdaLogger getLogger() { return null; }
    };

    private static String captureStdout(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void apiExceptionsBecomeTheOneErrorShape() {
        var response = HttpFunction.run(event("{}"), CONTEXT, r -> {
            throw ApiException.conflict("it_contact_required", "Add an IT contact first.");
        });
        assertEquals(409, response.getStatusCode());
        JsonNode body = Json.parse(response.getBody());
        assertEquals("it_contact_required", body.get("error").asText());
        assertEquals("Add an IT contact first.", body.get("message").asText());
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
    }

    @Test
    void malformedJsonIsInvalidRequestAndDuplicateKeysAreRefused() {
        var malformed = HttpFunction.run(event("{not json"), null, r -> HttpResponses.ok(r.jsonBody()));
        assertEquals(400, malformed.getStatusCode());
        assertEquals("invalid_request", Json.parse(malformed.getBody()).get("error").asText());
        var duplicate = HttpFunction.run(event("{\"a\":1,\"a\":2}"), null, r -> HttpResponses.ok(r.jsonBody()));
        assertEquals(400, duplicate.getStatusCode());
        var array = HttpFunction.run(event("[1]"), null, r -> HttpResponses.ok(r.jsonBody()));
        assertEquals(400, array.getStatusCode());
    }

    @Test
    void unexpectedFailuresAre500WithoutDetailsAndLogsAreJsonWithoutSecrets() {
        String logs = captureStdout(() -> {
            var response = HttpFunction.run(event("{\"password\":\"hunter2\"}"), CONTEXT, r -> {
                throw new IllegalStateException("boom with hunter2");
            });
            assertEquals(500, response.getStatusCode());
            assertFalse(response.getBody().contains("boom"));
        });
        assertTrue(logs.contains("\"correlation_id\":\"req-123\""), logs);
        assertTrue(logs.contains("\"function_name\":\"test-fn\""), logs);
        for (String line : logs.strip().split("\n")) {
            assertTrue(line.startsWith("{") && line.endsWith("}"), "not a JSON log line: " + line);
            Json.parse(line);
        }
        assertFalse(logs.contains("hunter2"));
        assertFalse(logs.contains("secret-token-value"));
    }
}
