package io.gatekeep.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.localaws.SamTemplate;
import io.gatekeep.shared.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local API Gateway against a small template of test functions: the events it builds, the
 * responses it writes back, route matching, the JWT authorizer (against the real emulator's JWKS),
 * unavailable functions, function errors and direct invokes.
 */
class LocalApiGatewayTest {
    @TempDir
    static Path dir;
    static WorkOsEmulator emulator;
    static LocalApiGateway gateway;
    static LambdaFunctions functions;
    static TestTokens tokens;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path keyFile = dir.resolve("key.json");
        emulator = WorkOsEmulator.builder().port(0).keyFile(keyFile).start();
        tokens = new TestTokens(keyFile, emulator.issuer(), emulator.clientId());
        SamTemplate template = SamTemplate.load(Path.of(LocalApiGatewayTest.class.getResource("/gateway-template.yaml").toURI()));
        var environment = new FunctionEnvironment(Map.of("Greeting", "hello", "SecretParameter", "test/secret"),
                Map.of("Table", "local-table"), Map.of("WORKOS_API_KEY", "sk_test_local"),
                Map.of("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1"));
        functions = LambdaFunctions.deploy(template, environment, null, Clock.systemUTC());
        var authorizer = new JwtAuthorizer(new URL(emulator.jwksUrl()), emulator.issuer(), List.of(emulator.clientId()), Clock.systemUTC());
        gateway = new LocalApiGateway("127.0.0.1", 0, new RouteTable(template), functions, authorizer, Clock.systemUTC(), System.out);
        gateway.start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        emulator.close();
    }

    static HttpResponse<byte[]> send(String method, String path, String authorization, byte[] body, String... headers) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null && !authorization.isEmpty()) {
            builder.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""), "a JSON answer");
        return Json.parse(new String(response.body(), StandardCharsets.UTF_8));
    }

    static String bearer() throws Exception {
        return "Bearer " + tokens.valid("org_1", "admin");
    }

    @Test
    void anAuthorizedRouteGetsApiGatewaysPayloadV2Event() throws Exception {
        long before = System.currentTimeMillis();
        var response = send("GET", "/orgs/org_1/things/a%20b?x=1&x=2&y=%C3%A9&empty=", bearer(), null,
                "X-Custom", "Value", "Cookie", "a=1; b=2", "User-Agent", "test-agent");
        assertEquals(200, response.statusCode());
        JsonNode body = json(response);
        assertEquals("EchoFunction", body.get("function").asText());
        assertTrue(body.get("remainingMillis").asInt() > 5_000 && body.get("remainingMillis").asInt() <= 7_000,
                "the function's own Timeout (7 s from Globals) bounds the context's deadline");
        JsonNode event = body.get("event");
        assertEquals("2.0", event.get("version").asText());
        assertEquals("GET /orgs/{organizationId}/things/{thingId}", event.get("routeKey").asText());
        assertEquals("/orgs/org_1/things/a%20b", event.get("rawPath").asText());
        assertEquals("x=1&x=2&y=%C3%A9&empty=", event.get("rawQueryString").asText());
        assertEquals(Map.of("organizationId", "org_1", "thingId", "a b"), Json.MAPPER.convertValue(event.get("pathParameters"), Map.class));
        assertEquals(Map.of("x", "1,2", "y", "é", "empty", ""), Json.MAPPER.convertValue(event.get("queryStringParameters"), Map.class));
        JsonNode headers = event.get("headers");
        assertEquals("Value", headers.get("x-custom").asText());
        assertEquals("test-agent", headers.get("user-agent").asText());
        assertTrue(headers.get("authorization").asText().startsWith("Bearer "));
        headers.fieldNames().forEachRemaining(name -> assertEquals(name.toLowerCase(), name, "header names are lower-case"));
        assertFalse(headers.has("cookie"), "cookies move to the cookies array");
        assertEquals(List.of("a=1", "b=2"), Json.MAPPER.convertValue(event.get("cookies"), List.class));
        assertTrue(event.get("body") == null || event.get("body").isNull());
        assertFalse(event.get("isBase64Encoded").asBoolean());

        JsonNode context = event.get("requestContext");
        assertEquals("GET", context.get("http").get("method").asText());
        assertEquals("/orgs/org_1/things/a%20b", context.get("http").get("path").asText());
        assertEquals("127.0.0.1", context.get("http").get("sourceIp").asText());
        assertEquals("test-agent", context.get("http").get("userAgent").asText());
        assertEquals("GET /orgs/{organizationId}/things/{thingId}", context.get("routeKey").asText());
        assertEquals("$default", context.get("stage").asText());
        assertFalse(context.get("requestId").asText().isBlank());
        long epoch = context.get("timeEpoch").asLong();
        assertTrue(epoch >= before && epoch <= System.currentTimeMillis());

        JsonNode claims = context.get("authorizer").get("jwt").get("claims");
        assertEquals("org_1", claims.get("org_id").asText());
        assertEquals("admin", claims.get("role").asText());
        assertEquals("user_test_admin", claims.get("sub").asText());
        assertEquals(emulator.issuer(), claims.get("iss").asText());
        assertEquals(emulator.clientId(), claims.get("aud").asText());
        assertTrue(claims.get("exp").isTextual() && claims.get("exp").asText().matches("\\d{10}"), "claims are strings, as API Gateway passes them");
    }

    @Test
    void claimsThatAreNotStringsArePassedAsApiGatewayFormatsThem() throws Exception {
        String token = tokens.sign(tokens.claims("org_1", "admin")
                .audience(List.of("client_other", emulator.clientId()))
                .claim("groups", List.of("eng", "ops"))
                .claim("mfa", true)
                .claim("level", 3)
                .build());
        JsonNode claims = json(send("GET", "/orgs/org_1/things/t", "Bearer " + token, null))
                .get("event").get("requestContext").get("authorizer").get("jwt").get("claims");
        assertEquals("[client_other " + emulator.clientId() + "]", claims.get("aud").asText());
        assertEquals("[eng ops]", claims.get("groups").asText());
        assertEquals("true", claims.get("mfa").asText());
        assertEquals("3", claims.get("level").asText());
    }

    @Test
    void theMostSpecificRouteWinsAndGreedyPathsTakeTheRest() throws Exception {
        assertEquals("SpecialFunction", json(send("GET", "/orgs/special/things/t1", bearer(), null)).get("function").asText());
        assertEquals("EchoFunction", json(send("GET", "/orgs/other/things/t1", bearer(), null)).get("function").asText());
        JsonNode event = json(send("DELETE", "/any/a/b/c", bearer(), null)).get("event");
        assertEquals("ANY /any/{proxy+}", event.get("routeKey").asText());
        assertEquals("a/b/c", event.get("pathParameters").get("proxy").asText());
        assertEquals("DELETE", event.get("requestContext").get("http").get("method").asText());
    }

    @Test
    void bodiesArriveAsTextOrAsBase64WhenNotUtf8() throws Exception {
        String text = "{\"name\":\"Zoë\",\"n\":1}";
        JsonNode event = json(send("POST", "/echo", bearer(), text.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json")).get("event");
        assertEquals(text, event.get("body").asText());
        assertFalse(event.get("isBase64Encoded").asBoolean());
        assertTrue(event.get("pathParameters") == null || event.get("pathParameters").isNull(), "no path parameters: none in the event");

        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0, 1};
        event = json(send("POST", "/echo", bearer(), binary, "Content-Type", "application/octet-stream")).get("event");
        assertTrue(event.get("isBase64Encoded").asBoolean());
        assertArrayEquals(binary, Base64.getDecoder().decode(event.get("body").asText()));
    }

    @Test
    void theFunctionsResponseIsWrittenBackFaithfully() throws Exception {
        var response = send("GET", "/orgs/org_1/things/t?status=418&cookie=abc", bearer(), null);
        assertEquals(418, response.statusCode());
        assertEquals("yes", response.headers().firstValue("x-echo").orElseThrow());
        assertEquals("session=abc; HttpOnly", response.headers().firstValue("set-cookie").orElseThrow());
        assertTrue(response.headers().firstValue("apigw-requestid").isPresent());

        var binary = send("GET", "/orgs/org_1/things/t?binary=1", bearer(), null);
        assertEquals("application/octet-stream", binary.headers().firstValue("content-type").orElseThrow());
        assertArrayEquals(new byte[]{(byte) 0xff, 0, (byte) 0xfe}, binary.body(), "a base64 body is decoded");
    }

    @Test
    void unmatchedRouteKeysAre404JsonAsHttpApisAnswer() throws Exception {
        for (String[] request : new String[][]{
                {"GET", "/nothing-here"},
                {"DELETE", "/orgs/org_1/things/t"},
                {"GET", "/orgs/org_1/things/t/"},
                {"GET", "/orgs//things/t"},
                {"GET", "/echo"}}) {
            var response = send(request[0], request[1], bearer(), null);
            assertEquals(404, response.statusCode(), request[0] + " " + request[1]);
            assertEquals("not_found", json(response).get("error").asText());
            assertFalse(json(response).get("message").asText().isBlank());
        }
    }

    @Test
    void everyTokenThatApiGatewayRefusesIs401JsonAndTheFunctionDoesNotRun() throws Exception {
        for (List<String> refused : tokens.refused("org_1")) {
            int before = EchoHandler.INVOCATIONS.get();
            var response = send("GET", "/orgs/org_1/things/t", refused.get(1), null);
            assertEquals(401, response.statusCode(), refused.get(0));
            JsonNode body = json(response);
            assertEquals("unauthenticated", body.get("error").asText(), refused.get(0));
            assertFalse(body.get("message").asText().isBlank());
            assertEquals(before, EchoHandler.INVOCATIONS.get(), refused.get(0) + ": the function must not run");
        }
    }

    @Test
    void theTokenMayComeWithOrWithoutTheBearerPrefix() throws Exception {
        String token = tokens.valid("org_1", "member");
        assertEquals(200, send("GET", "/orgs/org_1/things/t", token, null).statusCode());
        assertEquals(200, send("GET", "/orgs/org_1/things/t", "bearer " + token, null).statusCode());
    }

    @Test
    void theEmulatorsDevTokensAreAccepted() throws Exception {
        String token = emulator.control().issueToken("user_1", "org_9", "owner", "o@x.test", 600);
        JsonNode claims = json(send("GET", "/orgs/org_9/things/t", "Bearer " + token, null))
                .get("event").get("requestContext").get("authorizer").get("jwt").get("claims");
        assertEquals("org_9", claims.get("org_id").asText());
        assertEquals("owner", claims.get("role").asText());
    }

    @Test
    void aRouteWithoutTheAuthorizerRunsWithoutAToken() throws Exception {
        var response = send("POST", "/hook", null, "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode());
        JsonNode context = json(response).get("event").get("requestContext");
        assertTrue(context.get("authorizer") == null || context.get("authorizer").isNull());
    }

    @Test
    void aFunctionThatIsNotThereAnswers501AfterTheAuthorizer() throws Exception {
        assertEquals(401, send("GET", "/missing", null, null).statusCode(), "API Gateway authorizes before the integration");
        for (String path : List.of("/missing", "/no-constructor")) {
            var response = send("GET", path, bearer(), null);
            assertEquals(501, response.statusCode(), path);
            assertEquals("not_implemented", json(response).get("error").asText());
        }
        var missing = functions.get("MissingFunction").orElseThrow();
        assertFalse(missing.available());
        assertTrue(missing.unavailableReason().contains("io.gatekeep.local.NotWrittenYetHandler"));
        assertTrue(functions.get("NoConstructorFunction").orElseThrow().unavailableReason().contains("(Config, DynamoDbClient, Clock)"));
    }

    @Test
    void aFunctionErrorIs500InTheApisErrorShape() throws Exception {
        var response = send("GET", "/orgs/org_1/things/t?fail=1", bearer(), null);
        assertEquals(500, response.statusCode());
        assertEquals("internal_error", json(response).get("error").asText());
        assertFalse(new String(response.body(), StandardCharsets.UTF_8).contains("asked to fail"), "no internals leak");
    }

    @Test
    void functionsAreInvokedDirectlyWithAJsonEvent() throws Exception {
        var stream = send("POST", "/_invoke/StreamFunction", null, "{\"action\":\"reconcile\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, stream.statusCode());
        JsonNode result = json(stream);
        assertEquals("StreamFunction", result.get("function").asText());
        assertEquals("reconcile", result.get("received").get("action").asText());

        JsonNode pojo = json(send("POST", "/_invoke/PojoFunction", null, "{\"action\":\"onboard\",\"x\":1}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("onboard", pojo.get("action").asText());
        assertEquals(2, pojo.get("keys").asInt());

        assertEquals(404, send("POST", "/_invoke/NoSuchFunction", null, "{}".getBytes()).statusCode());
        assertEquals(404, send("GET", "/_invoke/StreamFunction", null, null).statusCode());
        var malformed = send("POST", "/_invoke/StreamFunction", null, "{not json".getBytes());
        assertEquals(400, malformed.statusCode());
        assertEquals("invalid_request", json(malformed).get("error").asText());
        var failing = send("POST", "/_invoke/StreamFunction", null, "{\"fail\":true}".getBytes());
        assertEquals(500, failing.statusCode());
        assertEquals("function_error", json(failing).get("error").asText());
        assertEquals(501, send("POST", "/_invoke/MissingFunction", null, "{}".getBytes()).statusCode());
    }

    @Test
    void eachFunctionGetsTheTemplatesEnvironmentWithLocalValuesAndSecretsInsteadOfParameterNames() throws Exception {
        assertEquals(200, send("GET", "/orgs/org_1/things/t", bearer(), null).statusCode());
        var config = EchoHandler.CONFIGS.get("EchoFunction");
        assertEquals("local-table", config.tableName(), "Globals: !Ref Table");
        assertEquals("gatekeep-test", config.require("POWERTOOLS_SERVICE_NAME"));
        assertEquals("hello", config.require("GREETING"), "!Ref of a parameter");
        assertEquals("sk_test_local", config.require("WORKOS_API_KEY"), "X_PARAMETER becomes the direct secret X");
        assertTrue(config.get("WORKOS_API_KEY_PARAMETER").isEmpty(), "no SSM locally");
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/local-table", config.require("TABLE_ARN"));
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/local-table/index/gsi1", config.require("ARN_INDEX"));
        assertEquals("http://127.0.0.1:1", config.require("AWS_ENDPOINT_URL_DYNAMODB"));

        assertEquals(200, send("GET", "/orgs/special/things/t", bearer(), null).statusCode());
        var special = EchoHandler.CONFIGS.get("SpecialFunction");
        assertTrue(special.get("GREETING").isEmpty(), "a function sees only the variables the template gives it");
        assertEquals("local-table", special.tableName());
    }

    @Test
    void theClaimsFormatOfNestedValues() {
        var claims = new JWTClaimsSet.Builder().claim("obj", Map.of("b", 2, "a", List.of("x", "y"))).claim("n", 1.5).build();
        assertEquals(Map.of("obj", "map[a:[x y] b:2]", "n", "1.5"), JwtAuthorizer.stringClaims(claims));
    }
}
