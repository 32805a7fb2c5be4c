package io.gatekeep.orgsettings;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.testsupport.ApiEvents;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.gatekeep.orgsettings.OrgSettingsFixture.NOW;
import static io.gatekeep.orgsettings.OrgSettingsFixture.assertError;
import static io.gatekeep.orgsettings.OrgSettingsFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PUT it-contacts (and the old tenant plan route, gone) through full API Gateway events against DynamoDB Local. */
class OrgSettingsHandlerTest {
    private static OrgSettingsFixture fx;

    private String orgId;

    @BeforeAll
    static void startDynamo() {
        fx = new OrgSettingsFixture("org-settings", OrgSettingsHandler::new);
    }

    @BeforeEach
    void newOrganization() {
        orgId = fx.newOrganization("org_settings_");
    }

    // ------------------------------------------------------------------ helpers

    private ApiEvents.Builder itContacts(String body) {
        return ApiEvents.load("it-contacts.json").organization(orgId)
                .caller("user_admin", orgId, "admin", "ada@acme.test").requestId("req-it-1").body(body);
    }

    // ------------------------------------------------------------------ IT contacts

    @Test
    void itContactsAreStoredInOneTransactionWithTheirAuditEntryAndOtherAttributesSurvive() {
        fx.seed.organization(orgId, List.of("old@acme.test"), true);
        fx.counter.reset();

        var response = fx.call(itContacts("{\"emails\": [\"it@acme.test\", \"Bob.Smith+sso@Acme-Corp.example\"]}").build());

        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals(orgId, body.get("organizationId").asText());
        assertEquals(List.of("it@acme.test", "Bob.Smith+sso@Acme-Corp.example"),
                Json.MAPPER.convertValue(body.get("emails"), List.class));
        assertEquals(List.of("TransactWriteItems"), fx.counter.operations());

        Map<String, AttributeValue> item = fx.orgItem(orgId);
        assertEquals(List.of("it@acme.test", "Bob.Smith+sso@Acme-Corp.example"), Attr.strList(item, "itContacts"));
        assertTrue(item.get("itContacts").hasL(), "itContacts is an L of S");
        // UpdateItem SET of our attribute only: the WorkOS fields the webhooks wrote are untouched.
        assertEquals("Acme", Attr.str(item, "name"));
        assertEquals("2026-01-01T00:00:00.000Z", Attr.str(item, "updatedAt"));
        assertEquals("event_01HCURSOR", Attr.str(item, "eventsCursor"));
        assertEquals(new Entitlements(true, true), Entitlements.fromItem(item));

        List<AuditEntry> audit = fx.auditEntries(orgId);
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
        fx.seed.organization(orgId, List.of(), false);
        assertEquals(200, fx.call(itContacts("{\"emails\": [\"a@acme.test\", \"b@acme.test\"]}").build()).getStatusCode());
        assertEquals(200, fx.call(itContacts("{\"emails\": [\"c@acme.test\"]}").build()).getStatusCode());
        assertEquals(List.of("c@acme.test"), Attr.strList(fx.orgItem(orgId), "itContacts"));
        assertEquals(2, fx.auditEntries(orgId).size());
    }

    @Test
    void tenAddressesAreAccepted() {
        fx.seed.organization(orgId, List.of(), false);
        String ten = String.join(",", Stream.iterate(1, i -> i + 1).limit(10).map(i -> "\"it" + i + "@acme.test\"").toList());
        var response = fx.call(itContacts("{\"emails\": [" + ten + "]}").build());
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(10, Attr.strList(fx.orgItem(orgId), "itContacts").size());
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
        fx.seed.organization(orgId, List.of("keep@acme.test"), true);
        fx.counter.reset();
        var response = fx.call(itContacts(body).build());
        assertError(response, 400, "invalid_request");
        assertTrue(json(response).get("message").asText().startsWith(field + " "), response.getBody());
        assertEquals(0, fx.counter.total());
        assertEquals(List.of("keep@acme.test"), Attr.strList(fx.orgItem(orgId), "itContacts"));
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
        fx.seed.organization(orgId, List.of("it@acme.test"), false);
        fx.counter.reset();
        APIGatewayV2HTTPEvent event = itContacts("{\"sso\": true, \"directorySync\": true}")
                .caller("user_x", orgId, role, "x@acme.test").build();
        event.setRouteKey("PUT /organizations/{organizationId}/plan");
        event.setRawPath("/organizations/" + orgId + "/plan");
        assertError(fx.call(event), 404, "not_found");
        assertEquals(0, fx.counter.total());
        assertFalse(Attr.flag(fx.orgItem(orgId), Entitlements.SSO));
        assertFalse(Attr.flag(fx.orgItem(orgId), Entitlements.DIRECTORY_SYNC));
        assertEquals(0, fx.auditEntries(orgId).size());
    }

    @Test
    void itContactsNeverTouchThePlan() {
        fx.seed.organization(orgId, List.of("it@acme.test"), false);
        var response = fx.call(itContacts("{\"emails\": [\"a@acme.test\"], \"sso\": true, \"directorySync\": true}").build());
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(new Entitlements(false, false), Entitlements.fromItem(fx.orgItem(orgId)));
    }

