package io.gatekeep.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.workos.models.AuthenticationSSOFailed;
import com.workos.models.AuthenticationSSOSucceeded;
import com.workos.models.AuthenticationSSOTimedOut;
import com.workos.models.OrganizationMembershipCreated;
import com.workos.models.OrganizationMembershipDeleted;
import com.workos.models.OrganizationMembershipUpdated;
import com.workos.models.UserCreated;
import com.workos.models.WorkOSEvent;
import com.workos.types.GenerateLinkIntent;
import com.workos.webhooks.Webhook;
import io.gatekeep.catalogue.WorkOsCatalogue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sign-in simulation (control API {@code POST /_emulator/connections/{id}/sign_ins} and the portal's
 * "Test sign-in") against WorkOS's published facts: every event is a catalogue event type carrying the data
 * WorkOS always sends, and every signed webhook parses as the WorkOS Java SDK's typed event for its name.
 */
class SignInSimulationTest extends EmulatorTestBase {
    static final String SECRET = "whsec_sign_ins";
    EmulatorControl control;
    TestSupport.Receiver receiver;
    Snapshot.Organization org;
    Snapshot.Connection conn;

    @BeforeEach
    void setUp() {
        control = emu.control();
        control.clearFaults();
        control.reset();
        receiver = new TestSupport.Receiver();
        control.registerWebhook(receiver.url(), SECRET);
        org = control.createOrganization("Acme", DomainSpec.verified("acme.com"));
        conn = control.createConnection(org.id(), "OktaSAML", "Acme Okta", "active");
    }

    @AfterEach
    void tearDown() {
        control.awaitDeliveries(Duration.ofSeconds(5));
        receiver.close();
    }

    private static TestSupport.Response signIn(String connectionId, String json) {
        return TestSupport.send(emu, "POST", "/_emulator/connections/" + connectionId + "/sign_ins", json);
    }

    private static List<String> names(JsonNode answer) {
        List<String> names = new ArrayList<>();
        answer.get("events").forEach(e -> names.add(e.get("event").asText()));
        return names;
    }

    /** The typed SDK events of the webhooks delivered so far, each verified with the endpoint's secret. */
    private List<WorkOSEvent> delivered() throws Exception {
        assertTrue(control.awaitDeliveries(Duration.ofSeconds(10)));
        List<WorkOSEvent> typed = new ArrayList<>();
        for (TestSupport.Receiver.Hit hit : receiver.hits) {
            typed.add(new Webhook().constructTypedEvent(hit.body(), hit.signature(), SECRET));
        }
        return typed;
    }

