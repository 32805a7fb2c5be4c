package io.gatekeep.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.gatekeep.shared.config.Config;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A test function: answers with the event it got, so a test can see what the local gateway sends. */
public final class EchoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final Map<String, Config> CONFIGS = new ConcurrentHashMap<>();
    static final AtomicInteger INVOCATIONS = new AtomicInteger();

    private final Config config;

    public EchoHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.config = config;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        INVOCATIONS.incrementAndGet();
        CONFIGS.put(context.getFunctionName(), config);
        Map<String, String> query = event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
        if (query.containsKey("fail")) {
            throw new IllegalStateException("asked to fail");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("function", context.getFunctionName());
        body.put("remainingMillis", context.getRemainingTimeInMillis());
        body.put("event", event);
        String json;
        try {
            json = LambdaFunctions.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Echo", "yes");
        var response = APIGatewayV2HTTPResponse.builder()
                .withStatusCode(Integer.parseInt(query.getOrDefault("status", "200")))
                .withHeaders(headers)
                .withCookies(query.containsKey("cookie") ? List.of("session=" + query.get("cookie") + "; HttpOnly") : null)
                .withBody(json)
                .withIsBase64Encoded(false);
        if (query.containsKey("binary")) {
            headers.put("Content-Type", "application/octet-stream");
            response.withBody(Base64.getEncoder().encodeToString(new byte[]{(byte) 0xff, 0, (byte) 0xfe}))
                    .withIsBase64Encoded(true);
        }
        return response.build();
    }
}
