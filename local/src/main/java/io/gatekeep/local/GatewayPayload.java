package io.gatekeep.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * API Gateway's HTTP API payload format 2.0 on both sides of a function: a request on the wire made into
 * the event API Gateway sends (headers, cookies, query, body as text or base64, request context), and the
 * function's response written back as API Gateway writes it. Apart from {@link LocalApiGateway}, which
 * decides who answers (route, authorizer, function, invoke).
 */
final class GatewayPayload {
    private static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private GatewayPayload() {}

    /**
     * The event API Gateway sends for this request, received at {@code now} on {@code port}: {@code claims} are
     * the JWT authorizer's, {@code principal} the IAM authorizer's (null on a route without it).
     */
    static APIGatewayV2HTTPEvent event(HttpExchange exchange, String method, String rawPath, RouteTable.Entry entry,
                                       Map<String, String> pathParameters, Map<String, String> headers, byte[] body,
                                       Map<String, String> claims, IamAuthorizer.Principal principal, Instant now, int port) {
        String rawQuery = exchange.getRequestURI().getRawQuery();
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        Map<String, String> eventHeaders = new TreeMap<>(headers);
        List<String> cookies = null;
        String cookieHeader = eventHeaders.remove("cookie");
        if (cookieHeader != null) {
            cookies = new ArrayList<>();
            for (String c : cookieHeader.split(";")) {
                if (!c.isBlank()) {
                    cookies.add(c.trim());
                }
            }
        }
        eventHeaders.putIfAbsent("x-forwarded-for", sourceIp);
        eventHeaders.putIfAbsent("x-forwarded-port", String.valueOf(port));
        eventHeaders.putIfAbsent("x-forwarded-proto", "http");
        eventHeaders.put("x-amzn-trace-id", "Root=1-" + Long.toHexString(now.getEpochSecond()) + "-" + HexFormat.of().formatHex(randomBytes(12)));

        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method)
                .withPath(rawPath)
                .withProtocol(exchange.getProtocol())
                .withSourceIp(sourceIp)
                .withUserAgent(headers.getOrDefault("user-agent", ""))
                .build();
        var context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withAccountId("000000000000")
                .withApiId("local")
                .withDomainName(headers.getOrDefault("host", "127.0.0.1:" + port))
                .withDomainPrefix("local")
                .withHttp(http)
                .withRequestId(Base64.getEncoder().encodeToString(randomBytes(10)))
                .withRouteKey(entry.routeKey())
                .withStage("$default")
                .withTime(REQUEST_TIME.format(now))
                .withTimeEpoch(now.toEpochMilli())
                .build();
        if (claims != null) {
            context.setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                            .withClaims(new LinkedHashMap<>(claims))
                            .withScopes(null)
                            .build())
                    .build());
        }
        if (principal != null) {
            context.setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM.builder()
                            .withAccessKey(principal.accessKey())
                            .withAccountId(principal.accountId())
                            .withCallerId(principal.userId())
                            .withUserArn(principal.userArn())
                            .withUserId(principal.userId())
                            .build())
                    .build());
        }
        var builder = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(entry.routeKey())
                .withRawPath(rawPath)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withCookies(cookies)
                .withHeaders(eventHeaders)
                .withQueryStringParameters(query(rawQuery))
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withRequestContext(context)
                .withIsBase64Encoded(false);
        if (body.length > 0) {
            String text = utf8(body);
            if (text != null) {
                builder.withBody(text);
            } else {
                builder.withBody(Base64.getEncoder().encodeToString(body)).withIsBase64Encoded(true);
            }
        }
        return builder.build();
    }

    /** Lower-cased names; repeated headers joined with commas, as API Gateway joins them. */
    static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        return headers;
    }

    /** Decoded query parameters; repeated names joined with commas; null when there is no query. */
    static Map<String, String> query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.merge(name, value, (a, b) -> a + "," + b);
        }
        return params.isEmpty() ? null : params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** The request body; null when it is larger than API Gateway takes (10 MiB). */
    static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            return body.length > MAX_BODY_BYTES ? null : body;
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static void write(HttpExchange exchange, String method, APIGatewayV2HTTPResponse response) throws IOException {
        var out = exchange.getResponseHeaders();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> {
                if (value != null) {
                    out.set(name, value);
                }
            });
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(c -> out.add("Set-Cookie", c));
        }
        out.set("apigw-requestid", Base64.getEncoder().encodeToString(randomBytes(10)));
        byte[] body = response.getBody() == null ? new byte[0]
                : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                : response.getBody().getBytes(StandardCharsets.UTF_8);
        int status = response.getStatusCode();
        boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || body.length == 0;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            exchange.getResponseBody().write(body);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
