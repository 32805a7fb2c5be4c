package io.gatekeep.shared.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSM reader against SSM's JSON API played on loopback, its signature checked independently. */
class SsmParameterReaderTest {
    private static final String ACCESS_KEY = "AKID";
    private static final String SECRET_KEY = "test-secret-access-key";
    private static final String REGION = "us-east-1";
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/ssm/aws4_request, "
                    + "SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");

    private FakeSsm ssm;

    @BeforeEach
    void start() throws Exception {
        ssm = new FakeSsm();
    }

    @AfterEach
    void stop() {
        ssm.close();
    }

    private SsmParameterReader reader() {
        return new SsmParameterReader(ssm.endpoint(), REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)),
                UrlConnectionHttpClient.create(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void oneSignedGetParameterPostReturnsTheDecryptedValue() {
        ssm.parameters.put("/gatekeep/cursor-key", "k3y-v@lue with spaces");

        assertEquals("k3y-v@lue with spaces", reader().apply("/gatekeep/cursor-key"));

        List<FakeSsm.Received> requests = ssm.received();
        assertEquals(1, requests.size());
        FakeSsm.Received request = requests.get(0);
        assertEquals("POST", request.method());
        assertEquals("/", request.rawPath());
        assertEquals(null, request.rawQuery());
        assertEquals("AmazonSSM.GetParameter", request.header("X-Amz-Target"));
        assertEquals("application/x-amz-json-1.1", request.header("Content-Type"));
        assertEquals("20250304T050607Z", request.header("X-Amz-Date"));
        assertEquals(null, request.header("X-Amz-Security-Token"), "static credentials have no session token");

        JsonNode body = Json.parse(request.bodyText());
        assertEquals("/gatekeep/cursor-key", body.get("Name").asText());
        assertTrue(body.get("WithDecryption").isBoolean() && body.get("WithDecryption").booleanValue());
        assertEquals(2, body.size(), request.bodyText());

        Matcher auth = AUTHORIZATION.matcher(request.header("Authorization"));
        assertTrue(auth.matches(), request.header("Authorization"));
        assertEquals(ACCESS_KEY, auth.group(1));
        assertEquals("20250304", auth.group(2));
        assertEquals(REGION, auth.group(3));
        List<String> signedHeaders = List.of(auth.group(4).split(";"));
        assertTrue(signedHeaders.containsAll(List.of("host", "x-amz-date", "x-amz-target", "content-type")),
                "the target and the date are signed: " + signedHeaders);
        assertEquals(auth.group(5), signature(request, SECRET_KEY), "SigV4 recomputed from the request as received");
    }

    @Test
    void theIndependentSignatureCheckNoticesAWrongKeyOrAChangedBody() {
        ssm.parameters.put("/p", "v");
        reader().apply("/p");
        FakeSsm.Received request = ssm.received().get(0);
        Matcher auth = AUTHORIZATION.matcher(request.header("Authorization"));
        assertTrue(auth.matches());

        assertNotEquals(auth.group(5), signature(request, "another-secret"));
        var changed = new FakeSsm.Received(request.method(), request.rawPath(), request.rawQuery(), request.headers(),
                request.bodyText().replace("/p", "/q").getBytes(StandardCharsets.UTF_8));
        assertNotEquals(auth.group(5), signature(changed, SECRET_KEY));
    }

    @Test
    void aMissingParameterIsAnErrorNamingParameterAndTypeWithoutAnyValue() {
        ssm.answerNext(400, "{\"__type\":\"com.amazonaws.ssm#ParameterNotFound\",\"message\":\"\"}");

        var e = assertThrows(IllegalStateException.class, () -> reader().apply("/gatekeep/missing"));

        assertTrue(e.getMessage().contains("/gatekeep/missing"), e.getMessage());
        assertTrue(e.getMessage().contains("ParameterNotFound"), e.getMessage());
        assertFalse(e.getMessage().contains("com.amazonaws.ssm#"), e.getMessage());
        assertEquals(1, ssm.received().size(), "a client error is not tried again");
    }

    @Test
    void theFakesOwnNotFoundAndAccessDeniedAreNotRetried() {
        var reader = reader();
        var notFound = assertThrows(IllegalStateException.class, () -> reader.apply("/nope"));
        assertTrue(notFound.getMessage().contains("HTTP 400 ParameterNotFound"), notFound.getMessage());

        ssm.answerNext(400, "{\"__type\":\"AccessDeniedException\",\"Message\":\"User is not authorized to perform: ssm:GetParameter\"}");
        var denied = assertThrows(IllegalStateException.class, () -> reader.apply("/gatekeep/workos-api-key"));
        assertTrue(denied.getMessage().contains("/gatekeep/workos-api-key"), denied.getMessage());
        assertTrue(denied.getMessage().contains("AccessDeniedException"), denied.getMessage());
        assertTrue(denied.getMessage().contains("not authorized"), denied.getMessage());
        assertEquals(2, ssm.received().size());
    }

    @Test
    void anAnswerThatIsNotJsonNeverPutsItsTextInTheException() {
        ssm.answerNext(200, "{\"Parameter\":{\"Value\":\"sk_live_do_not_leak\"");
        var truncated = assertThrows(IllegalStateException.class, () -> reader().apply("/gatekeep/workos-api-key"));
        assertFalse(messages(truncated).contains("sk_live_do_not_leak"), messages(truncated));
        assertTrue(truncated.getMessage().contains("/gatekeep/workos-api-key"));

        ssm.answerNext(200, "{\"Parameter\":{\"Name\":\"/x\"}}");
        var noValue = assertThrows(IllegalStateException.class, () -> reader().apply("/x"));
        assertTrue(noValue.getMessage().contains("no Parameter.Value"), noValue.getMessage());
    }

    @Test
    void throttlingAndServerErrorsAreTriedAgainThreeAttemptsInAll() {
        ssm.parameters.put("/p", "value");
        ssm.answerNext(500, "{\"__type\":\"InternalServerError\"}");
        ssm.answerNext(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");

        assertEquals("value", reader().apply("/p"));
        assertEquals(3, ssm.received().size());
        // Each attempt is signed afresh; all three carry a valid signature.
        for (FakeSsm.Received request : ssm.received()) {
            Matcher auth = AUTHORIZATION.matcher(request.header("Authorization"));
            assertTrue(auth.matches());
            assertEquals(auth.group(5), signature(request, SECRET_KEY));
        }

        ssm.answerNext(503, "");
        ssm.answerNext(503, "");
        ssm.answerNext(503, "");
        var e = assertThrows(IllegalStateException.class, () -> reader().apply("/p"));
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
        assertEquals(6, ssm.received().size(), "three attempts, then the error");
    }

    @Test
    void secretsReadThroughTheReaderAndKeepAValueFiveMinutes() {
        ssm.parameters.put("/gatekeep/webhook-secret", "old-secret, new-secret");
        var clock = new MutableClock(NOW);
        var config = new Config(Map.of(Config.WORKOS_WEBHOOK_SECRET_PARAMETER, "/gatekeep/webhook-secret",
                Config.CURSOR_KEY, "direct-cursor-key"));
        var secrets = new Secrets(config, reader(), clock);

        assertEquals(List.of("old-secret", "new-secret"),
                secrets.getAll(Config.WORKOS_WEBHOOK_SECRET_PARAMETER, Config.WORKOS_WEBHOOK_SECRET));
        assertEquals("direct-cursor-key", secrets.get(Config.CURSOR_KEY_PARAMETER, Config.CURSOR_KEY));
        assertEquals(1, ssm.received().size(), "a direct value is not read from SSM");

        ssm.parameters.put("/gatekeep/webhook-secret", "new-secret");
        clock.advance(Duration.ofMinutes(5));
        assertEquals(List.of("old-secret", "new-secret"),
                secrets.getAll(Config.WORKOS_WEBHOOK_SECRET_PARAMETER, Config.WORKOS_WEBHOOK_SECRET));
        assertEquals(1, ssm.received().size(), "cached for five minutes");

        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of("new-secret"),
                secrets.getAll(Config.WORKOS_WEBHOOK_SECRET_PARAMETER, Config.WORKOS_WEBHOOK_SECRET));
        assertEquals(2, ssm.received().size(), "read again after five minutes");

        ssm.parameters.put("/gatekeep/webhook-secret", "rotated-now");
        secrets.invalidate();
        assertEquals("rotated-now", secrets.get(Config.WORKOS_WEBHOOK_SECRET_PARAMETER, Config.WORKOS_WEBHOOK_SECRET));
        assertEquals(3, ssm.received().size());
    }

    @Test
    void fromSsmFindsRegionAndCredentialsThroughTheSdkChainsAndHonoursTheEndpointOverride() {
        ssm.parameters.put("/gatekeep/cursor-key", "cursor-key-from-ssm");
        var config = new Config(Map.of(Config.CURSOR_KEY_PARAMETER, "/gatekeep/cursor-key",
                Config.AWS_ENDPOINT_URL_SSM, ssm.endpoint().toString()));
        Map<String, String> properties = Map.of("aws.region", "eu-west-1",
                "aws.accessKeyId", "AKIDFROMPROPS", "aws.secretAccessKey", "props-secret");
        Map<String, String> before = new java.util.HashMap<>();
        properties.keySet().forEach(k -> before.put(k, System.getProperty(k)));
        try {
            properties.forEach(System::setProperty);
            var secrets = Secrets.fromSsm(config);
            assertEquals(0, ssm.received().size(), "nothing is read before a secret is asked for");

            assertEquals("cursor-key-from-ssm", secrets.get(Config.CURSOR_KEY_PARAMETER, Config.CURSOR_KEY));
            assertEquals("cursor-key-from-ssm", secrets.get(Config.CURSOR_KEY_PARAMETER, Config.CURSOR_KEY));
            assertEquals(1, ssm.received().size());
            FakeSsm.Received request = ssm.received().get(0);
            Matcher auth = AUTHORIZATION.matcher(request.header("Authorization"));
            assertTrue(auth.matches(), request.header("Authorization"));
            assertEquals("AKIDFROMPROPS", auth.group(1));
            assertEquals("eu-west-1", auth.group(3));
            assertEquals(auth.group(5), signature(request, "props-secret", "eu-west-1"));
        } finally {
            before.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    // --- SigV4, written out from the specification, to check the SDK signer's work ---

    private static String signature(FakeSsm.Received request, String secretKey) {
        return signature(request, secretKey, REGION);
    }

    private static String signature(FakeSsm.Received request, String secretKey, String region) {
        Matcher auth = AUTHORIZATION.matcher(request.header("Authorization"));
        assertTrue(auth.matches());
        String date = auth.group(2);
        String signedHeaders = auth.group(4);
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders.split(";")) {
            String value = request.header(name);
            assertTrue(value != null, "signed header " + name + " arrived");
            canonicalHeaders.append(name).append(':').append(value.trim().replaceAll(" +", " ")).append('\n');
        }
        String canonicalRequest = request.method() + "\n"
                + request.rawPath() + "\n"
                + (request.rawQuery() == null ? "" : request.rawQuery()) + "\n"
                + canonicalHeaders + "\n"
                + signedHeaders + "\n"
                + hex(sha256(request.body()));
        String scope = date + "/" + region + "/ssm/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + request.header("X-Amz-Date") + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, "ssm");
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append('\n');
        }
        return all.toString();
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
