package io.gatekeep.identityhealth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.projection.ApplyOutcome;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.WorkOsEvent;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.RequestCounter;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Is SSO proven?" in connection health: sign-in and membership events in WorkOS's shapes applied by
 * the real projection to DynamoDB Local, then GET .../identity-health through a full API Gateway
 * event, still one Query: tested by role since the connection last became active, the warning when
 * only one role was tested, and a failed sign-in's reason mapped to the troubleshooting guide's fix.
 */
class SignInHealthTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final String CONN = "conn_01HPROOF00000000000000001";
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String org = "org_proof_" + IDS.incrementAndGet();
    private final String table;
    private final Projection projection;
    private final ApiContract.CheckedHandler handler;
    private final RequestCounter counter = new RequestCounter();

    SignInHealthTest() {
        LocalDynamo local = LocalDynamo.shared();
        table = local.createTable();
        DynamoDbClient client = local.client();
        projection = new Projection(client, table, Clock.systemUTC());
        handler = ApiContract.checked(new IdentityHealthHandler(new Config(Map.of(Config.TABLE_NAME, table)), local.client(counter),
                Clock.fixed(NOW, ZoneOffset.UTC)));
        apply("organization.created", 0, "{\"id\":\"" + org + "\",\"name\":\"Acme\",\"updated_at\":\"" + at(0) + "\"}");
    }

    private static String at(int minute) {
        return String.format("2026-06-01T10:%02d:00.000Z", minute);
    }

    private ApplyOutcome apply(String name, int minute, String data) {
        String body = "{\"object\":\"event\",\"id\":\"event_" + IDS.incrementAndGet() + "\",\"event\":\"" + name
                + "\",\"created_at\":\"" + at(minute) + "\",\"data\":" + data + "}";
        ApplyOutcome outcome = projection.apply(WorkOsEvent.parse(body));
        assertEquals(ApplyOutcome.Status.APPLIED, outcome.status(), body + " -> " + outcome);
        return outcome;
    }

    private void connection(String state, int minute) {
        apply(state.equals("active") ? "connection.activated" : "connection.deactivated", minute,
                "{\"object\":\"connection\",\"id\":\"" + CONN + "\",\"organization_id\":\"" + org + "\",\"state\":\"" + state
                        + "\",\"name\":\"Acme Okta\",\"connection_type\":\"OktaSAML\",\"created_at\":\"" + at(1)
                        + "\",\"updated_at\":\"" + at(minute) + "\"}");
    }

    private void member(String user, String role, int minute) {
        apply("organization_membership.created", minute, "{\"object\":\"organization_membership\",\"id\":\"om_" + user
                + "\",\"user_id\":\"" + user + "\",\"organization_id\":\"" + org + "\",\"status\":\"active\",\"role\":{\"slug\":\""
                + role + "\"},\"roles\":[{\"slug\":\"" + role + "\"}],\"custom_attributes\":{},\"directory_managed\":false,"
                + "\"created_at\":\"" + at(minute) + "\",\"updated_at\":\"" + at(minute) + "\"}");
    }

    private void signIn(String user, int minute) {
        apply("authentication.sso_succeeded", minute, "{\"type\":\"sso\",\"status\":\"succeeded\",\"ip_address\":\"203.0.113.42\","
                + "\"user_agent\":\"Mozilla/5.0\",\"user_id\":\"" + user + "\",\"email\":\"" + user + "@acme.test\",\"sso\":{"
                + "\"organization_id\":\"" + org + "\",\"connection_id\":\"" + CONN + "\",\"session_id\":\"sess_1\"}}");
    }

    private void failure(String user, int minute, String code, String message) {
        apply("authentication.sso_failed", minute, "{\"type\":\"sso\",\"status\":\"failed\",\"ip_address\":null,"
                + "\"user_agent\":null,\"user_id\":null,\"email\":\"" + user + "@acme.test\",\"sso\":{"
                + "\"organization_id\":\"" + org + "\",\"connection_id\":\"" + CONN + "\",\"session_id\":null},"
                + "\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }

    private JsonNode sso() {
        counter.reset();
        APIGatewayV2HTTPResponse r = handler.handleRequest(ApiEvents.load("identity-health.json").organization(org)
                .caller("user_x", org, "member", "x@acme.test").build(), LocalContext.of("identity-health"));
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertEquals(1, counter.total(), "health stays one Query");
        return Json.parse(r.getBody()).get("sso");
    }

    @Test
    void anAdminThenAMemberProveSsoAndTheWarningGoes() {
        connection("active", 2);
        JsonNode sso = sso();
        assertEquals(1, sso.get("signIns").size());
        assertEquals(at(2), sso.at("/signIns/0/activeSince").asText());
        assertTrue(sso.at("/signIns/0/testedByRole/admin").isNull());
        assertEquals("Test sign-in as an admin and as a member", sso.at("/signInTest/label").asText());
        assertFalse(sso.at("/signInTest/done").asBoolean());
        assertEquals(0, sso.get("warnings").size(), "nothing tested yet is the checklist's to say, not a warning");

        member("user_ada", "admin", 3);
        signIn("user_ada", 4);
        sso = sso();
        assertEquals("user_ada@acme.test", sso.at("/signIns/0/testedByRole/admin/email").asText());
        assertEquals(at(4), sso.at("/signIns/0/testedByRole/admin/at").asText());
        assertEquals("admin", sso.at("/signIns/0/testedByRole/admin/role").asText());
        assertTrue(sso.at("/signIns/0/testedByRole/member").isNull());
        assertFalse(sso.at("/signIns/0/proven").asBoolean());
        assertEquals(1, sso.get("warnings").size());
        assertEquals("sign_in_tested_for_one_role", sso.at("/warnings/0/code").asText());
        assertEquals("Only an admin has signed in through Acme Okta since it became active. Test sign-in as a member too."
                + " Avoid testing only one role and assuming the full setup is safe.", sso.at("/warnings/0/message").asText());
        assertTrue(sso.get("blockers").toString().equals("[]") || !sso.get("blockers").toString().contains("sign_in"),
                "a warning, never a gate");

        signIn("user_bob", 5); // before bob's membership arrives: waits for the role
        assertTrue(sso().at("/signIns/0/testedByRole/member").isNull());
        member("user_bob", "member", 4);
        sso = sso();
        assertEquals("user_bob@acme.test", sso.at("/signIns/0/testedByRole/member/email").asText());
        assertEquals(at(5), sso.at("/signIns/0/testedByRole/member/at").asText());
        assertTrue(sso.at("/signIns/0/proven").asBoolean());
        assertTrue(sso.at("/signInTest/done").asBoolean());
        assertEquals(0, sso.get("warnings").size());
        assertEquals("user_bob@acme.test", sso.at("/signIns/0/lastSuccess/email").asText());
    }

    @Test
    void aFailedSignInShowsTheGuidesFixForItsReason() {
        connection("active", 2);
        failure("user_cy", 3, "invalid_saml_response", "SAML Audience mismatch: the audience is not the SP Entity ID");
        JsonNode sso = sso();
        JsonNode failure = sso.at("/signIns/0/lastFailure");
        assertEquals("invalid_saml_response", failure.get("code").asText());
        assertEquals("user_cy@acme.test", failure.get("email").asText());
        assertEquals("SAML Audience mismatch", failure.at("/nextStep/problem").asText());
        assertEquals("Choose Manage SSO, then copy the exact SP Entity ID from the connection in the Admin Portal; paste it into your identity provider's audience/entity field.", failure.at("/nextStep/fix").asText());
        assertEquals("sso", failure.at("/nextStep/portalIntent").asText());
        assertEquals(failure.get("nextStep"), sso.get("nextStep"), "the failure is the SSO next step while nothing succeeded since");

        member("user_ada", "admin", 3);
        signIn("user_ada", 4);
        sso = sso();
        assertTrue(sso.get("nextStep").isNull(), "a success after the failure: SSO works again");
        assertEquals("SAML Audience mismatch", sso.at("/signIns/0/lastFailure/nextStep/problem").asText(), "still shown with its fix");

        int minute = 10;
        for (String reason : List.of("Recipient mismatch", "Signature invalid", "Response expired", "NameID missing")) {
            failure("user_cy", minute++, "sso_failed", "SAML " + reason);
            JsonNode step = sso().at("/signIns/0/lastFailure/nextStep");
            assertEquals("SAML " + reason, step.get("problem").asText(), reason);
            boolean inTheIdentityProvider = reason.equals("Response expired") || reason.equals("NameID missing");
            assertEquals(inTheIdentityProvider ? null : "sso", step.get("portalIntent").textValue(),
                    reason + ": fixed in the Admin Portal, or in the identity provider alone (its clock, its NameID mapping)");
        }
        JsonNode nameId = sso().at("/signIns/0/lastFailure/nextStep");
        assertEquals("Add a NameID mapping in your identity provider's attribute configuration. Nothing changes in the Admin Portal.",
                nameId.get("fix").asText());
        assertTrue(nameId.get("portalIntent").isNull(), "fixed in the identity provider alone: no Admin Portal to open");
        failure("user_cy", 30, "authentication_method_not_allowed", "SSO is disabled for this environment.");
        JsonNode last = sso().at("/signIns/0/lastFailure");
        assertTrue(last.get("nextStep").isNull(), "a reason the guide has no row for is shown as WorkOS gave it");
        assertEquals("SSO is disabled for this environment.", last.get("message").asText());
    }

    @Test
    void proofCountsOnlySinceTheConnectionLastBecameActive() {
        connection("active", 2);
        member("user_ada", "owner", 3);
        member("user_bob", "member", 3);
        signIn("user_ada", 4);
        signIn("user_bob", 5);
        assertTrue(sso().at("/signIns/0/proven").asBoolean());
        connection("inactive", 6);
        assertEquals(0, sso().get("signIns").size(), "only active connections are proven");
        connection("active", 7);
        JsonNode sso = sso();
        assertEquals(at(7), sso.at("/signIns/0/activeSince").asText());
        assertTrue(sso.at("/signIns/0/testedByRole/admin").isNull(), "signed in before it last became active");
        assertFalse(sso.at("/signInTest/done").asBoolean());
        signIn("user_ada", 8);
        assertEquals("owner", sso().at("/signIns/0/testedByRole/admin/role").asText(), "an owner proves the admin path");
    }
}
