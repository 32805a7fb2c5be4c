package io.gatekeep.shared.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a handler needs from an API Gateway HTTP API (payload v2) event, read once: path
 * parameters, query, lower-cased headers, the raw body, and the JWT claims that API Gateway's
 * authorizer placed in {@code requestContext.authorizer.jwt.claims} after verifying the token.
 */
public record HttpRequest(
        String method,
        String routeKey,
        String rawPath,
        Map<String, String> pathParameters,
        Map<String, String> query,
        Map<String, String> headers,
        String body,
        Map<String, String> claims,
        String requestId) {

    /** Bodies larger than this are refused before parsing (the webhook limit is the same). */
    public static final int MAX_BODY_BYTES = 1_048_576;

    public static HttpRequest from(APIGatewayV2HTTPEvent event) {
        var ctx = event.getRequestContext();
        String method = ctx != null && ctx.getHttp() != null ? ctx.getHttp().getMethod() : null;
        Map<String, String> headers = new TreeMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        }
        String body = event.getBody();
        if (body != null && event.getIsBase64Encoded()) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        Map<String, String> claims = Map.of();
        if (ctx != null && ctx.getAuthorizer() != null && ctx.getAuthorizer().getJwt() != null
                && ctx.getAuthorizer().getJwt().getClaims() != null) {
            claims = Map.copyOf(ctx.getAuthorizer().getJwt().getClaims());
        }
        return new HttpRequest(
                method == null ? "" : method.toUpperCase(Locale.ROOT),
                event.getRouteKey(),
                event.getRawPath(),
                event.getPathParameters() == null ? Map.of() : Map.copyOf(event.getPathParameters()),
                event.getQueryStringParameters() == null ? Map.of() : Map.copyOf(event.getQueryStringParameters()),
                Map.copyOf(headers),
                body,
                claims,
                ctx != null && ctx.getRequestId() != null ? ctx.getRequestId() : "local");
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public Optional<String> queryParam(String name) {
        String value = query.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Page sizes of the list routes: the contract's {@code limit} 1..100, 25 when absent. */
    public static final int DEFAULT_PAGE_LIMIT = 25;
    public static final int MAX_PAGE_LIMIT = 100;
    private static final java.util.regex.Pattern PAGE_LIMIT = java.util.regex.Pattern.compile("[0-9]{1,3}");

    /** The {@code limit} query parameter of a list route; anything but a whole number 1..100 is a 400. */
    public int pageLimit() {
        String raw = query.get("limit");
        if (raw == null) {
            return DEFAULT_PAGE_LIMIT;
        }
        int limit = PAGE_LIMIT.matcher(raw).matches() ? Integer.parseInt(raw) : -1;
        if (limit < 1 || limit > MAX_PAGE_LIMIT) {
            throw ApiException.invalidRequest("limit must be a whole number from 1 to " + MAX_PAGE_LIMIT + ".");
        }
        return limit;
    }

    /**
     * The body as a JSON object, read by {@link Json#parseObject}: malformed JSON, a duplicate key,
     * anything after the object, or a document that is not an object is a 400 {@code invalid_request}.
     */
    public JsonNode jsonBody() {
        if (body == null || body.isBlank()) {
            throw ApiException.invalidRequest("A JSON object body is required.");
        }
        if (body.length() > MAX_BODY_BYTES) {
            throw new ApiException(413, "payload_too_large", "The body is larger than 1 MiB.");
        }
        try {
            return Json.parseObject(body);
        } catch (Json.NotAnObject e) {
            throw ApiException.invalidRequest("The body must be a JSON object.");
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest("The body is not valid JSON: one object, no duplicate keys, nothing after it.");
        }
    }
}
