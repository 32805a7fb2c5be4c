package io.gatekeep.adversarial;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatekeep.local.LocalSettings;
import io.gatekeep.local.LocalSystem;
import io.gatekeep.localaws.ProjectFiles;
import io.gatekeep.shared.Json;
import io.gatekeep.testsupport.SigV4;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The system under attack, shared by every adversarial test class in this JVM: {@code bin/run-local}'s
 * {@link LocalSystem} started in-process on free loopback ports (DynamoDB Local, the WorkOS emulator
 * with its demo world, template.yaml's routes served by the real handlers behind the JWT authorizer),
 * reached over HTTP only. Output capture starts before the system does, so {@link SecretsInLogsTest}
 * sees every line of the whole suite. Every secret and credential the suite handles is remembered here.
 */
final class Adversarial {
    static {
        LogCapture.install();
    }

    private static Adversarial instance;

    final LocalSystem system;
    final Path dataDir;
    final String webhookSecret;
    final String cursorKey;
    private final RSAKey signingKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    /** Secrets, tokens and portal links the suite has seen: none may ever reach a log line. */
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();

    private Adversarial(LocalSystem system, Path dataDir) throws Exception {
        this.system = system;
        this.dataDir = dataDir;
        Properties runner = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("runner.properties"))) {
            runner.load(in);
        }
        this.webhookSecret = runner.getProperty("webhookSecret");
        this.cursorKey = runner.getProperty("cursorKey");
        this.signingKey = RSAKey.parse(Files.readString(dataDir.resolve("emulator-key.json")));
        remember(webhookSecret);
        remember(cursorKey);
        remember(system.emulator().apiKey());
        remember(signingKey.getPrivateExponent().toString()); // the private key never appears either
        remember(system.backOfficeCredentials().secretAccessKey());
    }

    static synchronized Adversarial get() throws Exception {
        if (instance == null) {
            Path data = Files.createTempDirectory("gatekeep-adversarial");
            LocalSystem system = LocalSystem.start(LocalSettings.forTest(data.resolve("local-data"), ProjectFiles.root()));
            Runtime.getRuntime().addShutdownHook(new Thread(system::close));
            instance = new Adversarial(system, data.resolve("local-data"));
            instance.prepareAcme();
        }
        return instance;
    }

    /**
     * Acme's IT contact, set the way an owner sets it, and its plan (SSO and Directory Sync), set the way the
     * vendor's back office sets it, so that its admins can open the Admin Portal.
     */
    private void prepareAcme() throws Exception {
        String owner = token(acme(), "owner");
        assertEquals(200, send("PUT", "/organizations/" + acme() + "/it-contacts", owner,
                "{\"emails\":[\"it@acme.com\"]}").status());
        assertEquals(200, setPlan(acme(), true, true).status());
        assertTrue(system.demoLoad().accepted() == system.demoLoad().events(), "the demo world did not load: " + system.demoLoad());
    }

    String acme() {
        return system.demo().acmeOrganizationId();
    }

    String globex() {
        return system.demo().globexOrganizationId();
    }

    void remember(String secret) {
        if (secret != null && secret.length() >= 8) {
            secrets.add(secret);
        }
    }

    Set<String> secrets() {
        return Set.copyOf(secrets);
    }

    // ------------------------------------------------------------------ tokens

    /** A dev token from the emulator (what AuthKit would issue): valid for an hour. */
    String token(String organizationId, String role) {
        String token = system.emulator().control().issueToken("user_adv_" + role, organizationId, role, role + "@adversarial.example", 3600);
        remember(token);
        return token;
    }

    JWTClaimsSet.Builder claims(String organizationId, String role) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(system.emulator().issuer())
                .audience(system.emulator().clientId())
                .subject("user_adv_" + role)
                .claim("org_id", organizationId)
                .claim("role", role)
                .claim("email", role + "@adversarial.example")
                .issueTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(3600)));
    }

    /** Signed with the emulator's own key: valid but for what the claims say. */
    String sign(JWTClaimsSet claims) throws Exception {
        return sign(signingKey, claims);
    }

    String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        String token = jwt.serialize();
        remember(token);
        return token;
    }

    String expired(String organizationId, String role) throws Exception {
        Instant now = Instant.now();
        return sign(claims(organizationId, role).issueTime(Date.from(now.minusSeconds(7200)))
                .expirationTime(Date.from(now.minusSeconds(60))).build());
    }

    String wrongIssuer(String organizationId, String role) throws Exception {
        return sign(claims(organizationId, role).issuer("https://auth.evil.example").build());
    }

    String wrongAudience(String organizationId, String role) throws Exception {
        return sign(claims(organizationId, role).audience("client_someone_else").build());
    }

    /** The right kid and claims, signed by another key. */
    String forged(String organizationId, String role) throws Exception {
        RSAKey other = new RSAKeyGenerator(2048).keyID(signingKey.getKeyID()).generate();
        return sign(other, claims(organizationId, role).build());
    }

    /** {@code alg: none}: the claims of an owner, no signature. */
    String algNone(String organizationId, String role) {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        String payload = Base64URL.encode(claims(organizationId, role).build().toString()).toString();
        String token = header + "." + payload + ".";
        remember(payload);
        return token;
    }

    // ------------------------------------------------------------------ HTTP

    record Response(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            return Json.parse(body);
        }

        String error() {
            try {
                return Json.text(json(), "error");
            } catch (RuntimeException notJson) {
                return null;
            }
        }

        /** The API's error shape: JSON content type, {@code error} and {@code message} strings. */
        boolean isJsonError() {
            if (!headers.getOrDefault("content-type", "").startsWith("application/json")) {
                return false;
            }
            try {
                JsonNode node = json();
                return node.isObject() && node.path("error").isTextual() && !node.path("error").asText().isEmpty()
                        && node.path("message").isTextual();
            } catch (RuntimeException notJson) {
                return false;
            }
        }

        @Override
        public String toString() {
            String b = body.length() > 300 ? body.substring(0, 300) + "..." : body;
            return status + " " + (b.contains("\"link\"") ? "(a portal link)" : b);
        }
    }

    Response send(String method, String pathAndQuery, String bearer, String body) throws Exception {
        return send(method, pathAndQuery, bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    Response send(String method, String pathAndQuery, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(system.apiUrl() + pathAndQuery)).timeout(Duration.ofSeconds(60));
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Map<String, String> h = new TreeMap<>();
        r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
        Response response = new Response(r.statusCode(), h, r.body());
        if (r.statusCode() == 201 && response.body().contains("\"link\"")) {
            String link = Json.text(response.json(), "link");
            remember(link);
            if (link != null) {
                remember(link.substring(link.lastIndexOf('/') + 1)); // the portal token alone
            }
        }
        return response;
    }

    /** The back office's AWS_IAM route: SigV4 with the runner's local back-office key, by the AWS SDK's signer. */
    Response backOffice(String method, String pathAndQuery, String body) throws Exception {
        var key = system.backOfficeCredentials();
        Map<String, String> headers = new TreeMap<>();
        SigV4.headers(method, URI.create(system.apiUrl() + pathAndQuery), body, key.accessKeyId(), key.secretAccessKey(),
                LocalSystem.REGION, Instant.now()).forEach((name, value) -> {
                    // send() adds the Content-Type (application/json, as signed) itself
                    String lower = name.toLowerCase(java.util.Locale.ROOT);
                    if (!SigV4.RESTRICTED.contains(lower) && !lower.equals("content-type")) {
                        headers.put(name, value);
                    }
                });
        return send(method, pathAndQuery, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sets an organization's plan through the back office's route. */
    Response setPlan(String organizationId, boolean sso, boolean directorySync) throws Exception {
        return backOffice("PUT", "/internal/organizations/" + organizationId + "/entitlements",
                "{\"sso\":" + sso + ",\"directorySync\":" + directorySync + "}");
    }

    /** An operator event, invoked as the console does (the local runner's POST /_invoke/OperatorFunction). */
    Response operator(String event) throws Exception {
        return send("POST", "/_invoke/OperatorFunction", Map.of(), event.getBytes(StandardCharsets.UTF_8));
    }

    /** A webhook delivery: the body signed now with the runner's secret, exactly as WorkOS signs it. */
    Response webhook(String body) throws Exception {
        return webhook(body.getBytes(StandardCharsets.UTF_8), signature(webhookSecret, System.currentTimeMillis(),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    Response webhook(byte[] body, String signatureHeader) throws Exception {
        Map<String, String> headers = signatureHeader == null ? Map.of() : Map.of("WorkOS-Signature", signatureHeader);
        return send("POST", "/webhooks/workos", headers, body);
    }

    static String signature(String secret, long timestampMillis, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestampMillis + ".").getBytes(StandardCharsets.UTF_8));
        return "t=" + timestampMillis + ", v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    // ------------------------------------------------------------------ the table

    /** Every item of the table as text, sorted: two scans are equal exactly when nothing was written in between. */
    List<String> scan() {
        List<String> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = system.dynamoClient().scan(ScanRequest.builder().tableName(system.tableName())
                    .consistentRead(true).exclusiveStartKey(start).build());
            page.items().forEach(i -> items.add(new TreeMap<>(i).toString()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        items.sort(null);
        return items;
    }

    /** What {@code after} holds that {@code before} does not, and the other way round (for failure messages). */
    static String diff(List<String> before, List<String> after) {
        List<String> added = new ArrayList<>(after);
        added.removeAll(before);
        List<String> removed = new ArrayList<>(before);
        removed.removeAll(after);
        return "added " + added + ", removed " + removed;
    }
}
