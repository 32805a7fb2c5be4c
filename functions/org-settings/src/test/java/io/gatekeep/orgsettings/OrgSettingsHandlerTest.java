package io.gatekeep.orgsettings;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.OrgSeed;
import io.gatekeep.testsupport.RequestCounter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PUT it-contacts (and the old tenant plan route, gone) through full API Gateway events against DynamoDB Local. */
class OrgSettingsHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-23T19:00:00Z");
    private static final AtomicInteger ORGS = new AtomicInteger();

    private static String table;
    private static RequestCounter counter;
    private static DynamoDbClient dynamo;
    private static ApiContract.CheckedHandler handler;
    private static OrgSeed seed;

    private String orgId;

    @BeforeAll
    static void startDynamo() {
        LocalDynamo local = LocalDynamo.shared();
        table = local.createTable();
        counter = new RequestCounter();
        dynamo = local.client(counter);
        handler = ApiContract.checked(new OrgSettingsHandler(new Config(Map.of(Config.TABLE_NAME, table)), dynamo,
                Clock.fixed(NOW, ZoneOffset.UTC)));
        seed = new OrgSeed(local.client(), table);
    }

    @BeforeEach
    void newOrganization() {
        orgId = "org_settings_" + ORGS.incrementAndGet();
        counter.reset();
    }

    // ------------------------------------------------------------------ helpers

    private static APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, LocalContext.of("org-settings"));
    }

    private ApiEvents.Builder itContacts(String body) {
        return ApiEvents.load("it-contacts.json").organization(orgId)
                .caller("user_admin", orgId, "admin", "ada@acme.test").requestId("req-it-1").body(body);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) {
        return Json.parse(response.getBody());
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String code) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(code, json(response).get("error").asText(), response.getBody());
        assertFalse(json(response).get("message").asText().isBlank());
    }

    private Map<String, AttributeValue> orgItem() {
        return dynamo.getItem(r -> r.tableName(table).key(Attr.key(Keys.orgPk(orgId), Keys.ORG_SK))).item();
    }

    private List<AuditEntry> auditEntries() {
        return dynamo.query(r -> r.tableName(table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(orgId)))))
                .items().stream().map(AuditEntry::fromItem).toList();
    }

    // ------------------------------------------------------------------ IT contacts

    @Test
    void itContactsAreStoredInOneTransactionWithTheirAuditEntryAndOtherAttributesSurvive() {
        seed.organization(orgId, List.of("old@acme.test"), true);
        counter.reset();

        var response = call(itContacts("{\"emails\": [\"it@acme.test\", \"Bob.Smith+sso@Acme-Corp.example\"]}").build());

        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals(orgId, body.get("organizationId").asText());
        assertEquals(List.of("it@acme.test", "Bob.Smith+sso@Acme-Corp.example"),
                Json.MAPPER.convertValue(body.get("emails"), List.class));
        assertEquals(List.of("TransactWriteItems"), counter.operations());

        Map<String, AttributeValue> item = orgItem();
        assertEquals(List.of("it@acme.test", "Bob.Smith+sso@Acme-Corp.example"), Attr.strList(item, "itContacts"));
        assertTrue(item.get("itContacts").hasL(), "itContacts is an L of S");
        // UpdateItem SET of our attribute only: the WorkOS fields the webhooks wrote are untouched.
        assertEquals("Acme", Attr.str(item, "name"));
        assertEquals("2026-01-01T00:00:00.000Z", Attr.str(item, "updatedAt"));
        assertEquals("event_01HCURSOR", Attr.str(item, "eventsCursor"));
        assertEquals(new Entitlements(true, true), Entitlements.fromItem(item));

        List<AuditEntry> audit = auditEntries();
        assertEquals(1, audit.size());
        AuditEntry entry = audit.get(0);
        assertEquals(OrgSettingsHandler.AUDIT_IT_CONTACTS, entry.type());
        assertEquals("ada@acme.test", entry.actor());
        assertEquals(AuditEntry.Source.GATEKEEP, entry.source());
        assertEquals("req-it-1", entry.requestId());
        assertEquals(NOW, entry.occurredAt());
        assertTrue(entry.id().startsWith("audit_"), entry.id());
        assertTrue(entry.summary().contains("it@acme.test"), entry.summary());
    }

    @Test
    void aSecondPutReplacesTheList() {
        seed.organization(orgId, List.of(), false);
        assertEquals(200, call(itContacts("{\"emails\": [\"a@acme.test\", \"b@acme.test\"]}").build()).getStatusCode());
        assertEquals(200, call(itContacts("{\"emails\": [\"c@acme.test\"]}").build()).getStatusCode());
        assertEquals(List.of("c@acme.test"), Attr.strList(orgItem(), "itContacts"));
        assertEquals(2, auditEntries().size());
    }

    @Test
    void tenAddressesAreAccepted() {
        seed.organization(orgId, List.of(), false);
        String ten = String.join(",", Stream.iterate(1, i -> i + 1).limit(10).map(i -> "\"it" + i + "@acme.test\"").toList());
        var response = call(itContacts("{\"emails\": [" + ten + "]}").build());
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(10, Attr.strList(orgItem(), "itContacts").size());
    }

    static Stream<Arguments> badItContactBodies() {
        String eleven = String.join(",", Stream.iterate(1, i -> i + 1).limit(11).map(i -> "\"it" + i + "@acme.test\"").toList());
        return Stream.of(
                Arguments.of("{}", "emails"),
                Arguments.of("{\"emails\": null}", "emails"),
                Arguments.of("{\"emails\": \"it@acme.test\"}", "emails"),
                Arguments.of("{\"emails\": []}", "emails"),
                Arguments.of("{\"emails\": [" + eleven + "]}", "emails"),
                Arguments.of("{\"emails\": [\"it@acme.test\", \"IT@ACME.TEST\"]}", "emails[1]"),
                Arguments.of("{\"emails\": [\"not-an-email\"]}", "emails[0]"),
                Arguments.of("{\"emails\": [\"it@acme.test\", 42]}", "emails[1]"),
                Arguments.of("{\"emails\": [\"it@acme.test\", null]}", "emails[1]"),
                Arguments.of("{\"emails\": [\" it@acme.test\"]}", "emails[0]"),
                Arguments.of("{\"emails\": [\"it@localhost\"]}", "emails[0]"),
                Arguments.of("{\"emails\": [\"it..ops@acme.test\"]}", "emails[0]"),
                Arguments.of("{\"emails\": [\"it@acme..test\"]}", "emails[0]"),
                Arguments.of("{\"emails\": [\"@acme.test\"]}", "emails[0]"),
                Arguments.of("{\"emails\": [\"a@b@acme.test\"]}", "emails[0]"),
                Arguments.of("{\"emails\": [\"" + "x".repeat(65) + "@acme.test\"]}", "emails[0]"));
    }

    @ParameterizedTest
    @MethodSource("badItContactBodies")
    void badItContactBodiesAre400InvalidRequestNamingTheFieldAndWriteNothing(String body, String field) {
        seed.organization(orgId, List.of("keep@acme.test"), true);
        counter.reset();
        var response = call(itContacts(body).build());
        assertError(response, 400, "invalid_request");
        assertTrue(json(response).get("message").asText().startsWith(field + " "), response.getBody());
        assertEquals(0, counter.total());
        assertEquals(List.of("keep@acme.test"), Attr.strList(orgItem(), "itContacts"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"it@acme.test", "first.last@sub.acme.co.uk", "o'brien+ops@acme-corp.io", "IT@ACME.TEST",
            "x@a1.example", "_ops@acme.test"})
    void plausibleAddressesAreValid(String email) {
        assertTrue(ItContacts.validEmail(email), email);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "it", "it@", "@acme.test", "it@acme", "it@acme.t", "it@-acme.test", "it@acme-.test",
            "it@acme.test.", ".it@acme.test", "it.@acme.test", "it ops@acme.test", "it@acme.test ", "\"it\"@acme.test",
            "it@[127.0.0.1]", "it@acme.123"})
    void implausibleAddressesAreInvalid(String email) {
        assertFalse(ItContacts.validEmail(email), email);
    }

    // ------------------------------------------------------------------ the plan is not the tenant's

    /** The route the page's "Include SSO in the plan" button used: gone from the function, with nothing written. */
    @ParameterizedTest
    @ValueSource(strings = {"owner", "admin"})
    void theOldPlanRouteIsNotServedAndChangesNothing(String role) {
        seed.organization(orgId, List.of("it@acme.test"), false);
        counter.reset();
        APIGatewayV2HTTPEvent event = itContacts("{\"sso\": true, \"directorySync\": true}")
                .caller("user_x", orgId, role, "x@acme.test").build();
        event.setRouteKey("PUT /organizations/{organizationId}/plan");
        event.setRawPath("/organizations/" + orgId + "/plan");
        assertError(call(event), 404, "not_found");
        assertEquals(0, counter.total());
        assertFalse(Attr.flag(orgItem(), Entitlements.SSO));
        assertFalse(Attr.flag(orgItem(), Entitlements.DIRECTORY_SYNC));
        assertEquals(0, auditEntries().size());
    }

    @Test
    void itContactsNeverTouchThePlan() {
        seed.organization(orgId, List.of("it@acme.test"), false);
        var response = call(itContacts("{\"emails\": [\"a@acme.test\"], \"sso\": true, \"directorySync\": true}").build());
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(new Entitlements(false, false), Entitlements.fromItem(orgItem()));
    }

    @Test
    void malformedOrMissingJsonIsInvalidRequestAndWritesNothing() {
        seed.organization(orgId, List.of("keep@acme.test"), true);
        counter.reset();
        for (String body : new String[] {"{not json", "[]", "", "\"x\"", "null", "{\"emails\": [\"a@acme.test\"], \"emails\": [\"b@acme.test\"]}",
                "{\"emails\": [\"a@acme.test\"]}garbage", "{\"emails\": [\"a@acme.test\"]} {\"emails\": [\"x@evil.example\"]}",
                "{\"emails\": [\"a@acme.test\"]}}"}) {
            var response = call(ApiEvents.load("it-contacts.json").organization(orgId)
                    .caller("user_admin", orgId, "admin", "ada@acme.test").body(body).build());
            assertError(response, 400, "invalid_request");
        }
        assertEquals(0, counter.total());
        assertEquals(List.of("keep@acme.test"), Attr.strList(orgItem(), "itContacts"));
    }

    // ------------------------------------------------------------------ who may change settings

    static Stream<Arguments> roles() {
        return Stream.of(
                Arguments.of("owner", 200),
                Arguments.of("admin", 200),
                Arguments.of("Admin", 403),
                Arguments.of(" admin", 403),
                Arguments.of("owner\u0000", 403),
                Arguments.of("\u001fadmin", 403),
                Arguments.of("OWNER", 403),
                Arguments.of("member", 403),
                Arguments.of("billing", 403),
                Arguments.of(null, 403));
    }

    @ParameterizedTest
    @MethodSource("roles")
    void onlyOwnersAndAdminsMayChangeSettings(String role, int status) {
        seed.organization(orgId, List.of("keep@acme.test"), false);
        var contacts = call(itContacts("{\"emails\": [\"new@acme.test\"]}").caller("user_x", orgId, role, "x@acme.test").build());
        assertEquals(status, contacts.getStatusCode(), contacts.getBody());
        if (status == 403) {
            assertError(contacts, 403, "forbidden");
            assertEquals(List.of("keep@acme.test"), Attr.strList(orgItem(), "itContacts"));
            assertEquals(0, auditEntries().size());
        } else {
            assertEquals(List.of("new@acme.test"), Attr.strList(orgItem(), "itContacts"));
            assertEquals(1, auditEntries().size());
        }
    }

    @Test
    void aTokenForAnotherOrganizationIsForbiddenAndWritesNothing() {
        seed.organization(orgId, List.of("keep@acme.test"), false);
        seed.organization("org_other", List.of("other@acme.test"), false);
        counter.reset();
        var response = call(itContacts("{\"emails\": [\"new@acme.test\"]}").caller("user_admin", "org_other", "owner", "o@acme.test").build());
        assertError(response, 403, "forbidden");
        assertEquals(0, counter.total());
        assertEquals(List.of("keep@acme.test"), Attr.strList(orgItem(), "itContacts"));
    }

    @Test
    void noClaimsIs401() {
        seed.organization(orgId, List.of(), false);
        assertError(call(itContacts("{\"emails\": [\"a@acme.test\"]}").claims(null).build()), 401, "unauthenticated");
        assertError(call(itContacts("{\"emails\": [\"a@acme.test\"]}").claims(Map.of("org_id", orgId, "role", "admin")).build()),
                401, "unauthenticated");
    }

    @Test
    void noOrganizationInThePathOrTheSessionIsOrganizationRequired() {
        var noPath = call(itContacts("{\"emails\": [\"a@acme.test\"]}").pathParameter("organizationId", null).build());
        assertError(noPath, 400, "organization_required");
        assertEquals("Select an organization before continuing.", json(noPath).get("message").asText());
        var noSession = call(itContacts("{\"emails\": [\"a@acme.test\"]}").caller("user_admin", null, "admin", "ada@acme.test").build());
        assertError(noSession, 400, "organization_required");
    }

    @Test
    void anUnknownOrDeletedOrganizationIs404AndNothingIsWrittenOrCreated() {
        var unknown = call(itContacts("{\"emails\": [\"a@acme.test\"]}").build());
        assertError(unknown, 404, "organization_not_found");
        assertTrue(orgItem().isEmpty(), "the organization item is never created here");
        assertEquals(0, auditEntries().size(), "no audit entry without its change");

        seed.deletedOrganization(orgId);
        assertError(call(itContacts("{\"emails\": [\"a@acme.test\"]}").build()), 404, "organization_not_found");
        assertError(call(itContacts("{\"emails\": [\"a@acme.test\"]}").build()), 404, "organization_not_found");
        Map<String, AttributeValue> tombstone = orgItem();
        assertTrue(Attr.flag(tombstone, Entitlements.SSO), "the tombstone is left as it was");
        assertEquals(List.of("it@gone.test"), Attr.strList(tombstone, "itContacts"));
        assertEquals(0, auditEntries().size());
    }

    @Test
    void checksComeInTheContractsOrder() {
        // 401 before everything
        assertError(call(itContacts("{not json").claims(null).pathParameter("organizationId", null).build()), 401, "unauthenticated");
        // organization_required before a bad body
        assertError(call(itContacts("{not json").pathParameter("organizationId", null).build()), 400, "organization_required");
        // a bad body before forbidden (member, and another organization)
        assertError(call(itContacts("{\"emails\": 1}").caller("u", orgId, "member", null).build()), 400, "invalid_request");
        assertError(call(itContacts("{\"emails\": []}").caller("u", "org_other", "owner", null).build()), 400, "invalid_request");
        // forbidden before organization_not_found (the organization does not exist)
        assertError(call(itContacts("{\"emails\": [\"a@acme.test\"]}").caller("u", orgId, "member", null).build()), 403, "forbidden");
        assertError(call(itContacts("{\"emails\": [\"a@acme.test\"]}").caller("u", "org_other", "owner", null).build()), 403, "forbidden");
        // then 404
        assertError(call(itContacts("{\"emails\": [\"a@acme.test\"]}").build()), 404, "organization_not_found");
    }

    @Test
    void anotherRouteIs404NotFound() {
        APIGatewayV2HTTPEvent event = itContacts("{\"emails\": [\"a@acme.test\"]}").build();
        event.setRouteKey("PUT /organizations/{organizationId}/name");
        assertError(call(event), 404, "not_found");
    }
}
