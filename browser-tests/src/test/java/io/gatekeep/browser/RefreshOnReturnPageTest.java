package io.gatekeep.browser;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.shared.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.gatekeep.browser.Page.testid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "The connection status refreshes automatically when you come back to the page": WorkOS sends no event
 * when a connection is created (draft), so only the backend's read of WorkOS can show it. The admin leaves
 * the page's tab for another (as for the Admin Portal), a draft connection appears in WorkOS meanwhile, and
 * when the page's tab is the visible one again it asks for that read and shows the draft, with no Refresh
 * click and no operator action. Tab switches are Chromium's own (DevTools' Page.bringToFront).
 */
class RefreshOnReturnPageTest {
    @RegisterExtension
    static final LocalBrowser browser = new LocalBrowser();
    static EmulatorControl emulator;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        emulator = browser.system().emulator().control();
    }

    @Test
    void aDraftConnectionMadeInAnotherTabShowsWhenThePageIsVisibleAgain() throws Exception {
        String acme = browser.system().demo().acmeOrganizationId();
        Page page = browser.tab();
        page.open(browser.home() + "?org=Acme&role=admin");
        page.waitForText("sso-badge", "Active");
        assertEquals("1", page.text("sso-total"));
        int loads = refreshes(page);

        // The admin goes to another tab; WorkOS gets a draft connection, of which it sends no event.
        Page other = browser.tab();
        other.open("about:blank");
        other.bringToFront();
        page.waitFor("the page's tab hidden", () -> "hidden".equals(page.eval("document.visibilityState").asText()));
        emulator.createConnection(acme, "GenericOIDC", "Acme OIDC", "draft");
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(10)), "the emulator's deliveries settle");
        assertEquals(1, storedConnections(acme), "no event, so the stored health does not know the draft yet");
        assertEquals(loads, refreshes(page), "a hidden page does not refresh");

        // Back to the page's tab: it asks the backend to read WorkOS, then shows what changed.
        page.bringToFront();
        page.waitFor("the draft connection counted", () -> "2".equals(page.text("sso-total")), Duration.ofSeconds(15));
        assertEquals(2, storedConnections(acme), "the refresh wrote WorkOS's state through the projection");
        assertTrue(page.eval("performance.getEntriesByType('resource').some(e => e.name.endsWith('/identity-health/refresh'))")
                .asBoolean(), "the page asked for POST .../identity-health/refresh");
        page.waitFor("the change said in the status region", () -> !page.text("status").isBlank());
    }

    /**
     * WorkOS cannot be read when the admin comes back from the Admin Portal: the refresh answers
     * {@code workos_unavailable} and the stored health stands. The status region says so, with when WorkOS was
     * last checked (health's {@code checkedAt}), and the live line's "Last checked with WorkOS" is that same
     * time, not the browser's clock.
     */
    @Test
    void whenWorkOsCannotBeReadOnReturnThePageSaysItShowsTheHealthAsLastChecked() throws Exception {
        String globex = browser.system().demo().globexOrganizationId(); // not Acme: its refresh above holds Acme's 30 s slot
        Page page = browser.tab();
        page.open(browser.home() + "?org=Globex&role=admin");
        page.waitForText("sso-badge", "Draft");
        String checkedAt = health(globex, "Globex").path("checkedAt").asText(null);
        assertNotNull(checkedAt, "the local run's reconcile at start confirmed Globex with WorkOS");
        // Under the title from the start, live updates or not: when WorkOS was last read for this organization.
        page.waitFor("when WorkOS was last checked", () -> page.visible(testid("last-checked")));
        assertEquals(List.of(checkedAt), page.attributes(testid("last-checked"), "datetime"), "Last checked is health's checkedAt");
        assertFalse(page.visible(testid("live")), "no live updates yet");
        page.type(testid("it-contact-email"), "it@globex.com"); // the Admin Portal needs an IT contact first
        page.click(testid("it-contact-add"));
        page.waitFor("the IT contact on file", () -> page.attributes(testid("step-it-contact"), "data-done").equals(List.of("true")));

        emulator.failNext(10, 503, null, "/connections");
        try {
            page.click(testid("portal-domain_verification"));
            Page portal = browser.awaitTabOpenedBy(page);
            portal.waitFor("the emulator's Admin Portal",
                    () -> portal.url().startsWith(browser.system().emulator().baseUrl() + "/portal/"));
            page.waitForText("status", "The WorkOS Admin Portal opened in a new tab. This page shows the changes as you make them there.");
            portal.bringToFront();
            page.waitFor("the page's tab hidden", () -> "hidden".equals(page.eval("document.visibilityState").asText()));
            page.bringToFront();
            page.waitFor("the refresh's failure said", () -> page.text("status").startsWith("Could not reach WorkOS just now."),
                    Duration.ofSeconds(15));
        } finally {
            emulator.clearFaults();
        }
        String shown = page.eval("new Date('" + checkedAt + "').toLocaleString('en-US', { year: 'numeric', month: 'short',"
                + " day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' })").asText();
        String said = page.text("status"); // then what changed in the stored health meanwhile (the audit entries)
        assertTrue(said.startsWith("Could not reach WorkOS just now. Showing the health as last checked with WorkOS, " + shown + "."), said);
        assertEquals(checkedAt, health(globex, "Globex").path("checkedAt").asText(null), "the stored health stands");

        page.waitFor("live updates on", () -> page.visible(testid("live")));
        assertEquals(List.of(checkedAt), page.attributes(testid("last-checked"), "datetime"), "still the stored check, not the browser's clock");
        assertEquals(shown, page.text("last-checked"));
        assertEquals("Last checked with WorkOS " + shown + ".", page.text("checked").replaceAll("\\s+", " "));
        Axe.check(page, "the health as last checked, WorkOS unavailable");
    }

    static int refreshes(Page page) {
        return page.eval("Number(document.querySelector('#dashboard').dataset.refreshes || 0)").asInt();
    }

    /** The connections health counts, read through the API as the page does. */
    static int storedConnections(String organizationId) throws Exception {
        return health(organizationId, "Acme").path("sso").path("totalConnections").asInt(-1);
    }

    /** GET .../identity-health as an admin of the organization named {@code organizationName}. */
    static JsonNode health(String organizationId, String organizationName) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(browser.system().apiUrl()
                        + "/organizations/" + organizationId + "/identity-health"))
                .header("Authorization", "Bearer " + browser.system().token(organizationName, "admin").token()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.parse(response.body());
    }
}
