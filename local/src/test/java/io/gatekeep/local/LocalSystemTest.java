package io.gatekeep.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.ProjectFiles;
import io.gatekeep.shared.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole local system in-process on free ports, from the real template.yaml: DynamoDB Local, the
 * WorkOS emulator with its demo world, and the real handlers behind the template's routes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalSystemTest {
    @TempDir
    static Path data;
    static LocalSystem system;
    static TestTokens tokens;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static int emulatorPort;
    static String startConsole;

    /** Writes to the console and keeps a copy. */
    static final class Tee extends OutputStream {
        private final OutputStream console;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream console, ByteArrayOutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            console.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            console.write(b, off, len);
            synchronized (copy) {
                copy.write(b, off, len);
            }
        }
    }

    /** Runs {@code work} with System.out (where the functions' and DynamoDB Local's Log4j lines would go) copied. */
    static String console(ThrowingRunnable work) throws Exception {
        var copy = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(new Tee(original, copy), true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setOut(original);
        }
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @BeforeAll
    static void start() throws Exception {
        // The issuer is the emulator's URL: the restart (the last test) keeps its port, as bin/run-local does.
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            emulatorPort = socket.getLocalPort();
        }
        // What reaches the console before the banner (Log4j's console appender follows System.out).
        startConsole = console(() -> system = LocalSystem.start(settings(true)));
        tokens = new TestTokens(data.resolve("local-data/emulator-key.json"), system.emulator().issuer(), system.emulator().clientId());
    }

    static LocalSettings settings(boolean clean) {
        var defaults = LocalSettings.forTest(data.resolve("local-data"), ProjectFiles.root());
        return new LocalSettings(0, emulatorPort, 0, defaults.dataDir(), clean, defaults.tableName(), defaults.logLevel(),
                defaults.portalRedirectAllowedHosts(), 0, 4000, 12, defaults.projectRoot(), defaults.awsEndpoints());
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
        // The projection learnt the demo world from its signed webhooks: health reads it from DynamoDB Local.
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(acme, body.get("organizationId").asText());
        assertEquals(List.of("acme.com"), Json.MAPPER.convertValue(body.get("domains").get("verified"), List.class));
        assertEquals("active", body.get("sso").get("status").asText());
        assertEquals(system.demo().acmeConnectionId(), body.get("sso").get("primaryConnection").get("id").asText());
        assertEquals(200, body.get("directorySync").get("users").asInt());
        // Fully set up: the operator's onboard gave it an IT contact and an SSO plan, so nothing blocks setup.
        assertEquals(1, body.get("itContacts").asInt());
        assertTrue(body.get("plan").get("sso").asBoolean());
        assertTrue(body.get("plan").get("directorySync").asBoolean());
        assertEquals(0, body.get("sso").get("blockers").size(), body.toString());
        assertEquals(system.demoLoad().events(), system.demoLoad().accepted(), system.demoLoad().toString());
        assertTrue(system.demoLoad().events() > 300, "the whole demo world: " + system.demoLoad());
    }

    static HttpResponse<String> emulatorPost(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(system.emulator().baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Signs someone in through the emulator's control API; the events reach the system as signed webhooks. */
    static void signIn(String connectionId, String json) throws Exception {
        var r = emulatorPost("/_emulator/connections/" + connectionId + "/sign_ins", json);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(system.emulator().control().awaitDeliveries(java.time.Duration.ofSeconds(20)), "webhooks delivered");
    }

    /**
     * The issue's walk: a connection becomes active, an admin's test sign-in, health says only the admin path
     * is tested, a member signs in, both proven; a failed sign-in ("Audience mismatch") shows the guide's fix.
     */
    @Test
    void signInsThroughTheEmulatorProveSsoForAnAdminThenAMemberAndAFailureShowsItsFix() throws Exception {
        var made = Json.parse(emulatorPost("/_emulator/organizations",
                "{\"name\":\"Umbrella\",\"domains\":[{\"domain\":\"umbrella.test\",\"state\":\"verified\"}]}").body());
        String org = made.get("id").asText();
        var conn = Json.parse(emulatorPost("/_emulator/connections", "{\"organization_id\":\"" + org
                + "\",\"connection_type\":\"OktaSAML\",\"name\":\"Umbrella Okta\",\"state\":\"validating\"}").body());
        String connectionId = conn.get("id").asText();
        assertEquals(200, emulatorPost("/_emulator/connections/" + connectionId + "/state", "{\"state\":\"active\"}").statusCode());
        assertTrue(system.emulator().control().awaitDeliveries(java.time.Duration.ofSeconds(20)));
        String token = "Bearer " + system.emulator().control().issueToken("user_walk", org, "member", "walk@umbrella.test", 600);
        java.util.function.Supplier<JsonNode> sso = () -> {
            try {
                var r = get(system, "/organizations/" + org + "/identity-health", token);
                assertEquals(200, r.statusCode(), r.body());
                return json(r).get("sso");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        JsonNode health = sso.get();
        assertEquals(connectionId, health.at("/signIns/0/connectionId").asText(), health.toString());
        assertFalse(health.at("/signInTest/done").asBoolean());
        assertEquals("Test sign-in as an admin and as a member", health.at("/signInTest/label").asText());

        signIn(connectionId, "{\"email\":\"ada@umbrella.test\",\"role\":\"admin\"}");
        health = sso.get();
        assertEquals("ada@umbrella.test", health.at("/signIns/0/testedByRole/admin/email").asText(), health.toString());
        assertTrue(health.at("/signIns/0/testedByRole/member").isNull(), health.toString());
        assertFalse(health.at("/signIns/0/proven").asBoolean());
        assertEquals("sign_in_tested_for_one_role", health.at("/warnings/0/code").asText(), health.toString());
        assertTrue(health.at("/warnings/0/message").asText().startsWith("Only an admin has signed in through Umbrella Okta"));

        signIn(connectionId, "{\"email\":\"bob@umbrella.test\",\"role\":\"member\"}");
        health = sso.get();
        assertEquals("bob@umbrella.test", health.at("/signIns/0/testedByRole/member/email").asText(), health.toString());
        assertTrue(health.at("/signIns/0/proven").asBoolean());
        assertTrue(health.at("/signInTest/done").asBoolean());
        assertEquals(0, health.get("warnings").size(), health.toString());

        signIn(connectionId, "{\"email\":\"cy@umbrella.test\",\"outcome\":\"failed\",\"reason\":\"audience_mismatch\"}");
        health = sso.get();
        JsonNode failure = health.at("/signIns/0/lastFailure");
        assertEquals("cy@umbrella.test", failure.get("email").asText(), health.toString());
        assertEquals("saml_audience_mismatch", failure.get("code").asText());
        assertEquals("SAML Audience mismatch", failure.at("/nextStep/problem").asText());
        assertEquals("Choose Manage SSO, then copy the exact SP Entity ID from the connection in the Admin Portal; paste it into your identity provider's audience/entity field.", failure.at("/nextStep/fix").asText());
        assertTrue(health.at("/signIns/0/proven").asBoolean(), "a failure after both proofs does not unprove them");
    }

    /** Every failure reason the emulator offers names the troubleshooting guide's row for it. */
    @Test
    void everyEmulatedFailureReasonMapsToItsGuideRow() throws Exception {
        var guide = io.gatekeep.shared.guide.Guide.load();
        String org = Json.parse(emulatorPost("/_emulator/organizations", "{\"name\":\"Hooli\"}").body()).get("id").asText();
        String connectionId = Json.parse(emulatorPost("/_emulator/connections", "{\"organization_id\":\"" + org
                + "\",\"connection_type\":\"OktaSAML\",\"state\":\"active\"}").body()).get("id").asText();
        var expected = java.util.Map.of("recipient_mismatch", "SAML Recipient mismatch",
                "audience_mismatch", "SAML Audience mismatch", "signature_invalid", "SAML Signature invalid",
                "response_expired", "SAML Response expired", "nameid_missing", "SAML NameID missing",
                "redirect_uri_mismatch", "OAuth redirect_uri_mismatch", "invalid_client", "OAuth invalid_client");
        for (var e : expected.entrySet()) {
            var r = emulatorPost("/_emulator/connections/" + connectionId + "/sign_ins",
                    "{\"email\":\"x@hooli.test\",\"outcome\":\"failed\",\"reason\":\"" + e.getKey() + "\"}");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode error = Json.parse(r.body()).at("/events/0/data/error");
            var step = guide.signInFailureStep(error.get("code").asText(), error.get("message").asText(), "OktaSAML");
            assertEquals(e.getValue(), step == null ? null : step.problem(), e.getKey() + ": " + error);
        }
        assertTrue(system.emulator().control().awaitDeliveries(java.time.Duration.ofSeconds(20)));
    }

    static HttpResponse<String> putEntitlements(String organizationId, String body, java.util.Map<String, String> headers)
            throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(system.apiUrl() + "/internal/organizations/" + organizationId + "/entitlements"))
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach((name, value) -> {
            if (!io.gatekeep.testsupport.SigV4.RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                builder.header(name, value);
            }
        });
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The AWS_IAM route: a SigV4 signature with the local back-office key admits it; a tenant's token does not. */
    @Test
    void theBackOfficeRouteTakesSigV4NotATenantToken() throws Exception {
        String initech = system.demo().initechOrganizationId();
        String body = "{\"sso\":true,\"directorySync\":false}";
        var key = system.backOfficeCredentials();
        URI uri = URI.create(system.apiUrl() + "/internal/organizations/" + initech + "/entitlements");

        var owner = putEntitlements(initech, body, java.util.Map.of("Authorization", "Bearer " + system.token("Initech", "owner").token()));
        assertEquals(403, owner.statusCode(), owner.body());
        assertEquals("forbidden", json(owner).get("error").asText());
        assertEquals(403, putEntitlements(initech, body, java.util.Map.of()).statusCode());
        var wrongKey = io.gatekeep.testsupport.SigV4.headers("PUT", uri, body, key.accessKeyId(), "not-the-secret", LocalSystem.REGION,
                java.time.Instant.now());
        assertEquals(403, putEntitlements(initech, body, wrongKey).statusCode());
        var health = json(get(system, "/organizations/" + initech + "/identity-health", "Bearer " + system.token("Initech", "owner").token()));
        assertFalse(health.at("/plan/sso").asBoolean(), "nothing changed");

        var signed = io.gatekeep.testsupport.SigV4.headers("PUT", uri, body, key.accessKeyId(), key.secretAccessKey(), LocalSystem.REGION,
                java.time.Instant.now());
        var ok = putEntitlements(initech, body, signed);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("{\"organizationId\":\"" + initech + "\",\"sso\":true,\"directorySync\":false}", ok.body());
        health = json(get(system, "/organizations/" + initech + "/identity-health", "Bearer " + system.token("Initech", "owner").token()));
        assertEquals("{\"sso\":true,\"directorySync\":false}", health.get("plan").toString());

        // The tenant route of old is gone: no route, whatever the role.
        var oldRoute = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl() + "/organizations/" + initech + "/plan"))
                .header("Authorization", "Bearer " + system.token("Initech", "owner").token())
                .PUT(HttpRequest.BodyPublishers.ofString("{\"sso\":false}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, oldRoute.statusCode());
    }

    @Test
    void globexIsMidSetupAndEachOrganizationSeesOnlyItself() throws Exception {
        String globex = system.demo().globexOrganizationId();
        var response = get(system, "/organizations/" + globex + "/identity-health", "Bearer " + system.token("Globex", "member").token());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals(List.of("globex.com"), Json.MAPPER.convertValue(body.get("domains").get("pending"), List.class));
        // No webhook announces a draft connection: the reconcile after the first load brought it in.
        assertEquals("draft", body.get("sso").get("status").asText());
        assertEquals("continue", body.get("sso").get("setupAction").asText());
        assertEquals(system.demo().globexConnectionId(), body.get("sso").get("primaryConnection").get("id").asText());
        assertEquals(3, system.reconciled().size());
        system.reconciled().forEach(r -> assertTrue(r.ok(), r.toString()));

        var other = get(system, "/organizations/" + system.demo().acmeOrganizationId() + "/identity-health",
                "Bearer " + system.token("Globex", "owner").token());
        assertEquals(403, other.statusCode());
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
        for (String path : List.of("/nothing", "/organizations", "/organizations/x/unknown", "/identity-health")) {
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
        // (AWS_IAM routes without a signature: 403, as API Gateway answers an unsigned request to them.)
        for (var entry : system.routes().entries()) {
            String path = entry.route().path().replace("{organizationId}", system.demo().acmeOrganizationId());
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl() + path))
                            .method(entry.route().method(), HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String error = json(response).path("error").asText();
            if (entry.route().path().equals(TemplateCheck.WEBHOOK_PATH)) {
                assertNotEquals(401, response.statusCode(), "WorkOS sends no JWT");
                assertEquals(400, response.statusCode(), response.body());
                assertEquals("invalid_signature", error, "the webhook function checked the (missing) signature");
            } else if (entry.route().path().startsWith(TemplateCheck.INTERNAL_PREFIX)) {
                assertEquals(403, response.statusCode(), entry.routeKey());
                assertEquals("forbidden", error);
            } else {
                assertEquals(401, response.statusCode(), entry.routeKey());
                assertEquals("unauthenticated", error);
            }
        }
    }

    @Test
    void theOperatorFunctionIsInvokedWithAJsonEvent() throws Exception {
        assertTrue(system.functions().get("OperatorFunction").orElseThrow().available());
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl() + "/_invoke/OperatorFunction"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"no-such-action\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        // A bad event is the operator's own JSON answer, not a function error.
        assertEquals(200, response.statusCode(), response.body());
        JsonNode report = json(response);
        assertFalse(report.path("error").asText().isBlank(), response.body());
        assertFalse(report.path("error").asText().equals("function_error"), response.body());
    }

    @Test
    void everyFunctionOfTheTemplateIsAvailable() {
        for (var f : system.functions().all()) {
            assertTrue(f.available(), f.name() + ": " + f.unavailableReason());
        }
        assertEquals(List.of(), system.warnings());
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
        // The first call sets the variables the README's walk-through goes on with.
        assertTrue(banner.contains("  API=" + system.apiUrl() + " EMU=" + system.emulator().baseUrl() + " ORG="
                + system.demo().acmeOrganizationId() + "\n"), banner);
        assertTrue(banner.contains("  TOKEN=" + system.token("Acme", "admin").token() + "\n"), banner);
        assertTrue(banner.contains("curl -s -H \"Authorization: Bearer $TOKEN\" $API/organizations/$ORG/identity-health"), banner);
        // Where the local webhook secret is (not the secret itself), and DynamoDB Local's log.
        Path properties = system.settings().dataDir().resolve(RunnerState.FILE);
        assertTrue(banner.contains("webhookSecret in " + properties), banner);
        assertFalse(banner.contains(system.functions().get("WebhooksFunction").orElseThrow().environment().get("WORKOS_WEBHOOK_SECRET")));
        assertTrue(banner.contains(system.settings().dataDir().resolve(LocalLogs.DYNAMODB_LOG).toString()), banner);
        assertTrue(banner.contains(system.apiUrl() + "/?org=Globex&role=member"), banner);
    }

    @Test
    void dynamoDbLocalLogsToTheDataDirectoryAndTheFirstLoadKeepsTheConsoleShort() throws Exception {
        Path log = system.settings().dataDir().resolve(LocalLogs.DYNAMODB_LOG);
        // Before the banner: no DynamoDB Local line and no stack trace, and not two lines per pushed event.
        List<String> lines = startConsole.lines().toList();
        assertTrue(lines.size() < 20, lines.size() + " lines before the banner:\n" + startConsole);
        assertFalse(startConsole.contains("accessKey:") || startConsole.contains("target: ")
                || startConsole.contains("DynamoDBLocalServiceException") || startConsole.contains("\tat "), startConsole);
        // They went to the file: the first load's transactions, and the ones DynamoDB Local cancelled (duplicates).
        String written = Files.readString(log);
        assertTrue(written.contains("target: TransactWriteItems"), "dynamodb-local.log:\n" + written.lines().limit(20).toList());
        // Later requests too, still off the console; the functions' own lines still reach it.
        String during = console(() -> {
            system.dynamoClient().describeTable(r -> r.tableName(system.tableName()));
            get(system, "/organizations/" + system.demo().acmeOrganizationId() + "/identity-health",
                    "Bearer " + system.token("Acme", "admin").token());
        });
        assertFalse(during.contains("target: "), during);
        assertTrue(during.contains("\"function_name\":\"IdentityHealthFunction\""), "the function's log lines:\n" + during);
        assertTrue(Files.readString(log).contains("target: DescribeTable"));
    }

    @Test
    void cleaningDeletesWhatTheRunnerKeepsAndNothingElse() throws Exception {
        Path dir = data.resolve("clean");
        Files.createDirectories(dir.resolve("dynamodb/sub"));
        Files.writeString(dir.resolve("dynamodb/sub/shared-local-instance.db"), "x");
        Files.writeString(dir.resolve("runner.properties"), "seed=1");
        Files.writeString(dir.resolve("emulator-key.json"), "{}");
        Files.writeString(dir.resolve(LocalLogs.DYNAMODB_LOG), "old lines");
        Files.writeString(dir.resolve("notes.txt"), "mine");
        RunnerState.clean(dir);
        try (var left = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("notes.txt")), left.toList());
        }
    }

    /**
     * "Create connection" in the emulator's Admin Portal (WorkOS sends no event for a draft), then the
     * admin comes back: the page's refresh (a member may ask) reads WorkOS, and health shows Draft and
     * "Continue SSO setup" with no operator action.
     */
    @Test
    void aConnectionCreatedInTheAdminPortalShowsAsDraftWhenTheAdminComesBack() throws Exception {
        String initech = system.demo().initechOrganizationId();
        String link = system.emulator().control().generatePortalLink(initech, "sso");
        var created = HTTP.send(HttpRequest.newBuilder(URI.create(link + "/actions/create-connection"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("connection_type=OktaSAML&name=Initech+Okta")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, created.statusCode(), created.body());
        String member = "Bearer " + system.token("Initech", "member").token();
        JsonNode before = json(get(system, "/organizations/" + initech + "/identity-health", member));
        assertEquals("none", before.path("sso").path("status").asText(), "no event: the projection cannot know yet");

        var refreshed = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl() + "/organizations/" + initech
                        + "/identity-health/refresh")).header("Authorization", member)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals("refreshed", json(refreshed).path("refresh").asText(), refreshed.body());

        JsonNode after = json(get(system, "/organizations/" + initech + "/identity-health", member));
        assertEquals("draft", after.path("sso").path("status").asText(), after.toString());
        assertEquals("continue", after.path("sso").path("setupAction").asText());
        assertEquals("Initech Okta", after.path("sso").path("primaryConnection").path("name").asText());
        assertEquals(json(refreshed).path("checkedAt").asText(), after.path("checkedAt").asText());
    }

    /** Last: restarts the system on its data directory (the other tests use the first start). */
    @Test
    @Order(Integer.MAX_VALUE)
    void aRestartOnTheSameDataKeepsTheDemoWorldsIdsTheTableAndTheTokens() throws Exception {
        String acme = system.demo().acmeOrganizationId();
        String firstToken = system.token("Acme", "owner").token();
        String cursorKey = system.functions().get("AuditEventsFunction").orElseThrow().environment().get("CURSOR_KEY");
        system.close();
        system = LocalSystem.start(settings(false));
        assertEquals(acme, system.demo().acmeOrganizationId(), "the same demo world, so the table's ids still match");
        assertEquals(List.of(), system.warnings());
        assertTrue(system.demoLoad().alreadyLoaded(), system.demoLoad().toString());
        assertEquals(List.of(), system.reconciled(), "reconciled once, on the first start");
        assertEquals(cursorKey, system.functions().get("AuditEventsFunction").orElseThrow().environment().get("CURSOR_KEY"),
                "the cursor key persists, so cursors handed out before the restart still work");
        var response = get(system, "/organizations/" + acme + "/identity-health", "Bearer " + firstToken);
        assertEquals(200, response.statusCode(), "a token from the first run still verifies (the key persisted) and the table kept the data");
        assertEquals(200, json(response).get("directorySync").get("users").asInt());
    }
}
