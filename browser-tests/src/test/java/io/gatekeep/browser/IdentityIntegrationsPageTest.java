package io.gatekeep.browser;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.DemoWorld;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.local.LocalSystem;
import io.gatekeep.localaws.ProjectFiles;
import io.gatekeep.shared.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

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
    @RegisterExtension
    static final LocalBrowser browser = new LocalBrowser();
    static DemoWorld demo;
    static EmulatorControl emulator;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        var load = browser.system().demoLoad();
        assertEquals(load.events(), load.accepted(), "the demo world's events reach the projection: " + load.note());
        demo = browser.system().demo();
        emulator = browser.system().emulator().control();
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
        HttpResponse<String> asMember = HTTP.send(HttpRequest.newBuilder(URI.create(browser.system().apiUrl()
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
        Page page = browser.tab();
        page.open(browser.home());
        page.waitForText("notice", "Select an organization before continuing.");
        assertFalse(page.visible(testid("dashboard")));
        assertEquals(List.of("Select an organization", "Acme", "Globex", "Initech"),
                strings(page.eval("[...document.querySelectorAll('#org-picker option')].map(o => o.textContent)")));
        assertTrue(page.visible(testid("demo-sign-in")), "the local run offers the demo sign-in");
        assertEquals(List.of("owner", "admin", "member"),
                strings(page.eval("[...document.querySelectorAll('#role-picker option')].map(o => o.value)")));
        assertEquals("admin", page.eval("document.querySelector('#role-picker').value").asText());
        Axe.check(page, "no organization selected");

        // Arrow keys move through the organizations without loading each one; Enter loads the one chosen.
        page.eval("document.querySelector('#org-picker').focus()");
        page.press("ArrowDown");
        page.press("ArrowDown");
        assertEquals(demo.globexOrganizationId(), page.eval("document.querySelector('#org-picker').value").asText());
        pause(700);
        assertEquals(0, devTokenRequests(page), "no organization is loaded while the arrow keys move");
        assertFalse(page.visible(testid("dashboard")));
        page.press("Enter");
        page.waitForText("who", "admin@globex.com");
        assertEquals(1, devTokenRequests(page), "one token, for the organization chosen");
        assertEquals("org-picker", page.focused(), "focus stays on the picker");
        page.waitForText("status", "Showing Globex as admin.");

        page.select("#org-picker", demo.acmeOrganizationId());
        page.waitForText("sso-badge", "Active");
        assertFalse(page.visible(testid("notice")));
        page.select("#org-picker", "");
        page.waitForText("notice", "Select an organization before continuing.");
        assertFalse(page.visible(testid("dashboard")));
    }

    @Test
    @Order(1)
    void theLocalDemoOpensOnTheOrganizationAndRoleItsAddressAsksFor() {
        Page page = browser.tab();
        page.open(browser.home() + "?org=Globex&role=member");
        page.waitForText("who", "member@globex.com");
        page.waitForText("sso-badge", "Draft");
        assertEquals(demo.globexOrganizationId(), page.eval("document.querySelector('#org-picker').value").asText());
        assertEquals("member", page.eval("document.querySelector('#role-picker').value").asText());
        assertEquals(1, devTokenRequests(page), "one token, for the organization and role asked for");

        // By id, and any case of a name.
        Page byId = browser.tab();
        byId.open(browser.home() + "?org=" + demo.acmeOrganizationId() + "&role=owner");
        byId.waitForText("who", "owner@acme.com");
        byId.waitForText("sso-badge", "Active");
        Page byName = browser.tab();
        byName.open(browser.home() + "?org=initech");
        byName.waitForText("who", "admin@initech.com");

        // An organization or role the demo does not have is ignored: the page asks for an organization, as admin.
        Page unknown = browser.tab();
        unknown.open(browser.home() + "?org=Umbrella&role=superuser");
        unknown.waitForText("notice", "Select an organization before continuing.");
        assertEquals("admin", unknown.eval("document.querySelector('#role-picker').value").asText());
        assertEquals(0, devTokenRequests(unknown));
    }

    @Test
    @Order(2)
    void aMemberSeesHealthButNoSetupButtons() {
        Page page = browser.dashboard(demo.globexOrganizationId(), "admin");
        page.waitForText("sso-badge", "Draft");
        assertTrue(page.texts("button").contains("Continue SSO setup"), "an admin sees the setup button");

        page.select("#role-picker", "member");
        page.waitForText("who", "member@globex.com");
        page.waitForText("sso-badge", "Draft");
        assertEquals("Globex Entra ID Azure SAML", page.text("sso-primary"));
        assertEquals(List.of(), page.texts("#dashboard button:not([data-testid=audit-more])"), "a member gets no setup buttons");
        assertEquals(List.of(), page.texts("#dashboard input"), "nor the IT contact form");
        assertTrue(page.visible(testid("member-note")));
        assertEquals(2, page.texts("#blocker-list li").size(), "a member still sees what blocks the setup");
        page.waitFor("the audit log for a member", () -> !page.texts("[data-testid=audit-row]").isEmpty());
        Axe.check(page, "a member's view");

        page.select("#role-picker", "admin");
        page.waitForText("who", "admin@globex.com");
        page.waitFor("the setup button back for the admin", () -> page.texts("button").contains("Continue SSO setup"));
    }

    @Test
    @Order(3)
    void acmeIsFullySetUp() throws Exception {
        Page page = browser.dashboard(demo.acmeOrganizationId(), "admin");
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
        Axe.check(page, "Acme fully set up");
        screenshot(page, "identity-integrations-acme.png");
    }

    @Test
    @Order(4)
    void theAuditLogIsNewestFirstWithPagingAndATypeFilter() throws Exception {
        Page page = browser.dashboard(demo.acmeOrganizationId(), "admin");
        // Exactly what the API returns, in its order (newest first), less the operators' entries ("All events"
        // leaves them to their own filter).
        JsonNode api = apiGet("/organizations/" + demo.acmeOrganizationId() + "/audit-events?limit=20", "Acme", "admin");
        List<String> apiIds = new ArrayList<>();
        List<String> operatorIds = new ArrayList<>();
        api.path("data").forEach(e -> (e.path("type").asText().startsWith("operator.") ? operatorIds : apiIds).add(e.path("id").asText()));
        assertFalse(operatorIds.isEmpty(), "the runner's reconcile is on Acme's first page");
        page.waitFor("a first page of events", () -> rows(page).size() == apiIds.size());
        assertTrue(page.visible(testid("audit-more")), "Acme has more than one page of events");
        assertEquals(apiIds, rows(page));
        assertNewestFirst(page.attributes("[data-testid=audit-row] td.when time", "datetime"));
        // Written for people: a title, the code beside it, the actor once, a time with its zone.
        String first = page.texts("[data-testid=audit-row]").get(0);
        assertTrue(page.texts("[data-testid=audit-row] .event-title").stream().noneMatch(t -> t.contains(".")), "titles, not codes");
        assertEquals(page.attributes("[data-testid=audit-row]", "data-type"), page.texts("[data-testid=audit-row] .event-code"));
        assertTrue(page.texts("[data-testid=audit-row] td.when").stream().allMatch(t -> t.endsWith(" UTC")), first);
        assertTrue(page.texts("[data-testid=audit-row] td.by").stream().noneMatch(t -> t.matches("(?s).*WorkOS.*WorkOS.*")), "actor once");
        assertEquals("Newest first. Times in UTC.", page.text("audit-scope"));

        page.click(testid("audit-more"));
        page.waitFor("a second page", () -> rows(page).size() > apiIds.size());
        assertEquals("audit-more", page.focused(), "focus stays on Show older events while there are more");
        List<String> ids = rows(page);
        assertEquals(ids.size(), new HashSet<>(ids).size(), "no event twice");
        assertEquals(apiIds, ids.subList(0, apiIds.size()));
        assertNewestFirst(page.attributes("[data-testid=audit-row] td.when time", "datetime"));

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
        page.waitForText("status", "domain event");

        page.select("#audit-type", "operator.");
        page.waitFor("the operator's entries under their own filter", () -> {
            List<String> types = page.attributes("[data-testid=audit-row]", "data-type");
            return !types.isEmpty() && types.stream().allMatch(t -> t.startsWith("operator."));
        });
        assertTrue(page.texts("[data-testid=audit-row] .event-title").contains("Reconciled with WorkOS by an operator"));

        page.select("#audit-type", "portal_link.");
        page.waitForText("audit-empty", "No Admin Portal link events yet. Choose \"All events\" to see everything.");
        assertEquals(List.of(), rows(page));
        Axe.check(page, "an audit filter with no events");
    }

    @Test
    @Order(5)
    void aCertificateWarningAndThePortalsFailuresInTheApisWords() throws Exception {
        Page page = browser.dashboard(demo.acmeOrganizationId(), "admin");
        page.waitForText("sso-badge", "Active");
        clearChecklist(page);
        emulator.setCertificateExpiry(demo.acmeConnectionId(), Instant.now().plus(Duration.ofDays(20)));
        emulator.emitCertificateRenewalRequired(demo.acmeConnectionId());
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(10)));
        page.click(testid("refresh"));
        page.waitForText("certificate", "The SAML certificate expires in");
        assertTrue(page.text("certificate").contains("Renew it before it expires."));
        assertTrue(page.visible(testid("sso-next")), "a next step for the certificate");

        int tabs = browser.chromium().openTabs().size();
        emulator.failNext(1, 500, null, "/portal/generate_link");
        page.click(testid("portal-certificate_renewal"));
        page.waitForText("error", "Unable to open the WorkOS Admin Portal.");
        assertEquals("workos_unavailable", page.eval("document.querySelector('#error').dataset.code").asText());
        assertEquals("portal-certificate_renewal", page.focused(), "focus stays on the button after a failure");
        Axe.check(page, "an error from the Admin Portal link");
        page.waitFor("the blank tab closed again", () -> browser.chromium().openTabs().size() == tabs);

        emulator.failNext(1, 429, 7, "/portal/generate_link");
        page.click(testid("portal-certificate_renewal"));
        page.waitForText("error", "Too many requests to WorkOS. Wait a moment and try again.");
        assertTrue(page.text("error").startsWith("Unable to open the WorkOS Admin Portal."));
        page.waitFor("the blank tab closed again", () -> browser.chromium().openTabs().size() == tabs);

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
        Page page = browser.dashboard(demo.globexOrganizationId(), "admin");
        // Globex's plan has SSO only: the Directory Sync section is hidden, the help centre's words stand in its place.
        assertTrue(page.text("step-plan").contains("Your plan: Single Sign-On included, Directory Sync not included."));
        assertEquals(List.of(), page.texts("[data-testid=step-plan] button"), "the plan is the vendor's: no button changes it");
        assertEquals(DIRECTORY_SYNC_NOT_IN_PLAN, page.text("dsync-not-in-plan"));
        page.waitForText("sso-badge", "Draft");
        assertFalse(page.visible(testid("dsync")));
        assertTrue(page.visible(testid("dsync-not-in-plan")));
        assertFalse(page.visible(testid("sso-not-in-plan")));
        assertFalse(page.visible(testid("plan-contact")));
        // "Roles from your directory" maps directory groups: with Directory Sync out of the plan it is not offered
        // (checked once the organization has fully loaded, its role mapping read included).
        page.waitForText("status", "Showing Globex as admin.");
        assertFalse(page.visible(testid("roles")), "no Directory Sync in the plan: no roles from the directory");
        assertTrue(page.text("step-plan").contains("Your plan: Single Sign-On included, Directory Sync not included."));
        assertEquals("Globex Entra ID Azure SAML", page.text("sso-primary"));
        assertEquals("1", page.text("sso-total"));
        // In the order the gates enforce them: an IT contact opens the Admin Portal at all.
        assertEquals(List.of("it_contact_required", "domain_verification_required"), blockers(page));
        assertEquals(List.of(
                "Add at least one IT contact before opening the Admin Portal.",
                "Verify your domain: the dashboard requires a verified organization domain before SSO or SCIM can be configured."),
                page.texts("#blocker-list li"));
        assertEquals(List.of("step-it-contact", "step-domain", "step-plan"), page.attributes("#steps > li", "data-testid"));
        Axe.check(page, "Globex without Directory Sync in its plan");
        assertTrue(page.text("step-domain").contains("Waiting for verification: globex.com"));
        assertEquals(List.of("false", "false", "true"), page.attributes("#steps li", "data-done"));
        assertTrue(disabled(page, "portal-sso"), "Continue SSO setup waits for the checklist");
        assertEquals("Continue SSO setup", page.text("portal-sso"));
        // The troubleshooting guide's next step, as the API gives it.
        JsonNode health = apiGet("/organizations/" + demo.globexOrganizationId() + "/identity-health", "Globex", "admin");
        String problem = health.path("sso").path("nextStep").path("problem").asText();
        assertFalse(problem.isEmpty(), "the API has a next step for a draft connection");
        assertTrue(page.text("sso-next").startsWith("Next step"));
        assertTrue(page.text("sso-next").contains(problem));
        // The next step points at a button of this page, not at the WorkOS dashboard, without stray quotes.
        String fix = health.path("sso").path("nextStep").path("fix").asText();
        assertTrue(fix.startsWith("Choose Verify domain in WorkOS"), fix);
        assertTrue(page.texts("button").contains("Verify domain in WorkOS"));
        assertFalse(page.text("sso-next").contains("\""), page.text("sso-next"));
        Axe.check(page, "Globex mid-setup, with unavailable buttons and their reasons");
        screenshot(page, "identity-integrations-globex.png");

        addItContact(page, "it@globex.com");
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
        Page page = browser.dashboard(demo.initechOrganizationId(), "admin");
        assertFalse(page.visible(testid("sso")), "no plan: no SSO section");
        assertFalse(page.visible(testid("dsync")), "no plan: no Directory Sync section");
        assertEquals(SSO_NOT_IN_PLAN, page.text("sso-not-in-plan"));
        assertTrue(page.visible(testid("dsync-not-in-plan")));
        assertTrue(page.text("step-plan").contains("Your plan: Single Sign-On not included, Directory Sync not included."));
        assertEquals(List.of(), page.texts("[data-testid=step-plan] button"), "the plan is the vendor's: no button changes it");
        assertEquals(SSO_NOT_IN_PLAN, page.text("plan-contact"));
        assertEquals(List.of("it_contact_required", "domain_verification_required", "plan_excludes_sso"), blockers(page));
        assertEquals(SSO_NOT_IN_PLAN, page.texts("#blocker-list li").get(2));
        page.waitForText("status", "Showing Initech as admin.");
        assertFalse(page.visible(testid("roles")), "no plan: no roles from the directory");
        Axe.check(page, "Initech without a plan");

        // The vendor's back office includes both: both sections appear, the account-manager words go.
        vendorSetsPlan(page, demo.initechOrganizationId(), true, true);
        assertFalse(page.visible(testid("sso-not-in-plan")));
        assertFalse(page.visible(testid("dsync-not-in-plan")));
        page.waitFor("Roles from your directory, now that Directory Sync is in the plan", () -> page.visible(testid("roles")));
        page.waitForText("sso-badge", "Not configured");
        assertEquals("None", page.text("sso-primary"));
        assertEquals("0", page.text("sso-total"));
        assertEquals("Configure SSO", page.text("portal-sso"));
        assertTrue(disabled(page, "portal-sso"));
        assertEquals(List.of("it_contact_required", "domain_verification_required"), blockers(page));
        assertTrue(page.text("step-domain").contains("No domain added yet."));
        assertEquals("Not configured", page.text("dsync-status"));
        assertEquals("Never", page.text("dsync-last"));
        assertEquals("0", page.text("dsync-users"));
        assertTrue(disabled(page, "portal-domain_verification"), "the Admin Portal needs an IT contact first");
        Axe.check(page, "Initech with nothing set up");
        screenshot(page, "identity-integrations-initech.png");
        page.viewport(375, 800);
        page.waitFor("the phone layout", () -> page.eval("innerWidth").asInt() == 375);
        assertEquals(0, page.horizontalOverflow());
        phoneScreenshot(page, "identity-integrations-initech-phone.png");
        page.viewport(1280, 900);

        // The keyboard walk: every control in reading order, the unavailable ones included.
        page.eval("document.querySelector('#org-picker').focus()");
        assertEquals(List.of("role-picker", "refresh", "it-contact-email", "it-contact-add", "portal-domain_verification",
                "a", "portal-sso", "portal-dsync", "audit-type"), page.tabTo("audit-type"));
        page.press("Shift+Tab");
        page.press("Shift+Tab");
        assertEquals("portal-sso", page.focused(), "Shift+Tab goes back the same way");

        // An unavailable button says why when used, and nothing opens.
        int tabs = browser.chromium().openTabs().size();
        focus(page, "portal-domain_verification");
        page.press("Enter");
        page.waitForText("status", "Add an IT contact first.");
        assertEquals("portal-domain_verification", page.focused());
        pause(300);
        assertEquals(tabs, browser.chromium().openTabs().size(), "no Admin Portal tab for an unavailable button");

        // The IT contact by keyboard: an empty submit explains itself next to the field and keeps focus there;
        // a saved contact moves focus to the next step, "Verify domain in WorkOS", now available.
        focus(page, "it-contact-email");
        page.press("Enter");
        page.waitForText("it-contact-problem", "Enter the email address of your IT contact.");
        assertEquals("it-contact-email", page.focused());
        assertEquals("true", page.attributes(testid("it-contact-email"), "aria-invalid").get(0));
        Axe.check(page, "the IT contact field explaining a problem");
        page.typeText("it@initech.com");
        page.press("Enter");
        page.waitForText("status", "IT contact added.");
        page.waitFor("focus on the next step", () -> page.focused().equals("portal-domain_verification"));
        assertFalse(disabled(page, "portal-domain_verification"));
        assertTrue(page.text("step-it-contact").contains("1 IT contact on file."));

        page.press("Enter");
        Page domains = portalTab(page, "domain_verification");
        page.waitForText("status", "The WorkOS Admin Portal opened in a new tab.");
        assertEquals("portal-domain_verification", page.focused(), "focus stays on the button that opened the portal");
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

    // ---- live updates, phones, dark mode -------------------------------------------------------------------------

    /**
     * While an Admin Portal tab is open the page polls; a poll changes values in place: the control with focus
     * keeps it, and the older audit pages already loaded stay, with the new entries on top. Polling can be paused.
     */
    @Test
    @Order(8)
    void livePollingKeepsFocusAndLoadedPagesAndCanBePaused() throws Exception {
        Page page = browser.dashboard(demo.acmeOrganizationId(), "admin");
        page.waitForText("sso-badge", "Active");
        emulator.setCertificateExpiry(demo.acmeConnectionId(), Instant.now().plus(Duration.ofDays(30)));
        emulator.emitCertificateRenewalRequired(demo.acmeConnectionId());
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(10)));
        page.click(testid("refresh"));
        page.waitForText("status", "The SAML certificate needs renewing.");
        assertEquals("refresh", page.focused(), "Refresh keeps focus");

        // An earlier tour already left a portal_link.issued row: wait for this click's own, so that every entry
        // up to now is on the page before the pages loaded are counted.
        long linksBefore = portalLinkRows(page);
        page.click(testid("portal-certificate_renewal"));
        portalTab(page, "certificate_renewal");
        page.bringToFront();
        page.waitFor("live updates on", () -> page.visible(testid("live-toggle")));
        assertEquals("Pause live updates", page.text("live-toggle"));
        page.waitFor("this portal link in the audit log", () -> portalLinkRows(page) > linksBefore);

        page.click(testid("audit-more"));
        int firstPage = rows(page).size();
        page.waitFor("an older page", () -> rows(page).size() > firstPage && page.text("status").contains("older"));
        List<String> loaded = rows(page);
        assertEquals("audit-more", page.focused());

        // WorkOS changes something while the portal is open: the next poll shows it without a redraw.
        int refreshes = refreshes(page);
        emulator.emitCertificateRenewalRequired(demo.acmeConnectionId());
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(10)));
        page.waitFor("a poll with the new event on top", () -> refreshes(page) > refreshes && rows(page).size() == loaded.size() + 1,
                Duration.ofSeconds(30));
        assertEquals(loaded, rows(page).subList(1, loaded.size() + 1), "the pages already loaded stay, in order");
        assertEquals("audit-more", page.focused(), "focus is where it was");
        assertTrue(page.visible(testid("audit-more")));
        page.waitForText("status", "1 new event in the audit log.");
        Axe.check(page, "live updates running");

        page.click(testid("live-toggle"));
        page.waitForText("live-text", "Live updates paused.");
        assertEquals("Resume live updates", page.text("live-toggle"));
        assertEquals("live-toggle", page.focused());
        int paused = refreshes(page);
        pause(8000);
        assertEquals(paused, refreshes(page), "no poll while paused");
        page.click(testid("live-toggle"));
        page.waitForText("live-toggle", "Pause live updates");
        page.waitForText("status", "Live updates resumed.");
    }

    private static long portalLinkRows(Page page) {
        return page.attributes("[data-testid=audit-row]", "data-type").stream().filter("portal_link.issued"::equals).count();
    }

    /** Phones (375 and 320 px) without sideways scrolling, the dark theme, and the page's own focus ring. */
    @Test
    @Order(9)
    void phonesReflowAndTheDarkThemePasses() throws Exception {
        Page last = null;
        for (String organizationId : List.of(demo.globexOrganizationId(), demo.initechOrganizationId(), demo.acmeOrganizationId())) {
            Page page = browser.dashboard(organizationId, "admin");
            last = page;
            page.waitFor("the audit log", () -> !rows(page).isEmpty());
            for (int width : List.of(375, 320)) {
                page.viewport(width, 800);
                page.waitFor("the page at " + width + " px", () -> page.eval("innerWidth").asInt() == width);
                assertEquals(0, page.horizontalOverflow(), "no sideways scrolling at " + width + " px: " + page.text("who"));
            }
        }
        Page page = last; // Acme, at 320 px
        page.viewport(375, 800);
        page.click(testid("audit-more"));
        page.waitFor("an older page", () -> page.text("status").contains("older"));
        assertEquals(0, page.horizontalOverflow(), "the audit log stacks on a phone");
        Axe.check(page, "a phone, 375 px");
        page.eval("scrollTo(0, 0)");
        phoneScreenshot(page, "identity-integrations-acme-phone.png");

        page.colorScheme("dark");
        Axe.check(page, "a phone in the dark theme");
        page.viewport(1280, 900);
        Axe.check(page, "the desktop in the dark theme");
        assertNotEquals(page.eval("getComputedStyle(document.body).backgroundColor").asText(), "rgb(245, 246, 250)", "a dark background");

        // The page's own focus ring, from the keyboard.
        focus(page, "refresh");
        page.press("Shift+Tab");
        page.press("Tab");
        JsonNode ring = page.eval("(() => { const s = getComputedStyle(document.activeElement);"
                + " return {style: s.outlineStyle, width: s.outlineWidth}; })()");
        assertEquals("solid", ring.path("style").asText());
        assertEquals("3px", ring.path("width").asText());
        page.colorScheme("light");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** The Admin Portal tab the last click opened: the emulator's portal page for {@code intent}. */
    Page portalTab(Page dashboard, String intent) throws InterruptedException {
        Page portal = browser.awaitTabOpenedBy(dashboard);
        String portalPrefix = browser.system().emulator().baseUrl() + "/portal/";
        portal.waitFor("the emulator's Admin Portal", () -> portal.url().startsWith(portalPrefix)
                && portal.visible(testid("portal-title")));
        assertEquals(intent, portal.text("portal-intent"));
        assertFalse(dashboard.url().contains("portal"), "the dashboard stays where it is");
        assertFalse(dashboard.bodyText().contains(portal.url()), "the link is not shown on the dashboard");
        assertEquals("null", dashboard.eval("JSON.stringify([sessionStorage, localStorage].flatMap(s => Object.values(s))"
                + ".find(v => v.includes('/portal/')) ?? null)").asText(), "nor stored");
        return portal;
    }

    /** Clears the checklist item the dashboard itself keeps (IT contact); the plan is the vendor's (Acme's includes both). */
    void clearChecklist(Page page) {
        if (page.attributes(testid("step-it-contact"), "data-done").equals(List.of("false"))) {
            addItContact(page, "it@" + page.text("who").replaceAll(".*@([a-z]+\\.com).*", "$1"));
        }
        assertEquals(List.of("true"), page.attributes(testid("step-plan"), "data-done"), "the demo's Acme has SSO in its plan");
    }

    void addItContact(Page page, String email) {
        page.type(testid("it-contact-email"), email);
        page.click(testid("it-contact-add"));
        page.waitFor("the IT contact on file", () -> page.attributes(testid("step-it-contact"), "data-done").equals(List.of("true")));
        assertTrue(page.text("step-it-contact").contains("1 IT contact on file."));
    }

    /** The vendor's back office sets the plan (SigV4 on the AWS_IAM route, as in AWS); the page shows it after a refresh. */
    void vendorSetsPlan(Page page, String organizationId, boolean sso, boolean directorySync) throws Exception {
        BackOffice.setPlan(browser.system(), organizationId, sso, directorySync);
        page.click(testid("refresh"));
        page.waitFor("the plan on the page", () -> page.attributes(testid("step-plan"), "data-done").equals(List.of(String.valueOf(sso)))
                && page.visible(testid("sso")) == sso && page.visible(testid("dsync")) == directorySync);
    }

    static final String SSO_NOT_IN_PLAN =
            "SSO isn't enabled for your organisation's plan yet. Contact your Smart Core Connect account manager or support.";
    static final String DIRECTORY_SYNC_NOT_IN_PLAN =
            "Directory Sync isn't enabled for your organisation's plan yet. Contact your Smart Core Connect account manager or support.";

    static List<String> blockers(Page page) {
        return page.visible(testid("blockers")) ? page.attributes("#blocker-list li", "data-code") : List.of();
    }

    static List<String> rows(Page page) {
        return page.attributes("[data-testid=audit-row]", "data-id");
    }

    /** Unavailable but reachable: aria-disabled (never the disabled attribute), with its reason linked. */
    static boolean disabled(Page page, String testId) {
        JsonNode b = page.eval("(() => { const b = document.querySelector('" + testid(testId).replace("'", "\\'") + "');"
                + " const why = document.getElementById(b.getAttribute('aria-describedby') || '');"
                + " return {aria: b.getAttribute('aria-disabled') === 'true', native: b.disabled, reason: why ? why.textContent : ''}; })()");
        assertFalse(b.path("native").asBoolean(), testId + " stays focusable");
        if (b.path("aria").asBoolean()) {
            assertFalse(b.path("reason").asText().isBlank(), testId + " says why it is unavailable (aria-describedby)");
        }
        return b.path("aria").asBoolean();
    }

    static int refreshes(Page page) {
        return page.eval("Number(document.querySelector('#dashboard').dataset.refreshes || 0)").asInt();
    }

    static void focus(Page page, String testId) {
        page.eval("document.querySelector('" + testid(testId) + "').focus()");
        assertEquals(testId, page.focused());
    }

    static int devTokenRequests(Page page) {
        return page.eval("performance.getEntriesByType('resource').filter(e => e.name.endsWith('/_local/dev-token')).length").asInt();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
        return HTTP.send(HttpRequest.newBuilder(URI.create(browser.system().apiUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode apiGet(String path, String organization, String role) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(browser.system().apiUrl() + path))
                .header("Authorization", "Bearer " + browser.system().token(organization, role).token()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.parse(response.body());
    }

    /** Into the build directory; with -Dgatekeep.updateDocs=true also into docs/ (the README shows them). */
    static void screenshot(Page page, String name) throws Exception {
        screenshot(page, name, 4000);
    }

    /** A phone's screenshot: the top of the page, about two screens' worth, for the README. */
    static void phoneScreenshot(Page page, String name) throws Exception {
        screenshot(page, name, 1700);
    }

    static void screenshot(Page page, String name, int maxHeight) throws Exception {
        page.eval("document.activeElement && document.activeElement.blur()");
        Path file = Path.of(System.getProperty("gatekeep.screenshots", "target/screenshots")).resolve(name);
        page.screenshot(file, maxHeight);
        assertTrue(Files.size(file) > 10_000, "a real screenshot: " + file);
        if (Boolean.getBoolean("gatekeep.updateDocs")) {
            Path docs = ProjectFiles.root().resolve("docs");
            Files.createDirectories(docs);
            Files.copy(file, docs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