    @Test
    void aFirstSignInProvisionsTheUserAndMembershipThenSucceedsAsTheSdkReadsIt() throws Exception {
        TestSupport.Response r = signIn(conn.id(), "{\"email\":\"Ada@acme.com\",\"role\":\"admin\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals(List.of("user.created", "organization_membership.created", "authentication.sso_succeeded"), names(r.json()));

        List<WorkOSEvent> typed = delivered();
        UserCreated user = (UserCreated) typed.get(typed.size() - 3);
        OrganizationMembershipCreated membership = (OrganizationMembershipCreated) typed.get(typed.size() - 2);
        AuthenticationSSOSucceeded success = (AuthenticationSSOSucceeded) typed.get(typed.size() - 1);
        assertEquals("ada@acme.com", user.getData().getEmail());
        assertEquals(user.getData().getId(), membership.getData().getUserId());
        assertEquals(org.id(), membership.getData().getOrganizationId());
        assertEquals("admin", membership.getData().getRole().getSlug());
        assertFalse(membership.getData().getDirectoryManaged(), "ada is no directory user of Acme");
        assertEquals(user.getData().getId(), success.getData().getUserId());
        assertEquals("ada@acme.com", success.getData().getEmail());
        assertEquals(conn.id(), success.getData().getSso().getConnectionId());
        assertEquals(org.id(), success.getData().getSso().getOrganizationId());
        assertTrue(success.getData().getSso().getSessionId().startsWith("sess_"));
        assertEquals("succeeded", success.getData().getStatus());

        // the same person again as a member: the membership is updated, no second user
        JsonNode again = signIn(conn.id(), "{\"email\":\"ada@acme.com\",\"role\":\"member\"}").json();
        assertEquals(List.of("organization_membership.updated", "authentication.sso_succeeded"), names(again));
        typed = delivered();
        OrganizationMembershipUpdated updated = (OrganizationMembershipUpdated) typed.get(typed.size() - 2);
        assertEquals("member", updated.getData().getRole().getSlug());
        assertEquals(membership.getData().getId(), updated.getData().getId());
        // and with the role unchanged, only the sign-in
        assertEquals(List.of("authentication.sso_succeeded"),
                names(signIn(conn.id(), "{\"email\":\"ada@acme.com\",\"role\":\"member\"}").json()));
    }

    @Test
    void aPersonTakenOutOfTheOrganizationEndsTheMembershipAsTheSdkReadsIt() throws Exception {
        signIn(conn.id(), "{\"email\":\"ada@acme.com\",\"role\":\"admin\"}");
        TestSupport.Response removed = TestSupport.send(emu, "DELETE",
                "/_emulator/organizations/" + org.id() + "/memberships/ada@acme.com", null);
        assertEquals(200, removed.status(), removed.body());
        assertEquals("organization_membership.deleted", removed.json().get("event").asText());

        List<WorkOSEvent> typed = delivered();
        OrganizationMembershipCreated created = (OrganizationMembershipCreated) typed.get(typed.size() - 3);
        OrganizationMembershipDeleted deleted = (OrganizationMembershipDeleted) typed.get(typed.size() - 1);
        assertEquals(created.getData().getId(), deleted.getData().getId());
        assertEquals(org.id(), deleted.getData().getOrganizationId());
        assertEquals("admin", deleted.getData().getRole().getSlug());
        // a second removal finds no membership; a new sign-in makes a new one
        assertEquals(404, TestSupport.send(emu, "DELETE",
                "/_emulator/organizations/" + org.id() + "/memberships/ada@acme.com", null).status());
        assertEquals(List.of("organization_membership.created", "authentication.sso_succeeded"),
                names(signIn(conn.id(), "{\"email\":\"ada@acme.com\",\"role\":\"member\"}").json()));
    }

    @Test
    void failuresCarryTheirReasonAndProvisionNothing() throws Exception {
        JsonNode failed = signIn(conn.id(), "{\"email\":\"bob@acme.com\",\"outcome\":\"failed\",\"reason\":\"audience_mismatch\"}").json();
        assertEquals(List.of("authentication.sso_failed"), names(failed));
        JsonNode timedOut = signIn(conn.id(), "{\"email\":\"bob@acme.com\",\"outcome\":\"timed_out\"}").json();
        assertEquals(List.of("authentication.sso_timed_out"), names(timedOut));

        List<WorkOSEvent> typed = delivered();
        AuthenticationSSOFailed f = (AuthenticationSSOFailed) typed.get(typed.size() - 2);
        assertNull(f.getData().getUserId(), "nobody was provisioned");
        assertEquals("bob@acme.com", f.getData().getEmail());
        assertEquals(conn.id(), f.getData().getSso().getConnectionId());
        assertNull(f.getData().getSso().getSessionId());
        assertEquals("saml_audience_mismatch", f.getData().getError().getCode());
        assertTrue(f.getData().getError().getMessage().startsWith("SAML Audience mismatch:"), f.getData().getError().getMessage());
        AuthenticationSSOTimedOut t = (AuthenticationSSOTimedOut) typed.get(typed.size() - 1);
        assertEquals("timed_out", t.getData().getStatus());
        assertEquals(0, control.events().stream().filter(e -> !e.event().startsWith("authentication.")
                && (e.event().startsWith("user.") || e.event().startsWith("organization_membership."))).count());
    }

    @Test
    void everySignInEventIsAWorkOsEventWithTheDataWorkOsAlwaysSends() {
        var dir = control.createDirectory(org.id(), "okta scim v2.0", "Acme SCIM", "linked");
        control.createUser(dir.id(), "grace@acme.com", "Grace", "Hopper");
        control.signIn(conn.id(), "grace@acme.com", "admin", "succeeded", null);
        control.signIn(conn.id(), "grace@acme.com", "member", "succeeded", null);
        for (String reason : SsoSignIns.Failure.wireNames()) {
            control.signIn(conn.id(), "grace@acme.com", null, "failed", reason);
        }
        control.signIn(conn.id(), "grace@acme.com", null, "timed_out", null);
        WorkOsCatalogue catalogue = WorkOsCatalogue.get();
        List<String> problems = new ArrayList<>();
        List<StoredEvent> signIns = control.events().stream()
                .filter(e -> e.event().startsWith("authentication.") || e.event().startsWith("organization_membership.")
                        || e.event().startsWith("user."))
                .toList();
        assertEquals(5 + SsoSignIns.Failure.wireNames().size() + 1, signIns.size());
        for (StoredEvent e : signIns) {
            var type = catalogue.events().get(e.event());
            if (type == null) {
                problems.add(e.event() + ": not in the WorkOS catalogue");
                continue;
            }
            type.requiredData().stream().filter(f -> !e.data().has(f)).forEach(f -> problems.add(e.event() + ": data lacks " + f));
            if (e.event().startsWith("authentication.")) {
                for (String f : List.of("organization_id", "connection_id", "session_id")) {
                    if (!e.data().path("sso").has(f)) {
                        problems.add(e.event() + ": sso lacks " + f);
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        JsonNode created = signIns.get(1).data();
        assertTrue(created.get("directory_managed").asBoolean(), "grace is a directory user of Acme");
        assertEquals("Grace", signIns.get(0).data().get("first_name").asText());
        List<String> codes = signIns.stream().filter(e -> e.event().equals("authentication.sso_failed"))
                .map(e -> e.data().at("/error/code").asText()).toList();
        assertEquals(SsoSignIns.Failure.wireNames().size(), codes.stream().distinct().count(), "one code per reason: " + codes);
    }

    @Test
    void badSimulationsAreRefusedAndEmitNothing() {
        int before = control.events().size();
        assertEquals(404, signIn("conn_missing", "{\"email\":\"a@acme.com\",\"role\":\"admin\"}").status());
        TestSupport.Response noRole = signIn(conn.id(), "{\"email\":\"a@acme.com\"}");
        assertEquals(400, noRole.status());
        assertTrue(noRole.body().contains("role must be a role slug"), noRole.body());
        TestSupport.Response badReason = signIn(conn.id(), "{\"email\":\"a@acme.com\",\"outcome\":\"failed\",\"reason\":\"timed_out\"}");
        assertEquals(400, badReason.status());
        assertTrue(badReason.body().contains("audience_mismatch"), "names the reasons: " + badReason.body());
        assertEquals(400, signIn(conn.id(), "{\"email\":\"not-an-email\",\"role\":\"admin\"}").status());
        assertEquals(400, signIn(conn.id(), "{\"email\":\"a@acme.com\",\"role\":\"admin\",\"outcome\":\"maybe\"}").status());
        assertEquals(400, signIn(conn.id(), "{\"role\":\"admin\"}").status());
        var draft = control.createConnection(org.id(), "GenericOIDC", "Draft", "draft");
        TestSupport.Response inactive = signIn(draft.id(), "{\"email\":\"a@acme.com\",\"role\":\"admin\"}");
        assertEquals(400, inactive.status());
        assertEquals("invalid_request", inactive.json().get("error").asText());
        assertTrue(inactive.json().get("message").asText().contains("is draft"), inactive.body());
        assertEquals(before, control.events().size());
    }

    @Test
    void thePortalsTestSignInSignsSomeoneInThroughAnActiveConnection() {
        var draft = control.createConnection(org.id(), "GenericOIDC", "Draft OIDC", "draft");
        String link = workos.getAdminPortal().generateLink(org.id(), null, null, GenerateLinkIntent.SSO).getLink();
        String page = TestSupport.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link)).build()).body();
        int active = page.indexOf("data-testid=\"connection-" + conn.id() + "\"");
        int drafted = page.indexOf("data-testid=\"connection-" + draft.id() + "\"");
        assertTrue(active > 0 && drafted > 0, page);
        assertTrue(page.indexOf("data-testid=\"sign-in-test\"", active) > active, "the active connection offers Test sign-in");
        assertEquals(1, page.split("data-testid=\"sign-in-test\"", -1).length - 1, "only the active one");
        assertTrue(page.contains("<option value=\"audience_mismatch\">Fails: SAML Audience mismatch</option>"), page);

        TestSupport.Response ok = TestSupport.postForm(link + "/actions/test-sign-in", "connection_id=" + conn.id()
                + "&email=" + URLEncoder.encode("ada@acme.com", StandardCharsets.UTF_8) + "&role=admin&result=succeeded");
        assertEquals(303, ok.status(), ok.body());
        assertTrue(ok.headers().firstValue("Location").orElseThrow().contains("signed+in+through+Acme+Okta+as+admin"));
        assertEquals("authentication.sso_succeeded", control.events().get(control.events().size() - 1).event());
        TestSupport.Response failed = TestSupport.postForm(link + "/actions/test-sign-in", "connection_id=" + conn.id()
                + "&email=bob%40acme.com&role=member&result=audience_mismatch");
        assertEquals(303, failed.status(), failed.body());
        StoredEvent last = control.events().get(control.events().size() - 1);
        assertEquals("authentication.sso_failed", last.event());
        assertEquals("saml_audience_mismatch", last.data().at("/error/code").asText());
        String after = TestSupport.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link)).build()).body();
        assertTrue(after.contains("data-testid=\"signed-in-members\""), after);
        assertTrue(after.contains("ada@acme.com <span class=\"badge\">admin</span>"), after);
        assertFalse(after.contains("bob@acme.com <span"), "a failed sign-in provisions nobody");

        TestSupport.Response refused = TestSupport.postForm(link + "/actions/test-sign-in", "connection_id=" + draft.id()
                + "&email=ada%40acme.com&role=admin&result=succeeded");
        assertEquals(400, refused.status());
        assertTrue(refused.body().contains("people sign in through an active connection"), refused.body());
    }
}