    @Test
    void malformedOrMissingJsonIsInvalidRequestAndWritesNothing() {
        fx.seed.organization(orgId, List.of("keep@acme.test"), true);
        fx.counter.reset();
        for (String body : new String[] {"{not json", "[]", "", "\"x\"", "null", "{\"emails\": [\"a@acme.test\"], \"emails\": [\"b@acme.test\"]}",
                "{\"emails\": [\"a@acme.test\"]}garbage", "{\"emails\": [\"a@acme.test\"]} {\"emails\": [\"x@evil.example\"]}",
                "{\"emails\": [\"a@acme.test\"]}}"}) {
            var response = fx.call(ApiEvents.load("it-contacts.json").organization(orgId)
                    .caller("user_admin", orgId, "admin", "ada@acme.test").body(body).build());
            assertError(response, 400, "invalid_request");
        }
        assertEquals(0, fx.counter.total());
        assertEquals(List.of("keep@acme.test"), Attr.strList(fx.orgItem(orgId), "itContacts"));
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
        fx.seed.organization(orgId, List.of("keep@acme.test"), false);
        var contacts = fx.call(itContacts("{\"emails\": [\"new@acme.test\"]}").caller("user_x", orgId, role, "x@acme.test").build());
        assertEquals(status, contacts.getStatusCode(), contacts.getBody());
        if (status == 403) {
            assertError(contacts, 403, "forbidden");
            assertEquals(List.of("keep@acme.test"), Attr.strList(fx.orgItem(orgId), "itContacts"));
            assertEquals(0, fx.auditEntries(orgId).size());
        } else {
            assertEquals(List.of("new@acme.test"), Attr.strList(fx.orgItem(orgId), "itContacts"));
            assertEquals(1, fx.auditEntries(orgId).size());
        }
    }

    @Test
    void aTokenForAnotherOrganizationIsForbiddenAndWritesNothing() {
        fx.seed.organization(orgId, List.of("keep@acme.test"), false);
        fx.seed.organization("org_other", List.of("other@acme.test"), false);
        fx.counter.reset();
        var response = fx.call(itContacts("{\"emails\": [\"new@acme.test\"]}").caller("user_admin", "org_other", "owner", "o@acme.test").build());
        assertError(response, 403, "forbidden");
        assertEquals(0, fx.counter.total());
        assertEquals(List.of("keep@acme.test"), Attr.strList(fx.orgItem(orgId), "itContacts"));
    }

    @Test
    void noClaimsIs401() {
        fx.seed.organization(orgId, List.of(), false);
        assertError(fx.call(itContacts("{\"emails\": [\"a@acme.test\"]}").claims(null).build()), 401, "unauthenticated");
        assertError(fx.call(itContacts("{\"emails\": [\"a@acme.test\"]}").claims(Map.of("org_id", orgId, "role", "admin")).build()),
                401, "unauthenticated");
    }

    @Test
    void noOrganizationInThePathOrTheSessionIsOrganizationRequired() {
        var noPath = fx.call(itContacts("{\"emails\": [\"a@acme.test\"]}").pathParameter("organizationId", null).build());
        assertError(noPath, 400, "organization_required");
        assertEquals("Select an organization before continuing.", json(noPath).get("message").asText());
        var noSession = fx.call(itContacts("{\"emails\": [\"a@acme.test\"]}").caller("user_admin", null, "admin", "ada@acme.test").build());
        assertError(noSession, 400, "organization_required");
    }

    @Test
    void anUnknownOrDeletedOrganizationIs404AndNothingIsWrittenOrCreated() {
        var unknown = fx.call(itContacts("{\"emails\": [\"a@acme.test\"]}").build());
        assertError(unknown, 404, "organization_not_found");
        assertTrue(fx.orgItem(orgId).isEmpty(), "the organization item is never created here");
        assertEquals(0, fx.auditEntries(orgId).size(), "no audit entry without its change");

        fx.seed.deletedOrganization(orgId);
        assertError(fx.call(itContacts("{\"emails\": [\"a@acme.test\"]}").build()), 404, "organization_not_found");
        assertError(fx.call(itContacts("{\"emails\": [\"a@acme.test\"]}").build()), 404, "organization_not_found");
        Map<String, AttributeValue> tombstone = fx.orgItem(orgId);
        assertTrue(Attr.flag(tombstone, Entitlements.SSO), "the tombstone is left as it was");
        assertEquals(List.of("it@gone.test"), Attr.strList(tombstone, "itContacts"));
        assertEquals(0, fx.auditEntries(orgId).size());
    }

    @Test
    void checksComeInTheContractsOrder() {
        // 401 before everything
        assertError(fx.call(itContacts("{not json").claims(null).pathParameter("organizationId", null).build()), 401, "unauthenticated");
        // organization_required before a bad body
        assertError(fx.call(itContacts("{not json").pathParameter("organizationId", null).build()), 400, "organization_required");
        // a bad body before forbidden (member, and another organization)
        assertError(fx.call(itContacts("{\"emails\": 1}").caller("u", orgId, "member", null).build()), 400, "invalid_request");
        assertError(fx.call(itContacts("{\"emails\": []}").caller("u", "org_other", "owner", null).build()), 400, "invalid_request");
        // forbidden before organization_not_found (the organization does not exist)
        assertError(fx.call(itContacts("{\"emails\": [\"a@acme.test\"]}").caller("u", orgId, "member", null).build()), 403, "forbidden");
        assertError(fx.call(itContacts("{\"emails\": [\"a@acme.test\"]}").caller("u", "org_other", "owner", null).build()), 403, "forbidden");
        // then 404
        assertError(fx.call(itContacts("{\"emails\": [\"a@acme.test\"]}").build()), 404, "organization_not_found");
    }

    @Test
    void anotherRouteIs404NotFound() {
        APIGatewayV2HTTPEvent event = itContacts("{\"emails\": [\"a@acme.test\"]}").build();
        event.setRouteKey("PUT /organizations/{organizationId}/name");
        assertError(fx.call(event), 404, "not_found");
    }
}
