package io.gatekeep.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.workos.models.Connection;
import com.workos.types.GenerateLinkIntent;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Walks the emulated Admin Portal the way a person (or a browser test) would, for each intent. */
class PortalTest extends EmulatorTestBase {
    EmulatorControl control;
    Snapshot.Organization org;

    @BeforeEach
    void setUp() {
        control = emu.control();
        control.reset();
        org = control.createOrganization("Acme", DomainSpec.pending("acme.com"));
    }

    private String link(GenerateLinkIntent intent) {
        return workos.getAdminPortal().generateLink(org.id(), "http://localhost:3000/settings",
                "http://localhost:3000/done", intent).getLink();
    }

    private static TestSupport.Response open(String link) {
        return TestSupport.send(HttpRequest.newBuilder(URI.create(link)).build());
    }

    private static TestSupport.Response act(String link, String action, String... kv) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return TestSupport.postForm(link + "/actions/" + action, form.toString());
    }

    @Test
    void ssoWalkCreatesADraftConnectionThenValidatesAndActivatesIt() {
        String link = link(GenerateLinkIntent.SSO);
        TestSupport.Response page = open(link);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("data-testid=\"section-sso\""));
        assertTrue(page.body().contains("data-testid=\"portal-return\" href=\"http://localhost:3000/settings\""));
        assertTrue(page.body().contains("data-testid=\"portal-done\" href=\"http://localhost:3000/done\""));
        assertTrue(!page.body().contains("section-dsync"), "only the intent's section");

        TestSupport.Response created = act(link, "create-connection", "connection_type", "OktaSAML", "name", "Acme Okta");
        assertEquals(303, created.status());
        assertTrue(created.headers().firstValue("Location").orElseThrow().startsWith("/portal/"));
        List<Connection> conns = workos.getSso().listConnections(null, null, null, null, null, null, org.id()).data;
        assertEquals(1, conns.size());
        assertEquals("draft", conns.get(0).getState().getValue());
        assertEquals("OktaSAML", conns.get(0).getConnectionType().getValue());
        String id = conns.get(0).getId();
        assertTrue(open(link).body().contains("data-testid=\"connection-" + id + "\""));

        assertEquals(303, act(link, "connection-state", "connection_id", id, "state", "validating").status());
        assertEquals(303, act(link, "connection-state", "connection_id", id, "state", "active").status());
        assertEquals("active", workos.getSso().getConnection(id).getState().getValue());
        assertEquals(1, control.events("connection.activated").size());
        assertTrue(open(link + "?done=x").body().contains("data-testid=\"portal-flash\""));

        TestSupport.Response wrongIntent = act(link, "verify-domain", "domain_id", org.domainIds().get(0));
        assertEquals(403, wrongIntent.status());
        assertEquals("pending", control.snapshot().domains().get(0).state());
    }

    @Test
    void dsyncWalkCreatesAndLinksADirectoryWithUsers() {
        String link = link(GenerateLinkIntent.Dsync);
        assertTrue(open(link).body().contains("section-dsync"));
        assertEquals(303, act(link, "create-directory", "directory_type", "okta scim v2.0", "name", "Acme SCIM").status());
        Snapshot.Directory dir = control.snapshot().directories().get(0);
        assertEquals("validating", dir.state());
        assertEquals(303, act(link, "link-directory", "directory_id", dir.id(), "users", "3").status());
        Snapshot s = control.snapshot();
        assertEquals("linked", s.directories().get(0).state());
        assertEquals(3, s.usersOf(dir.id()).size());
        assertEquals(3, s.memberships().size());
        assertEquals(1, control.events("dsync.activated").size());
        assertEquals(3, control.events("dsync.user.created").size());
        assertEquals(3, control.events("dsync.group.user_added").size());
        assertEquals(3, workos.getDirectorySync().listUsers(null, null, null, null, dir.id()).data.size());
    }

    @Test
    void domainVerificationWalkVerifiesThePendingDomain() {
        String link = link(GenerateLinkIntent.DomainVerification);
        String body = open(link).body();
        assertTrue(body.contains("data-testid=\"domain-acme.com\""));
        assertTrue(body.contains("TXT emulator-domain-verification-"));
        assertEquals(303, act(link, "verify-domain", "domain_id", org.domainIds().get(0)).status());
        assertEquals("verified", workos.getOrganizations().get(org.id()).getDomains().get(0).getState().getValue());
        assertEquals(1, control.events("organization_domain.verified").size());
        assertEquals(303, act(link, "add-domain", "domain", "acme.io").status());
        assertEquals(2, control.snapshot().domainsOf(org.id()).size());
        assertEquals(400, act(link, "add-domain", "domain", "not a domain").status());
    }

    @Test
    void certificateRenewalWalkRenewsTheCertificate() {
        var conn = control.createConnection(org.id(), "OktaSAML", "Okta", "active");
        Instant soon = control.now().plus(Duration.ofDays(10));
        control.setCertificateExpiry(conn.id(), soon);
        String link = link(GenerateLinkIntent.CertificateRenewal);
        assertTrue(open(link).body().contains("data-testid=\"certificate-" + conn.id() + "\""));
        assertEquals(303, act(link, "renew-certificate", "connection_id", conn.id()).status());
        Snapshot.Connection renewed = control.snapshot().connections().get(0);
        assertTrue(renewed.certificateExpiresAt().isAfter(soon.plus(Duration.ofDays(300))));
        StoredEvent e = control.events("connection.saml_certificate_renewed").get(0);
        assertEquals(conn.id(), e.data().get("connection").get("id").asText());
        assertEquals(EmuClock.format(renewed.certificateExpiresAt()), e.data().get("certificate").get("expiry_date").asText());
    }

    @Test
    void linksMustBeOpenedWithinFiveMinutesAndSessionsLastAnHour() {
        String unopened = link(GenerateLinkIntent.SSO);
        String opened = link(GenerateLinkIntent.SSO);
        assertEquals(200, open(opened).status());
        control.advanceClock(Duration.ofMinutes(6));
        assertEquals(410, open(unopened).status());
        assertEquals(200, open(opened).status(), "an opened session outlives the link's 5 minutes");
        assertEquals(303, act(opened, "create-connection", "connection_type", "GenericSAML").status());
        control.advanceClock(Duration.ofMinutes(60));
        assertEquals(410, open(opened).status());
        assertEquals(410, act(opened, "create-connection", "connection_type", "GenericSAML").status());
        assertEquals(404, open(emu.baseUrl() + "/portal/NOPE").status());
    }

    @Test
    void intentsWithoutEmulatedSetupShowAPlainPage() {
        String link = link(GenerateLinkIntent.AuditLogs);
        TestSupport.Response page = open(link);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("data-testid=\"portal-nothing\""));
        assertEquals(403, act(link, "create-connection", "connection_type", "OktaSAML").status());
    }
}
