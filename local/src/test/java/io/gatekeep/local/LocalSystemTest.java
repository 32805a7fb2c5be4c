package io.gatekeep.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.testkit.ProjectFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole local system in-process on free ports, from the real template.yaml: DynamoDB Local, the
 * WorkOS emulator with its demo world, and the real handlers behind the template's routes.
 */
class LocalSystemTest {
    @TempDir
    static Path data;
    static LocalSystem system;
    static TestTokens tokens;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        system = LocalSystem.start(LocalSettings.forTest(data.resolve("local-data"), ProjectFiles.root()));
        tokens = new TestTokens(data.resolve("local-data/emulator-key.json"), system.emulator().issuer(), system.emulator().clientId());
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    static HttpResponse<String> get(LocalSystem on, String path, String authorization) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(on.apiUrl() + path)).GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) {
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        return Json.parse(response.body());
    }

    boolean webhooksAvailable() {
        return system.functions().get("WebhooksFunction").orElseThrow().available();
    }

    @Test
    void everythingListensOnLoopbackOnly() {
        assertEquals("127.0.0.1", system.apiUrl().getHost());
        assertEquals("127.0.0.1", URI.create(system.emulator().baseUrl()).getHost());
        assertEquals("127.0.0.1", system.dynamo().endpoint().getHost());
    }

    @Test
    void theTableIsMadeFromTheTemplate() {
        var table = system.dynamoClient().describeTable(r -> r.tableName(system.tableName())).table();
        assertEquals("gsi1", table.globalSecondaryIndexes().getFirst().indexName());
    }

    @Test
    void identityHealthOfADemoOrganizationThroughTheTemplatesRouteWithADevToken() throws Exception {
        String acme = system.demo().acmeOrganizationId();
        var response = get(system, "/organizations/" + acme + "/identity-health", "Bearer " + system.token("Acme", "admin").token());
        JsonNode body = json(response);
        if (webhooksAvailable()) {
            // The projection learnt the demo world from its signed webhooks: health reads it from DynamoDB Local.
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(acme, body.get("organizationId").asText());
            assertEquals(List.of("acme.com"), Json.MAPPER.convertValue(body.get("domains").get("verified"), List.class));
            assertEquals("active", body.get("sso").get("status").asText());
            assertEquals(200, body.get("directorySync").get("users").asInt());
            assertEquals(system.demoLoad().events(), system.demoLoad().accepted(), system.demoLoad().toString());
        } else {
            // Until the webhook function lands the table holds no organization: the real handler read it and said so.
            assertEquals(404, response.statusCode(), response.body());
            assertEquals("organization_not_found", body.get("error").asText());
            assertEquals(0, system.demoLoad().accepted());
        }
    }

    @Test
    void aMemberOfAnotherOrganizationIsForbidden() throws Exception {
        var response = get(system, "/organizations/" + system.demo().acmeOrganizationId() + "/identity-health",
                "Bearer " + system.token("Globex", "admin").token());
        assertEquals(403, response.statusCode(), response.body());
        assertEquals("forbidden", json(response).get("error").asText());
    }

    @Test
    void everyRefusedTokenIs401Json() throws Exception {
        String path = "/organizations/" + system.demo().acmeOrganizationId() + "/identity-health";
        for (List<String> refused : tokens.refused(system.demo().acmeOrganizationId())) {
            var response = get(system, path, refused.get(1).isEmpty() ? null : refused.get(1));
            assertEquals(401, response.statusCode(), refused.get(0));
            assertEquals("unauthenticated", json(response).get("error").asText(), refused.get(0));
        }
    }

    @Test
    void unknownRoutesAre404Json() throws Exception {
        String token = "Bearer " + system.token("Acme", "admin").token();
        for (String path : List.of("/", "/organizations", "/organizations/x/unknown", "/identity-health")) {
            var response = get(system, path, token);
            assertEquals(404, response.statusCode(), path);
            assertEquals("not_found", json(response).get("error").asText(), path);
        }
        var wrongMethod = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl() + "/organizations/x/identity-health"))
                .DELETE().header("Authorization", token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, wrongMethod.statusCode());
    }

    @Test
    void everyTemplateRouteIsServedAndOnlyTheWebhookGoesWithoutAToken() throws Exception {
        for (var entry : system.routes().entries()) {
            String path = entry.route().path().replace("{organizationId}", system.demo().acmeOrganizationId());
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl() + path))
                            .method(entry.route().method(), HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String error = json(response).path("error").asText();
            if (entry.route().path().equals(TemplateCheck.WEBHOOK_PATH)) {
                assertNotEquals(401, response.statusCode(), "WorkOS sends no JWT");
                assertTrue(error.equals("invalid_signature") || error.equals("not_implemented"), response.body());
            } else {
                assertEquals(401, response.statusCode(), entry.routeKey());
                assertEquals("unauthenticated", error);
            }
        }
    }

    @Test
    void theOperatorFunctionIsInvokedWithAJsonEvent() throws Exception {
        var operator = system.functions().get("OperatorFunction").orElseThrow();
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl() + "/_invoke/OperatorFunction"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"no-such-action\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (operator.available()) {
            assertTrue(response.statusCode() == 200 || response.statusCode() == 500, response.body());
            Json.parse(response.body());
        } else {
            assertEquals(501, response.statusCode());
            assertEquals("not_implemented", json(response).get("error").asText());
        }
    }

    @Test
    void theBannerSaysWhereEverythingIsWithATokenPerOrganizationAndRole() {
        var out = new ByteArrayOutputStream();
        system.printBanner(new PrintStream(out, true, StandardCharsets.UTF_8));
        String banner = out.toString(StandardCharsets.UTF_8);
        assertTrue(banner.contains(system.apiUrl().toString()));
        assertTrue(banner.contains(system.emulator().baseUrl()));
        assertTrue(banner.contains(system.dynamo().endpoint().toString()));
        assertTrue(banner.contains("table " + system.tableName()));
        assertEquals(9, system.tokens().size());
        for (var t : system.tokens()) {
            assertTrue(banner.contains(t.token()), t.organizationName() + " " + t.role());
        }
        assertTrue(banner.contains("curl -s -H \"Authorization: Bearer $TOKEN\" " + system.apiUrl() + "/organizations/"
                + system.demo().acmeOrganizationId() + "/identity-health"));
    }

    static String webhookSecret(Path dataDir) throws Exception {
        var properties = new java.util.Properties();
        try (var in = Files.newInputStream(dataDir.resolve("runner.properties"))) {
            properties.load(in);
        }
        return properties.getProperty("webhookSecret");
    }

    @Test
    void aRestartOnTheSameDataKeepsTheDemoWorldsIdsAndTheTokens() throws Exception {
        Path other = data.resolve("restart");
        String firstToken;
        String acme;
        String secret;
        // The issuer is the emulator's URL: a restart keeps its port, as bin/run-local does (EMULATOR_PORT).
        int emulatorPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            emulatorPort = socket.getLocalPort();
        }
        var settings = LocalSettings.forTest(other, ProjectFiles.root());
        var fresh = new LocalSettings(0, emulatorPort, 0, settings.dataDir(), true, settings.tableName(), settings.logLevel(),
                settings.portalRedirectAllowedHosts(), 0, 4000, 12, settings.projectRoot());
        try (LocalSystem first = LocalSystem.start(fresh)) {
            firstToken = first.token("Acme", "owner").token();
            acme = first.demo().acmeOrganizationId();
            secret = webhookSecret(other);
        }
        var keep = new LocalSettings(0, emulatorPort, 0, settings.dataDir(), false, settings.tableName(), settings.logLevel(),
                settings.portalRedirectAllowedHosts(), 0, 4000, 12, settings.projectRoot());
        try (LocalSystem second = LocalSystem.start(keep)) {
            assertEquals(acme, second.demo().acmeOrganizationId(), "the same demo world, so the table's ids still match");
            assertTrue(second.warnings().stream().noneMatch(w -> w.contains("did not come back")), second.warnings().toString());
            var response = get(second, "/organizations/" + acme + "/identity-health", "Bearer " + firstToken);
            assertNotEquals(401, response.statusCode(), "a token from the first run still verifies: the key persisted");
            if (webhooksAvailable()) {
                assertTrue(second.demoLoad().alreadyLoaded());
                assertEquals(200, response.statusCode(), response.body());
            }
        }
        try (LocalSystem cleaned = LocalSystem.start(LocalSettings.forTest(other, ProjectFiles.root()))) {
            assertNotEquals(acme, cleaned.demo().acmeOrganizationId(), "--clean starts a new world");
            assertNotEquals(secret, webhookSecret(other), "and new local secrets");
        }
    }
}
