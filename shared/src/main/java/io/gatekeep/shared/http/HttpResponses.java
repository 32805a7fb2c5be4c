package io.gatekeep.shared.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.shared.Json;

import java.util.Map;

/** JSON responses in API Gateway's shape. */
public final class HttpResponses {
    private static final Map<String, String> JSON_HEADERS = Map.of(
            "Content-Type", "application/json",
            "Cache-Control", "no-store");

    private HttpResponses() {}

    public static APIGatewayV2HTTPResponse json(int status, Object body) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(JSON_HEADERS)
                .withBody(Json.write(body))
                .withIsBase64Encoded(false)
                .build();
    }

    public static APIGatewayV2HTTPResponse ok(Object body) {
        return json(200, body);
    }

    public static APIGatewayV2HTTPResponse created(Object body) {
        return json(201, body);
    }

    public static APIGatewayV2HTTPResponse error(ApiException e) {
        return json(e.status(), new ErrorBody(e.code(), e.getMessage()));
    }

    public static APIGatewayV2HTTPResponse error(int status, String code, String message) {
        return json(status, new ErrorBody(code, message));
    }
}
