package io.gatekeep.browser;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.DemoWorld;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static io.gatekeep.browser.Page.testid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Needs attention" at the top of Identity integrations, in headless Chromium against the local runner with the
 * notices function running as in {@code bin/run-local} (the table's stream, every second): the emulator drives
 * two conditions on Acme (its SCIM directory's credentials go invalid, its SAML certificate nears expiry), the
 * page shows both items with the guide's next step and the button each fix needs, and fixing one in the Admin
 * Portal resolves it on the page while live updates run.
 */
class AttentionItemsPageTest {
    static final Duration ATTENTION_WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final LocalBrowser browser = new LocalBrowser();
    static DemoWorld demo;
    static EmulatorControl emulator;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        var load = browser.system().demoLoad();
        assertEquals(load.events(), load.accepted(), "the demo world's events reach the projection: " + load.note());
        browser.system().startNotices(System.err);
        demo = browser.system().demo();
        emulator = browser.system().emulator().control();
    }

    @Test
    void attentionItemsShowAtTheTopWithTheGuidesNextStepAndResolveWhenFixed() throws Exception {
        Page page = browser.dashboard(demo.acmeOrganizationId(), "admin");
        page.waitForText("sso-badge", "Active");
        assertFalse(page.visible(testid("attention")), "nothing needs attention in the demo world");
        clearChecklist(page);

        // WorkOS sends no event when a directory's credentials go invalid: a refresh has the backend read it (the
        // page's Refresh asks for one too; here it comes first, so that one Refresh of the page shows both items).
        emulator.setDirectoryState(demo.acmeDirectoryId(), "invalid_credentials");
        Instant expiry = Instant.now().plus(Duration.ofDays(20));
        emulator.setCertificateExpiry(demo.acmeConnectionId(), expiry);
        emulator.emitCertificateRenewalRequired(demo.acmeConnectionId());
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(10)));
        assertEquals("refreshed", api("POST", "/identity-health/refresh").path("refresh").asText());
        JsonNode attention = awaitAttention(items -> items.size() == 2);
        page.click(testid("refresh"));
        page.waitFor("two items under Needs attention", () -> page.texts("[data-testid=attention-item]").size() == 2);
        page.waitForText("status", "Needs attention: ");

        // At the top: before the setup checklist, in the order health lists them (oldest first).
        assertEquals("attention", page.eval("document.querySelector('#dashboard > section').id").asText());
        assertEquals("Needs attention (2)", page.text("attention").lines().findFirst().orElse(""));
        List<String> titles = new ArrayList<>();
        attention.forEach(item -> titles.add(item.path("title").asText()));
        assertEquals(titles, page.texts("[data-testid=attention-title]"));
        for (String title : titles) {
            assertTrue(page.text("status").contains("Needs attention: " + title + "."), page.text("status"));
        }
        // Since when: the time it opened, with its time zone.
        assertEquals(strings(attention, "openedAt"), page.attributes("[data-testid=attention-since] time", "datetime"));
        assertTrue(page.texts("[data-testid=attention-since]").stream().allMatch(t -> t.startsWith("Since ") && t.endsWith(" UTC")),
                page.texts("[data-testid=attention-since]").toString());

        Item directory = item(page, "directory_broken");
        assertEquals("Directory Sync for Acme Okta SCIM has invalid credentials: users and groups no longer sync", directory.title());
        assertTrue(directory.text().contains("Next step: SCIM 401 Unauthorized"), directory.text());
        assertTrue(directory.text().contains("Fix: Choose Connect provider, then copy the current token from the Admin Portal's"
                + " SCIM configuration into your identity provider."), directory.text());
        assertEquals("Connect provider", directory.button());

        Item certificate = item(page, "certificate_expiring");
        assertEquals("The SAML certificate of Acme Okta SAML expires on " + expiry.toString().substring(0, 10), certificate.title());
        assertTrue(certificate.text().contains("Next step: SAML certificate expiring in the next 90 days"), certificate.text());
        assertTrue(certificate.text().contains("Fix: Choose Renew certificate, then upload new cert or fresh metadata in the Admin Portal."),
                certificate.text());
        assertEquals("Renew certificate", certificate.button());
        Axe.check(page, "two items need attention");
        IdentityIntegrationsPageTest.screenshot(page, "identity-integrations-attention.png", 1400); // the items, checklist and cards

        // By keyboard the items come first (each its setup guide, then its button), then the cards (Acme's checklist is done).
        page.eval("document.querySelector('#refresh').focus()");
        assertEquals(List.of("a", "attention-portal", "a", "attention-portal", "portal-certificate_renewal"),
                page.tabTo("portal-certificate_renewal"));

        // A member sees what needs attention and the next step, without the setup buttons.
        Page member = browser.dashboard(demo.acmeOrganizationId(), "member");
        member.waitFor("the items for a member", () -> member.texts("[data-testid=attention-item]").size() == 2);
        assertEquals(List.of(), member.texts("[data-testid=attention-item] button:not([hidden])"));
        member.waitForText("status", "2 items need attention.");
        Axe.check(member, "a member's view of two items");

        // The fix from the item's own button: the Admin Portal for Directory Sync, where the directory is linked again.
        // Back in the admin's tab, the page first re-reads health (as on any return to the tab) and says what
        // changed in the status line above the items, which moves them: a person clicks once that has landed.
        assertEquals("hidden", page.eval("document.visibilityState").asText(), "the member's tab is in front");
        int refreshes = IdentityIntegrationsPageTest.refreshes(page);
        page.bringToFront();
        page.waitFor("the refresh on return to the tab", () -> IdentityIntegrationsPageTest.refreshes(page) > refreshes);
        page.click("[data-key=\"directory_broken#" + demo.acmeDirectoryId() + "\"] [data-testid=attention-portal]");
        Page portal = browser.awaitTabOpenedBy(page);
        portal.waitFor("the emulator's Admin Portal", () -> portal.visible(testid("portal-title")));
        assertEquals("dsync", portal.text("portal-intent"));
        portal.click("[data-testid=\"directory-" + demo.acmeDirectoryId() + "\"] [data-testid=\"link-directory\"]");
        portal.waitForText("portal-flash", "Linked directory Acme Okta SCIM");
        page.bringToFront();
        page.waitFor("the directory's item resolved by a poll", () -> page.texts("[data-testid=attention-item]").size() == 1,
                ATTENTION_WAIT);
        page.waitForText("status", "Resolved: " + directory.title() + ".");
        assertEquals(List.of(certificate.title()), page.texts("[data-testid=attention-title]"));
        assertEquals("Needs attention (1)", page.text("attention").lines().findFirst().orElse(""));
        assertEquals("attention-title", page.focused(), "focus stays in the page when its item goes");
        Axe.check(page, "an item resolved during live updates");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** One item as the page shows it: its title, all its text, and its button's label (null without one). */
    record Item(String title, String text, String button) {}

    /** Health's open items once {@code ready} holds for them (the notices function works from the stream, every second). */
    JsonNode awaitAttention(Predicate<List<JsonNode>> ready) throws Exception {
        Instant deadline = Instant.now().plus(ATTENTION_WAIT);
        while (true) {
            JsonNode attention = api("GET", "/identity-health").path("attention");
            List<JsonNode> items = new ArrayList<>();
            attention.forEach(items::add);
            if (ready.test(items)) {
                return attention;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + ATTENTION_WAIT.toSeconds() + " s for the attention items; health has " + attention);
            }
            Thread.sleep(200);
        }
    }

    /** Acme's {@code suffix} (e.g. /identity-health) as its admin. */
    JsonNode api(String method, String suffix) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(browser.system().apiUrl() + "/organizations/"
                        + demo.acmeOrganizationId() + suffix))
                .header("Authorization", "Bearer " + browser.system().token("Acme", "admin").token())
                .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.parse(response.body());
    }

    static Item item(Page page, String kind) {
        String li = "[data-testid=attention-item][data-kind=" + kind + "]";
        List<String> buttons = page.texts(li + " button:not([hidden])");
        return new Item(page.texts(li + " [data-testid=attention-title]").get(0), page.texts(li).get(0),
                buttons.isEmpty() ? null : buttons.get(0));
    }

    static List<String> strings(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.path(field).asText()));
        return out;
    }

    /** The Admin Portal buttons wait for the checklist: an IT contact (the dashboard keeps it) and SSO in the plan (the vendor's). */
    static void clearChecklist(Page page) {
        if (page.attributes(testid("step-it-contact"), "data-done").equals(List.of("false"))) {
            page.type(testid("it-contact-email"), "it@acme.com");
            page.click(testid("it-contact-add"));
            page.waitFor("the IT contact on file", () -> page.attributes(testid("step-it-contact"), "data-done").equals(List.of("true")));
        }
        assertEquals(List.of("true"), page.attributes(testid("step-plan"), "data-done"), "the demo's Acme has SSO in its plan");
    }
}
