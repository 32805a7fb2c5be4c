package io.gatekeep.portallinks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.OrgSeed;
import io.gatekeep.testsupport.RequestCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /organizations/{organizationId}/portal-links through full API Gateway events, against
 * DynamoDB Local and the WorkOS emulator (driven by the real SDK): every gate alone and in
 * combination, every role and intent, WorkOS faults, the audit entries and the logs.
 */
class PortalLinksHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-23T19:00:00Z");
    private static final String BEARER = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzAxIn0.c2lnbmF0dXJlLW5ldmVyLWxvZ2dlZA";
    private static final AtomicInteger REQUESTS = new AtomicInteger();

    private static WorkOsEmulator emulator;
    private static WireTap tap;
    private static String table;
    private static RequestCounter counter;
    private static DynamoDbClient dynamo;      // the handler's, counted
    private static DynamoDbClient inspect;     // the test's own, not counted
    private static OrgSeed seed;
    private static ApiContract.CheckedHandler handler;

    private String orgId;
    private String requestId;

    @BeforeAll
    static void start() {
        emulator = WorkOsEmulator.start(0);
        tap = new WireTap(emulator.baseUrl());
        LocalDynamo local = LocalDynamo.shared();
        table = local.createTable();
        counter = new RequestCounter();
        dynamo = local.client(counter);
        inspect = local.client();
        seed = new OrgSeed(inspect, table);
        handler = handler(config(tap.baseUrl(), 2, 4_000));
    }

    @AfterAll
    static void stop() {
        tap.close();
        emulator.close();
    }

    @BeforeEach
    void newOrganization() {
        emulator.control().clearFaults();
        // The organization WorkOS knows; the backend keys its partition by the same id.
        orgId = emulator.control().createOrganization("Acme " + REQUESTS.incrementAndGet()).id();
        requestId = "req-" + REQUESTS.incrementAndGet();
        counter.reset();
        tap.clear();
    }

    // ------------------------------------------------------------------ helpers

    static Config config(String workosBaseUrl, int maxRetries, int timeoutMs) {
        return new Config(Map.of(
                Config.TABLE_NAME, table,
                Config.WORKOS_API_BASE_URL, workosBaseUrl,
                Config.WORKOS_API_KEY, emulator.apiKey(),
                Config.WORKOS_CLIENT_ID, emulator.clientId(),
                Config.WORKOS_MAX_RETRIES, Integer.toString(maxRetries),
                Config.WORKOS_TIMEOUT_MS, Integer.toString(timeoutMs),
                Config.PORTAL_REDIRECT_ALLOWED_HOSTS, "app.example.com, localhost,127.0.0.1"));
    }

    static ApiContract.CheckedHandler handler(Config config) {
        return ApiContract.checked(new PortalLinksHandler(config, dynamo, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private ApiEvents.Builder post(String body) {
        return ApiEvents.load("portal-links.json").organization(orgId)
                .caller("user_admin", orgId, "admin", "ada@acme.test")
                .header("authorization", BEARER)
                .requestId(requestId)
                .body(body);
    }

    private static String intentBody(String intent) {
        return "{\"intent\": \"" + intent + "\"}";
    }

    private static APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return call(handler, event);
    }

    private static APIGatewayV2HTTPResponse call(ApiContract.CheckedHandler h, APIGatewayV2HTTPEvent event) {
        return h.handleRequest(event, LocalContext.of("portal-links"));
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) {
        return Json.parse(response.getBody());
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String code) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals(code, body.get("error").asText(), response.getBody());
        assertFalse(body.get("message").asText().isBlank());
        assertEquals(2, body.size(), "errors carry error and message only: " + response.getBody());
        assertFalse(response.getBody().contains("link"), "no link in an error: " + response.getBody());
    }

    /** The gates that need the organization's data; the others refuse before any read. */
    private static final List<String> DATA_GATES = List.of(
            "plan_excludes_sso", "plan_excludes_directory_sync", "organization_not_found", "domain_verification_required", "it_contact_required");

    /**
     * A gate that refuses: WorkOS is never called, nothing is written, and the reads are exactly
     * none (gates before the data) or the one Query (data gates). Resets the counters for the next call.
     */
    private void assertRefusedBeforeWorkOs(APIGatewayV2HTTPResponse response, int status, String code) {
        assertRefusedBeforeWorkOs(response, status, code, DATA_GATES.contains(code) ? List.of("Query") : List.of());
    }

    private void assertRefusedBeforeWorkOs(APIGatewayV2HTTPResponse response, int status, String code,
                                           List<String> expectedDynamoCalls) {
        assertError(response, status, code);
        assertEquals(List.of(), tap.calls(), "WorkOS must not be called when a gate refuses");
        assertEquals(expectedDynamoCalls, counter.operations());
        assertEquals(List.of(), auditEntries(), "a refusal writes nothing");
        counter.reset();
        tap.clear();
    }

    private List<AuditEntry> auditEntries() {
        return inspect.query(r -> r.tableName(table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(orgId)))))
                .items().stream().map(AuditEntry::fromItem).toList();
    }

    private static String allStoredText() {
        StringBuilder text = new StringBuilder();
        for (Map<String, AttributeValue> item : inspect.scan(r -> r.tableName(table)).items()) {
            text.append(item).append('\n');
        }
        return text.toString();
    }

    private static HttpResponse<String> open(String link) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Captures everything written to System.out and System.err (Log4j's console appender follows System.out). */
    private static String captureLogs(Runnable action) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            action.run();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ a link, end to end

    @Test
    void anAdminGetsALinkThatWorkOsIssuedForTheOrganizationWithItsItContacts() throws Exception {
        seed.organization(orgId, List.of("it@acme.test", "ops@acme.test"), true)
                .domain(orgId, "org_domain_1", "acme.test", "verified");

        var response = call(post("{\"intent\": \"sso\", \"returnUrl\": \"https://app.example.com/settings/identity\","
                + " \"successUrl\": \"https://app.example.com/settings/identity?done=1\"}").build());

        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals("no-store", response.getHeaders().get("Cache-Control"));
        JsonNode body = json(response);
        String link = body.get("link").asText();
        assertTrue(link.startsWith(emulator.baseUrl() + "/portal/"), link);
        assertEquals("sso", body.get("intent").asText());
        assertEquals(orgId, body.get("organizationId").asText());
        assertEquals(Times.iso(NOW.plus(Duration.ofMinutes(5))), body.get("expiresAt").asText());
        assertEquals("configure", body.get("action").asText());
        assertEquals(5, body.size());

        // What WorkOS received, on the wire.
        List<WireTap.Call> calls = tap.generateLinkCalls();
        assertEquals(1, calls.size());
        JsonNode sent = calls.get(0).json();
        assertEquals(orgId, sent.get("organization").asText());
        assertEquals("sso", sent.get("intent").asText());
        assertEquals(List.of("it@acme.test", "ops@acme.test"),
                Json.MAPPER.convertValue(sent.get("it_contact_emails"), List.class));
        assertEquals("https://app.example.com/settings/identity", sent.get("return_url").asText());
        assertEquals("https://app.example.com/settings/identity?done=1", sent.get("success_url").asText());

        // The link opens the emulated portal for that organization and intent.
        HttpResponse<String> page = open(link);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("data-testid=\"portal-intent\">sso<"), page.body());

        // Two DynamoDB calls: the gates' Query, the audit entry's PutItem.
        assertEquals(List.of("Query", "PutItem"), counter.operations());

        List<AuditEntry> audit = auditEntries();
        assertEquals(1, audit.size());
        AuditEntry entry = audit.get(0);
        assertEquals(PortalLinksHandler.AUDIT_ISSUED, entry.type());
        assertEquals("ada@acme.test", entry.actor());
        assertEquals(NOW, entry.occurredAt());
        assertEquals(requestId, entry.requestId());
        assertEquals(AuditEntry.Source.GATEKEEP, entry.source());
        // Written for a person: what the link was for and when it expires, not the wire names.
        assertTrue(entry.summary().matches("Admin Portal link issued (to configure SSO|to continue SSO setup|for Single Sign-On);"
                + " it expires at \\d\\d:\\d\\d:\\d\\d UTC\\."), entry.summary());
        assertTrue(entry.summary().contains(PortalLinksHandler.CLOCK_TIME.format(NOW.plus(PortalLinksHandler.LINK_LIFETIME))),
                entry.summary());

        // The link is stored nowhere: not in the audit entry, not in any item.
        String token = link.substring(link.lastIndexOf('/') + 1);
        assertFalse(allStoredText().contains(token), "the link must never be stored");
    }

    /** The audit log says what a link was for in the words of the page's buttons, never the wire names. */
    @Test
    void theAuditSummarySaysWhatTheLinkWasFor() {
        assertEquals("to continue SSO setup", PortalLinksHandler.purpose("sso", "continue"));
        assertEquals("to configure SSO", PortalLinksHandler.purpose("sso", "configure"));
        assertEquals("for Single Sign-On", PortalLinksHandler.purpose("sso", null));
        assertEquals("to connect a directory provider", PortalLinksHandler.purpose("dsync", "configure"));
        assertEquals("to verify a domain", PortalLinksHandler.purpose("domain_verification", "configure"));
        assertEquals("to renew the SAML certificate", PortalLinksHandler.purpose("certificate_renewal", "continue"));
        for (Intent intent : Intent.values()) {
            assertFalse(PortalLinksHandler.purpose(intent.wireName(), null).contains("_"), intent.wireName());
        }
    }

    @Test
    void urlsAreOptionalAndNotSentWhenAbsent() {
        seed.ready(orgId);
        var response = call(post("{\"intent\": \"dsync\", \"returnUrl\": null}").build());
        assertEquals(201, response.getStatusCode(), response.getBody());
        JsonNode sent = tap.generateLinkCalls().get(0).json();
        assertTrue(sent.path("return_url").isMissingNode() || sent.get("return_url").isNull(), sent.toString());
        assertTrue(sent.path("success_url").isMissingNode() || sent.get("success_url").isNull(), sent.toString());
    }

    // ------------------------------------------------------------------ the intent table, row by row

    /** The contract's table, written out independently of the Intent enum. */
    record Row(String intent, String entitlement, boolean needsVerifiedDomain, boolean needsItContact) {}

    static Stream<Row> contractRows() {
        return Stream.of(
                new Row("sso", "sso", true, true),
                new Row("dsync", "directorySync", true, true),
                new Row("domain_verification", null, false, true),
                new Row("audit_logs", null, false, true),
                new Row("log_streams", null, false, true),
                new Row("certificate_renewal", "sso", false, true));
    }

    @ParameterizedTest
    @MethodSource("contractRows")
    void theIntentTableMatchesTheContract(Row row) {
        Intent intent = Intent.of(row.intent()).orElseThrow();
        assertEquals(row.intent(), intent.wireName());
        assertEquals(row.intent(), intent.sdkIntent().getValue(), "the SDK sends this intent on the wire");
        assertEquals(row.entitlement(), intent.entitlement().map(e -> switch (e) {
            case SSO -> "sso";
            case DIRECTORY_SYNC -> "directorySync";
        }).orElse(null));
        assertEquals(row.needsVerifiedDomain(), intent.requiresVerifiedDomain());
        assertEquals(row.needsItContact(), intent.requiresItContact());
        assertEquals(6, Intent.values().length);
    }

    @ParameterizedTest
    @MethodSource("contractRows")
    void everyIntentReachesWorkOsWithItsOwnIntentWhenItsGatesAreOpen(Row row) {
        seed.ready(orgId);
        var response = call(post(intentBody(row.intent())).build());
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals(row.intent(), json(response).get("intent").asText());
        JsonNode sent = tap.generateLinkCalls().get(0).json();
        assertEquals(row.intent(), sent.get("intent").asText());
        assertEquals(orgId, sent.get("organization").asText());
        assertEquals(List.of("it@acme.test"), Json.MAPPER.convertValue(sent.get("it_contact_emails"), List.class));
        assertEquals(List.of("Query", "PutItem"), counter.operations());
        assertEquals(PortalLinksHandler.AUDIT_ISSUED, auditEntries().get(0).type());
    }

    @ParameterizedTest
    @MethodSource("contractRows")
    void aPlanWithoutSsoClosesExactlyTheIntentsThatNeedIt(Row row) {
        seed.organization(orgId, List.of("it@acme.test"), new Entitlements(false, true)).domain(orgId, "d1", "acme.test", "verified");
        var response = call(post(intentBody(row.intent())).build());
        if ("sso".equals(row.entitlement())) {
            assertRefusedBeforeWorkOs(response, 403, "plan_excludes_sso");
            assertEquals("SSO isn't enabled for your organisation's plan yet. Contact your Smart Core Connect account manager or support.",
                    json(response).get("message").asText());
        } else {
            assertEquals(201, response.getStatusCode(), response.getBody());
        }
    }

    @ParameterizedTest
    @MethodSource("contractRows")
    void aPlanWithoutDirectorySyncClosesExactlyDsync(Row row) {
        seed.organization(orgId, List.of("it@acme.test"), new Entitlements(true, false)).domain(orgId, "d1", "acme.test", "verified");
        var response = call(post(intentBody(row.intent())).build());
        if ("directorySync".equals(row.entitlement())) {
            assertRefusedBeforeWorkOs(response, 403, "plan_excludes_directory_sync");
        } else {
            assertEquals(201, response.getStatusCode(), response.getBody());
        }
    }

    /** A deployed table's organizations carry the old single flag: it stood for SSO and Directory Sync alike. */
    @ParameterizedTest
    @MethodSource("contractRows")
    void anOrganizationWrittenBeforeEntitlementsKeepsWhatItsOldFlagGave(Row row) {
        seed.legacyOrganization(orgId, List.of("it@acme.test"), true).domain(orgId, "d1", "acme.test", "verified");
        assertEquals(201, call(post(intentBody(row.intent())).build()).getStatusCode());
        tap.clear();
        counter.reset();
        inspect.deleteItem(r -> r.tableName(table).key(Attr.key(Keys.auditPk(orgId), auditEntries().get(0).sortKey())));
        seed.legacyOrganization(orgId, List.of("it@acme.test"), false);
        var response = call(post(intentBody(row.intent())).build());
        if (row.entitlement() != null) {
            assertRefusedBeforeWorkOs(response, 403, row.entitlement().equals("sso") ? "plan_excludes_sso" : "plan_excludes_directory_sync");
        } else {
            assertEquals(201, response.getStatusCode(), response.getBody());
        }
    }

    @ParameterizedTest
    @MethodSource("contractRows")
    void noVerifiedDomainClosesExactlySsoAndDsync(Row row) {
        seed.organization(orgId, List.of("it@acme.test"), true)
                .domain(orgId, "d1", "acme.test", "pending")
                .domain(orgId, "d2", "acme.example", "failed");
        var response = call(post(intentBody(row.intent())).build());
        if (row.needsVerifiedDomain()) {
            assertRefusedBeforeWorkOs(response, 409, "domain_verification_required");
        } else {
            assertEquals(201, response.getStatusCode(), response.getBody());
        }
    }

    @ParameterizedTest
    @MethodSource("contractRows")
    void noItContactClosesEveryIntent(Row row) {
        seed.organization(orgId, List.of(), true).domain(orgId, "d1", "acme.test", "verified");
        var response = call(post(intentBody(row.intent())).build());
        assertEquals(row.needsItContact(), response.getStatusCode() == 409, response.getBody());
        assertRefusedBeforeWorkOs(response, 409, "it_contact_required");
    }

    @Test
    void domainVerificationStaysReachableWhileTheDomainGateIsClosed() {
        // No domain at all, and a plan without SSO: the way to open the gate must stay open.
        seed.organization(orgId, List.of("it@acme.test"), false);
        var response = call(post(intentBody("domain_verification")).build());
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals("configure", json(response).get("action").asText());
        assertEquals("domain_verification", tap.generateLinkCalls().get(0).json().get("intent").asText());
    }

    // ------------------------------------------------------------------ configure or continue

    static Stream<Arguments> actions() {
        return Stream.of(
                // intent, what exists besides a ready organization, expected action
                Arguments.of("sso", "nothing", "configure"),
                Arguments.of("sso", "draft connection", "continue"),
                Arguments.of("sso", "active connection", "manage"),
                Arguments.of("sso", "directory", "configure"),
                Arguments.of("dsync", "nothing", "configure"),
                Arguments.of("dsync", "active connection", "configure"),
                Arguments.of("dsync", "directory", "continue"),
                Arguments.of("dsync", "linked directory", "manage"),
                Arguments.of("certificate_renewal", "active connection", "manage"),
                Arguments.of("certificate_renewal", "draft connection", "continue"),
                Arguments.of("certificate_renewal", "nothing", "configure"),
                Arguments.of("domain_verification", "nothing", "manage"), // the ready org has a verified domain
                Arguments.of("audit_logs", "active connection", "configure"),
                Arguments.of("log_streams", "directory", "configure"));
    }

    @ParameterizedTest
    @MethodSource("actions")
    void actionIsConfigureThenContinueThenManageWhenTheIntentsSetupIsComplete(String intent, String existing, String action) {
        seed.ready(orgId);
        switch (existing) {
            case "draft connection" -> seed.connection(orgId, "conn_1", "draft");
            case "active connection" -> seed.connection(orgId, "conn_1", "active");
            case "directory" -> seed.directory(orgId, "directory_1", "validating");
            case "linked directory" -> seed.directory(orgId, "directory_1", "linked");
            default -> { }
        }
        var response = call(post(intentBody(intent)).build());
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals(action, json(response).get("action").asText());
    }

    @Test
    void aDeletedConnectionDoesNotCountAsStarted() {
        seed.ready(orgId);
        inspect.putItem(r -> r.tableName(table).item(Map.of(
                Keys.PK, Attr.s(Keys.orgPk(orgId)), Keys.SK, Attr.s(Keys.connectionSk("conn_gone")),
                "state", Attr.s("active"), "deleted", Attr.bool(true))));
        var response = call(post(intentBody("sso")).build());
        assertEquals("configure", json(response).get("action").asText());
    }

    // ------------------------------------------------------------------ each gate alone

    @Test
    void noClaimsIs401() {
        seed.ready(orgId);
        assertRefusedBeforeWorkOs(call(post(intentBody("sso")).claims(null).build()), 401, "unauthenticated");
        assertRefusedBeforeWorkOs(call(post(intentBody("sso")).claims(Map.of("org_id", orgId, "role", "owner")).build()),
                401, "unauthenticated");
    }

    @Test
    void noOrganizationInThePathOrTheSessionIsOrganizationRequiredInTheProductsWords() {
        seed.ready(orgId);
        var noPath = call(post(intentBody("sso")).pathParameter("organizationId", null).build());
        assertRefusedBeforeWorkOs(noPath, 400, "organization_required");
        assertEquals("Select an organization before continuing.", json(noPath).get("message").asText());
        var blankPath = call(post(intentBody("sso")).pathParameter("organizationId", " ").build());
        assertRefusedBeforeWorkOs(blankPath, 400, "organization_required");
        var noSession = call(post(intentBody("sso")).caller("user_admin", null, "admin", "ada@acme.test").build());
        assertRefusedBeforeWorkOs(noSession, 400, "organization_required");
        assertEquals("Select an organization before continuing.", json(noSession).get("message").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"intent\": null}", "{\"intent\": \"\"}", "{\"intent\": \"SSO\"}", "{\"intent\": \"scim\"}",
            "{\"intent\": \"bring_your_own_key\"}", "{\"intent\": 1}", "{\"intent\": [\"sso\"]}", "{\"intent\": \" sso\"}"})
    void aMissingOrUnknownIntentIsInvalidIntentNamingTheField(String body) {
        seed.ready(orgId);
        var response = call(post(body).build());
        assertRefusedBeforeWorkOs(response, 400, "invalid_intent");
        assertTrue(json(response).get("message").asText().startsWith("intent "), response.getBody());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "[]", "\"sso\"", "", "{\"intent\": \"sso\", \"intent\": \"dsync\"}"})
    void aBodyThatIsNotAJsonObjectIsInvalidRequest(String body) {
        seed.ready(orgId);
        assertRefusedBeforeWorkOs(call(post(body).build()), 400, "invalid_request");
    }

    static Stream<String> badUrls() {
        return Stream.of(
                "http://app.example.com/settings",           // http off loopback
                "https://evil.test/settings",                // host not allowed
                "https://app.example.com.evil.test/",        // suffix trick
                "https://evil.test/?next=https://app.example.com",
                "https://app.example.com@evil.test/",        // userinfo
                "https://user@app.example.com/",
                "ftp://app.example.com/",
                "javascript:alert(1)",
                "/settings/identity",                        // relative
                "//app.example.com/settings",                // scheme-relative
                "https:///settings",
                "https://app.example.com/a b",               // not a URI
                "http://localhost.evil.test/",
                "http://0.0.0.0:3000/",
                "",
                "https://app.example.com/" + "a".repeat(RedirectUrls.MAX_LENGTH));
    }

    @ParameterizedTest
    @MethodSource("badUrls")
    void aBadReturnUrlOrSuccessUrlIsInvalidUrlNamingTheField(String url) {
        seed.ready(orgId);
        for (String field : List.of("returnUrl", "successUrl")) {
            Map<String, Object> body = new HashMap<>();
            body.put("intent", "sso");
            body.put(field, url);
            var response = call(post(Json.write(body)).build());
            assertRefusedBeforeWorkOs(response, 400, "invalid_url");
            assertTrue(json(response).get("message").asText().startsWith(field + " "), response.getBody());
        }
    }

    @Test
    void aUrlThatIsNotAStringIsInvalidUrl() {
        seed.ready(orgId);
        var response = call(post("{\"intent\": \"sso\", \"successUrl\": 42}").build());
        assertRefusedBeforeWorkOs(response, 400, "invalid_url");
        assertTrue(json(response).get("message").asText().startsWith("successUrl "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com/settings/identity", "https://APP.Example.com/x?y=1#z",
            "https://app.example.com:8443/", "http://localhost:3000/callback", "http://127.0.0.1:8080/",
            "https://localhost/settings"})
    void allowedUrlsPass(String url) {
        seed.ready(orgId);
        var response = call(post(Json.write(Map.of("intent", "sso", "returnUrl", url, "successUrl", url))).build());
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals(url, tap.generateLinkCalls().get(0).json().get("return_url").asText());
    }

    @Test
    void anEmptyAllowListAcceptsNoUrlButStillIssuesLinksWithoutOne() {
        seed.ready(orgId);
        ApiContract.CheckedHandler closed = handler(config(tap.baseUrl(), 2, 4_000).with(Config.PORTAL_REDIRECT_ALLOWED_HOSTS, ""));
        assertError(call(closed, post("{\"intent\": \"sso\", \"returnUrl\": \"https://app.example.com/\"}").build()),
                400, "invalid_url");
        assertEquals(201, call(closed, post(intentBody("sso")).build()).getStatusCode());
    }

    static Stream<Arguments> roles() {
        return Stream.of(
                Arguments.of("owner", 201),
                Arguments.of("admin", 201),
                Arguments.of("OWNER", 403),
                Arguments.of(" owner", 403),
                Arguments.of("owner\u0000", 403),
                Arguments.of("\u001fadmin", 403),
                Arguments.of("member", 403),
                Arguments.of("viewer", 403),
                Arguments.of(null, 403));
    }

    @ParameterizedTest
    @MethodSource("roles")
    void onlyOwnersAndAdminsGetLinks(String role, int status) {
        seed.ready(orgId);
        var response = call(post(intentBody("sso")).caller("user_x", orgId, role, "x@acme.test").header("authorization", BEARER).build());
        if (status == 403) {
            assertRefusedBeforeWorkOs(response, 403, "forbidden"); // checked before any read
        } else {
            assertEquals(201, response.getStatusCode(), response.getBody());
            assertEquals("x@acme.test", auditEntries().get(0).actor());
        }
    }

    @Test
    void aTokenForAnotherOrganizationIsForbidden() {
        seed.ready(orgId);
        String other = emulator.control().createOrganization("Other").id();
        seed.ready(other);
        var response = call(post(intentBody("sso")).caller("user_admin", other, "owner", "o@other.test").build());
        assertRefusedBeforeWorkOs(response, 403, "forbidden");
    }

    @Test
    void anActorWithoutEmailIsAuditedByUserId() {
        seed.ready(orgId);
        assertEquals(201, call(post(intentBody("sso")).caller("user_noemail", orgId, "owner", null).build()).getStatusCode());
        assertEquals("user_noemail", auditEntries().get(0).actor());
    }

    @Test
    void unknownOrDeletedOrganizationsAre404() {
        assertRefusedBeforeWorkOs(call(post(intentBody("audit_logs")).build()), 404, "organization_not_found");
        seed.deletedOrganization(orgId);
        assertRefusedBeforeWorkOs(call(post(intentBody("domain_verification")).build()), 404, "organization_not_found");
        // A partition with objects but no organization item is not an organization either.
        String orphan = "org_orphan_" + REQUESTS.incrementAndGet();
        seed.domain(orphan, "d1", "orphan.test", "verified");
        orgId = orphan;
        assertRefusedBeforeWorkOs(call(post(intentBody("sso")).build()), 404, "organization_not_found");
    }

    /** The documented decision: an unknown organization has no plan, so it is 404 even for intents that need SSO. */
    @ParameterizedTest
    @MethodSource("contractRows")
    void anUnknownOrganizationIs404ForEveryIntentIncludingThoseThatNeedTheSsoPlan(Row row) {
        assertRefusedBeforeWorkOs(call(post(intentBody(row.intent())).build()), 404, "organization_not_found");
    }

    @Test
    void anIdThatCannotBeAnOrganizationIs400InvalidRequestWithTheOrganizationGate() {
        String bad = "org$bad";
        var mine = call(post(intentBody("sso")).organization(bad).caller("u", bad, "owner", null).build());
        assertRefusedBeforeWorkOs(mine, 400, "invalid_request", List.of());
        var theirs = call(post(intentBody("sso")).organization(bad).build());
        assertRefusedBeforeWorkOs(theirs, 400, "invalid_request", List.of());
    }

    // ------------------------------------------------------------------ the order when several gates fail

    @Test
    void gatesAreCheckedInTheContractsOrder() {
        // Nothing in the table for this organization, a member's token for another organization, a bad body.
        Supplier<ApiEvents.Builder> worst = () -> post("{\"intent\": \"nope\", \"returnUrl\": \"http://evil.test\"}")
                .caller("u", "org_other", "member", null);

        assertRefusedBeforeWorkOs(call(worst.get().claims(null).pathParameter("organizationId", null).build()),
                401, "unauthenticated");
        assertRefusedBeforeWorkOs(call(worst.get().pathParameter("organizationId", null).build()),
                400, "organization_required");
        assertRefusedBeforeWorkOs(call(worst.get().build()), 400, "invalid_intent");
        assertRefusedBeforeWorkOs(call(post("{\"intent\": \"sso\", \"returnUrl\": \"http://evil.test\"}")
                .caller("u", "org_other", "member", null).build()), 400, "invalid_url");
        assertRefusedBeforeWorkOs(call(post(intentBody("sso")).caller("u", "org_other", "admin", null).build()),
                403, "forbidden");
        assertRefusedBeforeWorkOs(call(post(intentBody("sso")).caller("u", orgId, "member", null).build()),
                403, "forbidden");
        // Unknown organization and an SSO intent: 404 (see PortalLinksHandler.checkGates for why).
        assertRefusedBeforeWorkOs(call(post(intentBody("sso")).build()), 404, "organization_not_found");

        // Known organization with every data gate closed: plan, then domain, then IT contact.
        seed.organization(orgId, List.of(), false).domain(orgId, "d1", "acme.test", "pending");
        assertRefusedBeforeWorkOs(call(post(intentBody("dsync")).build()), 403, "plan_excludes_directory_sync");
        assertRefusedBeforeWorkOs(call(post(intentBody("sso")).build()), 403, "plan_excludes_sso");
        seed.organization(orgId, List.of(), true);
        assertRefusedBeforeWorkOs(call(post(intentBody("sso")).build()), 409, "domain_verification_required");
        assertRefusedBeforeWorkOs(call(post(intentBody("certificate_renewal")).build()), 409, "it_contact_required");
        seed.organization(orgId, List.of(), false);
        assertRefusedBeforeWorkOs(call(post(intentBody("domain_verification")).build()), 409, "it_contact_required");
    }

    /** WorkOS's {@code legacy_verified} is verified (domains verified before its current flow); unverified is not. */
    @Test
    void aLegacyVerifiedDomainOpensTheDomainGate() {
        seed.organization(orgId, List.of("it@acme.test"), true).domain(orgId, "d1", "acme.test", "unverified");
        assertRefusedBeforeWorkOs(call(post(intentBody("sso")).build()), 409, "domain_verification_required");
        seed.domain(orgId, "d1", "acme.test", "legacy_verified");
        var response = call(post(intentBody("sso")).build());
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals(1, tap.generateLinkCalls().size());
    }

    /** Two clicks, two links; one opened after its 5 minutes is refused while a new click works. */
    @Test
    void everyClickGetsItsOwnFreshLink() throws Exception {
        seed.ready(orgId);
        var first = call(post(intentBody("sso")).build());
        var second = call(post(intentBody("sso")).build());
        assertEquals(201, first.getStatusCode(), first.getBody());
        assertEquals(201, second.getStatusCode(), second.getBody());
        String firstLink = Json.parse(first.getBody()).get("link").asText();
        String secondLink = Json.parse(second.getBody()).get("link").asText();
        assertNotEquals(firstLink, secondLink);
        List<String> keys = tap.generateLinkCalls().stream().map(WireTap.Call::idempotencyKey).toList();
        assertEquals(2, keys.stream().distinct().count(), "a unique Idempotency-Key per click: " + keys);
        assertTrue(keys.stream().allMatch(k -> k != null && k.startsWith("gatekeep-portal-link-")), keys.toString());

        emulator.control().advanceClock(Duration.ofMinutes(5).plusSeconds(1));
        java.net.http.HttpClient browser = java.net.http.HttpClient.newHttpClient();
        var expired = browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(firstLink)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(410, expired.statusCode(), "a link opened after 5 minutes is refused");
        var third = call(post(intentBody("sso")).build());
        assertEquals(201, third.getStatusCode(), third.getBody());
        String thirdLink = Json.parse(third.getBody()).get("link").asText();
        var opened = browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(thirdLink)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, opened.statusCode(), "the new click's link opens");
    }

    // ------------------------------------------------------------------ WorkOS failures

    @Test
    void aRateLimitThatOutlastsTheSdksRetriesIs429AndAudited() {
        seed.ready(orgId);
        emulator.control().failNext(3, 429, 0, "/portal/generate_link");

        var response = call(post(intentBody("sso")).build());

        assertError(response, 429, "rate_limited");
        assertEquals(3, tap.generateLinkCalls().size(), "the first attempt and the SDK's two retries");
        assertTrue(tap.generateLinkCalls().stream().allMatch(c -> c.status() == 429));
        assertFalse(response.getBody().contains("rate_limit_exceeded"), "no WorkOS details: " + response.getBody());
        assertEquals(List.of("Query", "PutItem"), counter.operations());
        List<AuditEntry> audit = auditEntries();
        assertEquals(1, audit.size());
        assertEquals(PortalLinksHandler.AUDIT_FAILED, audit.get(0).type());
        assertEquals("ada@acme.test", audit.get(0).actor());
        assertEquals(requestId, audit.get(0).requestId());
        assertTrue(audit.get(0).summary().contains("rate limited"), audit.get(0).summary());
    }

    @Test
    void aRateLimitWithinTheRetriesIsInvisibleToTheCaller() {
        seed.ready(orgId);
        emulator.control().failNext(2, 429, 0, "/portal/generate_link");
        var response = call(post(intentBody("sso")).build());
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals(List.of(429, 429, 201), tap.generateLinkCalls().stream().map(WireTap.Call::status).toList());
        assertEquals(1, tap.generateLinkCalls().stream().map(WireTap.Call::idempotencyKey).distinct().count(),
                "the SDK's retries of one click carry its one Idempotency-Key");
        assertEquals(PortalLinksHandler.AUDIT_ISSUED, auditEntries().get(0).type());
    }

    @Test
    void workOsRetryAfterIsPassedOnToTheCaller() {
        seed.ready(orgId);
        ApiContract.CheckedHandler noRetries = handler(config(tap.baseUrl(), 0, 4_000));
        emulator.control().failNext(1, 429, 7, "/portal/generate_link");
        var response = call(noRetries, post(intentBody("dsync")).build());
        assertError(response, 429, "rate_limited");
        assertEquals("7", response.getHeaders().get("Retry-After"));
        assertEquals(1, tap.generateLinkCalls().size());
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503})
    void serverErrorsThatOutlastTheRetriesAre502InTheProductsWords(int status) {
        seed.ready(orgId);
        emulator.control().failNext(3, status, null, "/portal/generate_link");

        var response = call(post(intentBody("sso")).build());

        assertError(response, 502, "workos_unavailable");
        assertEquals("Unable to open the WorkOS Admin Portal.", json(response).get("message").asText());
        assertNull(response.getHeaders().get("Retry-After"));
        assertFalse(response.getBody().contains("internal error"), response.getBody());
        assertEquals(3, tap.generateLinkCalls().size());
        assertEquals(List.of("Query", "PutItem"), counter.operations());
        AuditEntry entry = auditEntries().get(0);
        assertEquals(PortalLinksHandler.AUDIT_FAILED, entry.type());
        assertTrue(entry.summary().contains("WorkOS answered " + status), entry.summary());
    }

    @Test
    void aServerErrorWithinTheRetriesIsInvisibleToTheCaller() {
        seed.ready(orgId);
        emulator.control().failNext(1, 503, null, "/portal/generate_link");
        var response = call(post(intentBody("sso")).build());
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals(List.of(503, 201), tap.generateLinkCalls().stream().map(WireTap.Call::status).toList());
    }

    @Test
    void aSlowWorkOsIs502WithinTheConfiguredTimeout() throws Exception {
        seed.ready(orgId);
        ApiContract.CheckedHandler impatient = handler(config(tap.baseUrl(), 2, 300));
        emulator.control().apiLatency(Duration.ofMillis(1_500));

        long started = System.nanoTime();
        var response = call(impatient, post(intentBody("sso")).build());
        long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();

        assertError(response, 502, "workos_unavailable");
        assertEquals("Unable to open the WorkOS Admin Portal.", json(response).get("message").asText());
        assertTrue(elapsedMs < 1_200, "the timeout budget bounds the call, retries included: " + elapsedMs + " ms");
        AuditEntry entry = auditEntries().get(0);
        assertEquals(PortalLinksHandler.AUDIT_FAILED, entry.type());
        assertTrue(entry.summary().contains("did not answer in time"), entry.summary());
        // The emulator answers the abandoned attempt later; wait for it so it cannot land in the next test.
        tap.awaitGenerateLinkCalls(1, Duration.ofSeconds(5));
        assertEquals(1, tap.generateLinkCalls().size(), "a timed-out attempt past the budget is not retried");
    }

    @Test
    void anUnreachableWorkOsIs502() throws Exception {
        seed.ready(orgId);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ApiContract.CheckedHandler unreachable = handler(config("http://127.0.0.1:" + closedPort, 0, 2_000));
        var response = call(unreachable, post(intentBody("sso")).build());
        assertError(response, 502, "workos_unavailable");
        assertTrue(auditEntries().get(0).summary().contains("could not be reached"), auditEntries().get(0).summary());
    }

    @Test
    void anOrganizationWorkOsDoesNotKnowIs502NotALeakOfWorkOsDetails() {
        // Known to the backend, unknown to WorkOS (WorkOS answers 404).
        orgId = "org_only_here_" + REQUESTS.incrementAndGet();
        seed.ready(orgId);
        var response = call(post(intentBody("sso")).build());
        assertError(response, 502, "workos_unavailable");
        assertEquals(404, tap.generateLinkCalls().get(0).status());
        assertTrue(auditEntries().get(0).summary().contains("WorkOS answered 404"), auditEntries().get(0).summary());
    }

    @Test
    void aWrongApiKeyIs502() {
        seed.ready(orgId);
        ApiContract.CheckedHandler wrongKey = handler(config(tap.baseUrl(), 2, 4_000).with(Config.WORKOS_API_KEY, "sk_test_wrong"));
        var response = call(wrongKey, post(intentBody("sso")).build());
        assertError(response, 502, "workos_unavailable");
        assertEquals(1, tap.generateLinkCalls().size(), "401 is not retried");
    }

    @Test
    void whenTheAuditEntryCannotBeWrittenNoLinkIsHandedOut() {
        seed.ready(orgId);
        // An actor too large for a DynamoDB item (400 KB) makes the audit PutItem fail.
        String hugeEmail = "a".repeat(410_000) + "@acme.test";
        var response = call(post(intentBody("sso")).caller("user_admin", orgId, "admin", hugeEmail).build());
        assertEquals(500, response.getStatusCode(), response.getBody());
        assertEquals("internal_error", json(response).get("error").asText());
        assertFalse(response.getBody().contains("/portal/"), response.getBody());
        assertEquals(1, tap.generateLinkCalls().size());
        assertEquals(List.of(), auditEntries());
    }

    // ------------------------------------------------------------------ logs

    @Test
    void neitherTheLinkNorTheBearerTokenNorTheApiKeyReachesTheLogs() {
        seed.ready(orgId);
        String realToken = emulator.control().issueToken("user_admin", orgId, "admin", "ada@acme.test", 300);
        List<APIGatewayV2HTTPResponse> responses = new ArrayList<>();

        String logs = captureLogs(() -> {
            responses.add(call(post(intentBody("sso")).header("authorization", "Bearer " + realToken).build()));
            emulator.control().failNext(3, 500, null, "/portal/generate_link");
            responses.add(call(post(intentBody("dsync")).header("authorization", "Bearer " + realToken).build()));
            emulator.control().clearFaults();
            responses.add(call(post(intentBody("sso")).caller("u", orgId, "member", null)
                    .header("authorization", "Bearer " + realToken).build()));
        });

        assertEquals(201, responses.get(0).getStatusCode());
        assertEquals(502, responses.get(1).getStatusCode());
        assertEquals(403, responses.get(2).getStatusCode());
        String link = json(responses.get(0)).get("link").asText();
        String token = link.substring(link.lastIndexOf('/') + 1);

        assertTrue(logs.contains(requestId), "the capture must see the handler's log lines: " + logs);
        assertTrue(logs.contains("portal link issued"), logs);
        assertTrue(logs.contains("WorkOS generate_link failed"), logs);
        assertFalse(logs.contains(token), "the portal link must never be logged");
        assertFalse(logs.contains("/portal/" + token.substring(0, 8)), "not even part of it");
        assertFalse(logs.contains(realToken), "the bearer token must never be logged");
        assertFalse(logs.contains(realToken.substring(realToken.lastIndexOf('.') + 1)), "nor its signature");
        assertFalse(logs.contains(BEARER.substring(7)), "nor the event's sample token");
        assertFalse(logs.contains(emulator.apiKey()), "nor the WorkOS API key");
        for (String line : logs.strip().split("\n")) {
            if (!line.isBlank()) {
                assertTrue(line.startsWith("{"), "a JSON log line: " + line);
            }
        }
    }

    @Test
    void anotherRouteIs404NotFound() {
        APIGatewayV2HTTPEvent event = post(intentBody("sso")).build();
        event.setRouteKey("GET /organizations/{organizationId}/portal-links");
        assertError(call(event), 404, "not_found");
    }
}
