package io.gatekeep.browser;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.DemoWorld;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.local.LocalSettings;
import io.gatekeep.local.LocalSystem;
import io.gatekeep.shared.Json;
import io.gatekeep.testkit.ProjectFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static io.gatekeep.browser.Page.testid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference page (web/) in headless Chromium against the local runner, started in-process on free ports
 * with the WorkOS emulator's demo world: Acme fully set up, Globex mid-setup, Initech empty. The tests run in
 * order, as one person touring the demo would: first the three organizations as the runner starts them, then
 * walks through the Admin Portal (the emulator's portal pages) that change them, as WorkOS's webhooks tell
 * the backend.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentityIntegrationsPageTest {
    @TempDir
    static Path data;
    static LocalSystem system;
    static Chromium chromium;
    static String home;
    static DemoWorld demo;
    static EmulatorControl emulator;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    final List<Page> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        long t0 = System.nanoTime();
        Path binary = Chromium.find(); // installs Chromium when missing; fails in CI / skips elsewhere when it cannot
        long t1 = System.nanoTime();
        system = LocalSystem.start(LocalSettings.forTest(data.resolve("local-data"), ProjectFiles.root()));
        var load = system.demoLoad();
        assertEquals(load.events(), load.accepted(), "the demo world's events reach the projection: " + load.note());
        demo = system.demo();
        emulator = system.emulator().control();
        home = system.apiUrl() + "/";
        long t2 = System.nanoTime();
        chromium = Chromium.launch(binary);
        System.err.printf("browser tests: Chromium found in %d ms, local system started in %d ms (demo world: %s), Chromium launched in %d ms%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, load.note(), (System.nanoTime() - t2) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @AfterEach
    void closeTabs() {
        for (Page p : opened) {
            assertEquals(List.of(), p.errors(), "no script errors in " + p.targetId());
            p.close();
        }
    }

    // ---- the runner serves the page next to the API -----------------------------------------------------------

    @Test
    @Order(0)
    void theRunnerServesThePageNextToTheApi() throws Exception {
        HttpResponse<String> index = http("GET", "/", null);
        assertEquals(200, index.statusCode());
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("content-type").orElse(""));
        assertTrue(index.headers().firstValue("content-security-policy").orElse("").contains("script-src 'self'"));
        assertEquals(Files.readString(ProjectFiles.root().resolve("web/index.html")), index.body());
        assertEquals("text/javascript; charset=utf-8", http("GET", "/web/app.js", null).headers().firstValue("content-type").orElse(""));
        assertEquals("text/css; charset=utf-8", http("GET", "/web/styles.css", null).headers().firstValue("content-type").orElse(""));
        assertEquals(302, http("GET", "/web/", null).statusCode(), "the page's relative links work from / only");
        for (String missing : List.of("/web/nothing.js", "/web/../pom.xml", "/web/%2e%2e/pom.xml", "/web/.hidden", "/pom.xml", "/template.yaml")) {
            HttpResponse<String> r = http("GET", missing, null);
            assertEquals(404, r.statusCode(), missing);
            assertEquals("not_found", Json.parse(r.body()).path("error").asText(), missing);
        }
        assertEquals(404, http("POST", "/", "{}").statusCode(), "only GET and HEAD read the page");
        // API routes come first: they answer as the API does, not with the page.
        HttpResponse<String> health = http("GET", "/organizations/" + demo.acmeOrganizationId() + "/identity-health", null);
        assertEquals(401, health.statusCode());
        assertEquals("unauthenticated", Json.parse(health.body()).path("error").asText());

        // The demo sign-in: the organizations and roles, and dev tokens the API accepts.
        JsonNode demoInfo = Json.parse(http("GET", "/_local/demo", null).body());
        assertEquals(List.of("Acme", "Globex", "Initech"), demoInfo.path("organizations").findValuesAsText("name"));
        assertEquals(List.of("owner", "admin", "member"), strings(demoInfo.path("roles")));
        HttpResponse<String> issued = http("POST", "/_local/dev-token",
                "{\"organizationId\":\"" + demo.globexOrganizationId() + "\",\"role\":\"member\"}");
        assertEquals(200, issued.statusCode());
        String token = Json.parse(issued.body()).path("token").asText();
        HttpResponse<String> asMember = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl()
                        + "/organizations/" + demo.globexOrganizationId() + "/identity-health"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, asMember.statusCode(), asMember.body());
        HttpResponse<String> noOrg = http("POST", "/_local/dev-token", "{\"organizationId\":\"org_unknown\",\"role\":\"admin\"}");
        assertEquals(400, noOrg.statusCode());
        assertEquals("Select an organization before continuing.", Json.parse(noOrg.body()).path("message").asText());
        assertEquals(400, http("POST", "/_local/dev-token",
                "{\"organizationId\":\"" + demo.acmeOrganizationId() + "\",\"role\":\"superuser\"}").statusCode());
        assertEquals(400, http("POST", "/_local/dev-token", "not json").statusCode());
        assertEquals(405, http("GET", "/_local/dev-token", null).statusCode());
    }

    // ---- the demo world as the runner starts it ----------------------------------------------------------------

    @Test
    @Order(1)
    void withoutAnOrganizationThePageAsksForOne() {
        Page page = tab();
        page.open(home);
        page.waitForText("notice", "Select an organization before continuing.");
        assertFalse(page.visible(testid("dashboard")));
        assertEquals(List.of("Select an organization", "Acme", "Globex", "Initech"),
                strings(page.eval("[...document.querySelectorAll('#org-picker option')].map(o => o.textContent)")));
        assertTrue(page.visible(testid("demo-sign-in")), "the local run offers the demo sign-in");
        assertEquals(List.of("owner", "admin", "member"),
                strings(page.eval("[...document.querySelectorAll('#role-picker option')].map(o => o.value)")));
        assertEquals("admin", page.eval("document.querySelector('#role-picker').value").asText());

        page.select("#org-picker", demo.acmeOrganizationId());
        page.waitForText("sso-badge", "Active");
        assertFalse(page.visible(testid("notice")));
        page.select("#org-picker", "");
        page.waitForText("notice", "Select an organization before continuing.");
        assertFalse(page.visible(testid("dashboard")));
    }

    @Test
    @Order(2)
    void aMemberSeesHealthButNoSetupButtons() {
        Page page = dashboard(demo.globexOrganizationId(), "admin");
        page.waitForText("sso-badge", "Draft");
        assertTrue(page.texts("button").contains("Continue SSO setup"), "an admin sees the setup button");

        page.select("#role-picker", "member");
        page.waitForText("who", "member@globex.com");
        page.waitForText("sso-badge", "Draft");
        assertEquals("Globex Entra ID Azure SAML", page.text("sso-primary"));
        assertEquals(List.of(), page.texts("#dashboard button:not([data-testid=audit-more])"), "a member gets no setup buttons");
        assertEquals(List.of(), page.texts("#dashboard input"), "nor the IT contact form");
        assertTrue(page.visible(testid("member-note")));
        assertEquals(3, page.texts("#blocker-list li").size(), "a member still sees what blocks the setup");
        page.waitFor("the audit log for a member", () -> !page.texts("[data-testid=audit-row]").isEmpty());

        page.select("#role-picker", "admin");
        page.waitForText("who", "admin@globex.com");
        page.waitFor("the setup button back for the admin", () -> page.texts("button").contains("Continue SSO setup"));
    }

    @Test
    @Order(3)
    void acmeIsFullySetUp() throws Exception {
        Page page = dashboard(demo.acmeOrganizationId(), "admin");
        page.waitForText("sso-badge", "Active");
        assertEquals("admin@acme.com · admin", page.text("who"));
        assertEquals("Acme Okta SAML Okta SAML", page.text("sso-primary"));
        assertEquals("1", page.text("sso-total"));
        assertEquals("Linked", page.text("dsync-badge"));
        assertEquals("Linked", page.text("dsync-status"));
        assertEquals("Acme Okta SCIM okta scim v2.0", page.text("dsync-primary"));
        assertEquals("1", page.text("dsync-total"));
        assertEquals("200", page.text("dsync-users"));
        assertEquals("5", page.text("dsync-groups"));
        assertNotEquals("Never", page.text("dsync-last"));
        assertFalse(page.text("dsync-last").isEmpty());
        assertFalse(page.visible(testid("certificate")), "no certificate warning");
        assertEquals(List.of(), page.texts("#sso-actions button, #dsync-actions button"), "nothing left to set up in WorkOS");
        assertTrue(page.text("step-domain").contains("Verified: acme.com"));

        clearChecklist(page);
        assertEquals(List.of("true", "true", "true"), page.attributes("#steps li", "data-done"));
        assertFalse(page.visible(testid("blockers")));
        screenshot(page, "identity-integrations-acme.png");
    }

    @Test
    @Order(4)
    void theAuditLogIsNewestFirstWithPagingAndATypeFilter() throws Exception {
        Page page = dashboard(demo.acmeOrganizationId(), "admin");
        page.waitFor("a first page of 20 events", () -> rows(page).size() == 20);
        assertTrue(page.visible(testid("audit-more")), "Acme has more than one page of events");
        // Exactly what the API returns, in its order (newest first).
        JsonNode api = apiGet("/organizations/" + demo.acmeOrganizationId() + "/audit-events?limit=20", "Acme", "admin");
        List<String> apiIds = new ArrayList<>();
        api.path("data").forEach(e -> apiIds.add(e.path("id").asText()));
        assertEquals(apiIds, rows(page));
        assertNewestFirst(page.attributes("[data-testid=audit-row] td.when", "title"));

        page.click(testid("audit-more"));
        page.waitFor("a second page", () -> rows(page).size() == 40);
        List<String> ids = rows(page);
        assertEquals(40, new HashSet<>(ids).size(), "no event twice");
        assertEquals(apiIds, ids.subList(0, 20));
        assertNewestFirst(page.attributes("[data-testid=audit-row] td.when", "title"));

        page.select("#audit-type", "dsync.");
        page.waitFor("only Directory Sync events", () -> {
            List<String> types = page.attributes("[data-testid=audit-row]", "data-type");
            return types.size() == 20 && types.stream().allMatch(t -> t.startsWith("dsync."));
        });
        page.select("#audit-type", "organization_domain.");
        page.waitFor("only domain events", () -> {
            List<String> types = page.attributes("[data-testid=audit-row]", "data-type");
            return !types.isEmpty() && types.size() < 20 && types.stream().allMatch(t -> t.startsWith("organization_domain."));
        });
        assertFalse(page.visible(testid("audit-more")), "one page holds Acme's domain events");
    }

    @Test
    @Order(5)
    void aCertificateWarningAndThePortalsFailuresInTheApisWords() throws Exception {
        Page page = dashboard(demo.acmeOrganizationId(), "admin");
        page.waitForText("sso-badge", "Active");
        clearChecklist(page);
        emulator.setCertificateExpiry(demo.acmeConnectionId(), Instant.now().plus(Duration.ofDays(20)));
        emulator.emitCertificateRenewalRequired(demo.acmeConnectionId());
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(10)));
        page.click(testid("refresh"));
        page.waitForText("certificate", "The SAML certificate expires in");
        assertTrue(page.text("certificate").contains("Renew it before it expires."));
        assertTrue(page.visible(testid("sso-next")), "a next step for the certificate");

        int tabs = chromium.openTabs().size();
        emulator.failNext(1, 500, null, "/portal/generate_link");
        page.click(testid("portal-certificate_renewal"));
        page.waitForText("error", "Unable to open the WorkOS Admin Portal.");
        assertEquals("workos_unavailable", page.eval("document.querySelector('#error').dataset.code").asText());
        page.waitFor("the blank tab closed again", () -> chromium.openTabs().size() == tabs);

        emulator.failNext(1, 429, 7, "/portal/generate_link");
        page.click(testid("portal-certificate_renewal"));
        page.waitForText("error", "Too many requests to WorkOS. Wait a moment and try again.");
        assertTrue(page.text("error").startsWith("Unable to open the WorkOS Admin Portal."));
        page.waitFor("the blank tab closed again", () -> chromium.openTabs().size() == tabs);

        page.click(testid("portal-certificate_renewal"));
        Page portal = portalTab(page, "certificate_renewal");
        assertFalse(page.visible(testid("error")), "a new attempt clears the old message");
        portal.click("[data-testid=\"certificate-" + demo.acmeConnectionId() + "\"] [data-testid=\"renew-certificate\"]");
        portal.waitForText("portal-flash", "Renewed the certificate of Acme Okta SAML");
        page.bringToFront();
        page.waitFor("the certificate warning gone after the renewal's webhook", () -> !page.visible(testid("certificate")));
    }

    // ---- walks through the Admin Portal --------------------------------------------------------------------------

    @Test
    @Order(6)
    void globexContinuesSsoSetupUntilTheBadgeIsActive() throws Exception {
        Page page = dashboard(demo.globexOrganizationId(), "admin");
        page.waitForText("sso-badge", "Draft");
        assertEquals("Globex Entra ID Azure SAML", page.text("sso-primary"));
        assertEquals("1", page.text("sso-total"));
        assertEquals(List.of("domain_verification_required", "it_contact_required", "plan_excludes_sso"), blockers(page));
        assertEquals(List.of(
                "Verify your domain: the dashboard requires a verified organization domain before SSO or SCIM can be configured.",
                "Add at least one IT contact before opening the Admin Portal.",
                "Single Sign-On isn't included in your organization's plan."), page.texts("#blocker-list li"));
        assertTrue(page.text("step-domain").contains("Waiting for verification: globex.com"));
        assertEquals(List.of("false", "false", "false"), page.attributes("#steps li", "data-done"));
        assertTrue(disabled(page, "portal-sso"), "Continue SSO setup waits for the checklist");
        assertEquals("Continue SSO setup", page.text("portal-sso"));
        assertEquals("Not configured", page.text("dsync-badge"));
        assertEquals("Set up Directory Sync", page.text("portal-dsync"));
        // The troubleshooting guide's next step, as the API gives it.
        JsonNode health = apiGet("/organizations/" + demo.globexOrganizationId() + "/identity-health", "Globex", "admin");
        String problem = health.path("sso").path("nextStep").path("problem").asText();
        assertFalse(problem.isEmpty(), "the API has a next step for a draft connection");
        assertTrue(page.text("sso-next").startsWith("Next step"));
        assertTrue(page.text("sso-next").contains(problem));
        screenshot(page, "identity-integrations-globex.png");

        addItContact(page, "it@globex.com");
        assertEquals(List.of("domain_verification_required", "plan_excludes_sso"), blockers(page));
        includeSsoInPlan(page);
        assertEquals(List.of("domain_verification_required"), blockers(page));

        page.click(testid("portal-domain_verification"));
        Page domains = portalTab(page, "domain_verification");
        domains.click(testid("verify-globex.com"));
        domains.waitForText("portal-flash", "Verified globex.com");
        page.bringToFront();
        page.waitFor("the domain verified on the dashboard", () -> page.attributes("#steps li", "data-done").equals(List.of("true", "true", "true")));
        page.waitFor("no blockers left", () -> !page.visible(testid("blockers")));

        page.click(testid("portal-sso"));
        Page sso = portalTab(page, "sso");
        sso.click("[data-testid=\"connection-" + demo.globexConnectionId() + "\"] [data-testid=\"connection-active\"]");
        sso.waitForText("portal-flash", "Connection Globex Entra ID is now active");
        page.bringToFront();
        page.waitForText("sso-badge", "Active");
        page.waitFor("the setup button gone", () -> !page.visible(testid("portal-sso")));
        page.waitFor("the portal link and the activation in the audit log", () -> {
            List<String> types = page.attributes("[data-testid=audit-row]", "data-type");
            return types.contains("connection.activated") && types.contains("portal_link.issued");
        });
    }

    @Test
    @Order(7)
    void initechConfiguresSsoAndDirectorySyncFromNothing() throws Exception {
        Page page = dashboard(demo.initechOrganizationId(), "admin");
        page.waitForText("sso-badge", "Not configured");
        assertEquals("None", page.text("sso-primary"));
        assertEquals("0", page.text("sso-total"));
        assertEquals("Configure SSO", page.text("portal-sso"));
        assertTrue(disabled(page, "portal-sso"));
        assertEquals(List.of("domain_verification_required", "it_contact_required", "plan_excludes_sso"), blockers(page));
        assertTrue(page.text("step-domain").contains("No domain added yet."));
        assertEquals("Not configured", page.text("dsync-status"));
        assertEquals("Never", page.text("dsync-last"));
        assertEquals("0", page.text("dsync-users"));
        assertTrue(disabled(page, "portal-domain_verification"), "the Admin Portal needs an IT contact first");
        screenshot(page, "identity-integrations-initech.png");

        addItContact(page, "it@initech.com");
        includeSsoInPlan(page);
        page.click(testid("portal-domain_verification"));
        Page domains = portalTab(page, "domain_verification");
        domains.type(testid("domain-input"), "initech.com");
        domains.click(testid("add-domain"));
        domains.waitForText("portal-flash", "Added domain initech.com");
        domains.click(testid("verify-initech.com"));
        domains.waitForText("portal-flash", "Verified initech.com");
        page.bringToFront();
        page.waitFor("no blockers left", () -> !page.visible(testid("blockers")));
        assertTrue(page.text("step-domain").contains("Verified: initech.com"));

        page.click(testid("portal-sso"));
        Page sso = portalTab(page, "sso");
        sso.select(testid("connection_type"), "OktaSAML");
        sso.type(testid("connection-name"), "Initech Okta");
        sso.click(testid("create-connection"));
        sso.waitForText("portal-flash", "Created connection Initech Okta (draft)");
        sso.click(testid("connection-active"));
        sso.waitForText("portal-flash", "Connection Initech Okta is now active");
        page.bringToFront();
        page.waitForText("sso-badge", "Active");
        assertEquals("Initech Okta Okta SAML", page.text("sso-primary"));

        page.click(testid("portal-dsync"));
        Page dsync = portalTab(page, "dsync");
        dsync.type(testid("directory-name"), "Initech SCIM");
        dsync.click(testid("create-directory"));
        dsync.waitForText("portal-flash", "Created directory Initech SCIM");
        dsync.click(testid("link-directory"));
        dsync.waitForText("portal-flash", "Linked directory Initech SCIM with 5 users");
        page.bringToFront();
        page.waitForText("dsync-status", "Linked");
        page.waitForText("dsync-users", "5");
        page.waitForText("dsync-groups", "1");
        assertFalse(page.visible(testid("portal-dsync")), "nothing left to set up");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    Page tab() {
        Page page = chromium.newPage();
        opened.add(page);
        return page;
    }

    /** The page signed in (demo sign-in) as {@code role} of an organization, with its health shown. */
    Page dashboard(String organizationId, String role) {
        Page page = tab();
        page.open(home);
        page.waitForText("notice", "Select an organization before continuing.");
        page.select("#role-picker", role);
        page.select("#org-picker", organizationId);
        page.waitFor("the dashboard", () -> page.visible(testid("dashboard")) && !page.text("sso-badge").isEmpty());
        page.waitForText("who", role);
        return page;
    }

    /** The Admin Portal tab the last click opened: the emulator's portal page for {@code intent}. */
    Page portalTab(Page dashboard, String intent) throws InterruptedException {
        Page portal = chromium.awaitTabOpenedBy(dashboard, Page.WAIT);
        opened.add(portal);
        String portalPrefix = system.emulator().baseUrl() + "/portal/";
        portal.waitFor("the emulator's Admin Portal", () -> portal.url().startsWith(portalPrefix)
                && portal.visible(testid("portal-title")));
        assertEquals(intent, portal.text("portal-intent"));
        assertFalse(dashboard.url().contains("portal"), "the dashboard stays where it is");
        assertFalse(dashboard.bodyText().contains(portal.url()), "the link is not shown on the dashboard");
        assertEquals("null", dashboard.eval("JSON.stringify([sessionStorage, localStorage].flatMap(s => Object.values(s))"
                + ".find(v => v.includes('/portal/')) ?? null)").asText(), "nor stored");
        return portal;
    }

    /** Clears whatever is left of the checklist items the dashboard itself keeps (IT contact, plan). */
    void clearChecklist(Page page) {
        if (page.attributes(testid("step-it-contact"), "data-done").equals(List.of("false"))) {
            addItContact(page, "it@" + page.text("who").replaceAll(".*@([a-z]+\\.com).*", "$1"));
        }
        if (page.attributes(testid("step-plan"), "data-done").equals(List.of("false"))) {
            includeSsoInPlan(page);
        }
    }

    void addItContact(Page page, String email) {
        page.type(testid("it-contact-email"), email);
        page.click(testid("it-contact-add"));
        page.waitFor("the IT contact on file", () -> page.attributes(testid("step-it-contact"), "data-done").equals(List.of("true")));
        assertTrue(page.text("step-it-contact").contains("1 IT contact on file."));
    }

    void includeSsoInPlan(Page page) {
        page.click(testid("plan-enable"));
        page.waitFor("SSO in the plan", () -> page.attributes(testid("step-plan"), "data-done").equals(List.of("true")));
        assertTrue(page.text("step-plan").contains("Your plan includes Single Sign-On."));
    }

    static List<String> blockers(Page page) {
        return page.visible(testid("blockers")) ? page.attributes("#blocker-list li", "data-code") : List.of();
    }

    static List<String> rows(Page page) {
        return page.attributes("[data-testid=audit-row]", "data-id");
    }

    static boolean disabled(Page page, String testId) {
        return page.eval("document.querySelector('" + testid(testId).replace("'", "\\'") + "').disabled").asBoolean();
    }

    static void assertNewestFirst(List<String> times) {
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i - 1).compareTo(times.get(i)) >= 0, "newest first: " + times.get(i - 1) + " before " + times.get(i));
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    static HttpResponse<String> http(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode apiGet(String path, String organization, String role) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl() + path))
                .header("Authorization", "Bearer " + system.token(organization, role).token()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.parse(response.body());
    }

    /** Into the build directory; with -Dgatekeep.updateDocs=true also into docs/ (the README shows them). */
    static void screenshot(Page page, String name) throws Exception {
        page.eval("document.activeElement && document.activeElement.blur()");
        Path file = Path.of(System.getProperty("gatekeep.screenshots", "target/screenshots")).resolve(name);
        page.screenshot(file);
        assertTrue(Files.size(file) > 10_000, "a real screenshot: " + file);
        if (Boolean.getBoolean("gatekeep.updateDocs")) {
            Path docs = ProjectFiles.root().resolve("docs");
            Files.createDirectories(docs);
            Files.copy(file, docs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
