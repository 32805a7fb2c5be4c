package io.gatekeep.browser;

import io.gatekeep.emulator.EmulatorControl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static io.gatekeep.browser.Page.testid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page's sign-in tests, in headless Chromium against the whole local system: someone signs in through
 * Acme's active connection in the emulated Admin Portal ("Test sign-in") and through the emulator's control
 * API, WorkOS's events reach the backend as signed webhooks, and the dashboard shows who proved which role,
 * the checklist item, the one-role warning, and a failed sign-in with the troubleshooting guide's fix.
 */
class SignInProofPageTest {
    @RegisterExtension
    static final LocalBrowser browser = new LocalBrowser();
    static EmulatorControl emulator;

    @BeforeAll
    static void start() {
        emulator = browser.system().emulator().control();
    }

    /** The element's text as read aloud: white space squashed (the visually hidden "Done: " sits on its own line). */
    static String text(Page page, String testId) {
        return page.text(testId).replaceAll("\\s+", " ").trim();
    }

    /** Waits for the emulator's webhooks, then refreshes the dashboard until {@code condition} holds. */
    static void refreshUntil(Page page, String what, java.util.function.BooleanSupplier condition) {
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(20)), "webhooks delivered");
        page.click(testid("refresh"));
        page.waitFor(what, condition);
    }

    @Test
    void anAdminThenAMemberProveSsoAndAFailedSignInShowsItsFix() throws Exception {
        String acme = browser.system().demo().acmeOrganizationId();
        String connection = browser.system().demo().acmeConnectionId();
        Page page = browser.dashboard(acme, "admin");
        page.waitFor("the sign-in tests", () -> page.visible(testid("sso-proof")));
        assertEquals("false", page.attributes(testid("sign-in-test"), "data-done").get(0));
        assertEquals("To do: Test sign-in as an admin and as a member", text(page, "sign-in-test"));
        assertEquals("Not yet", page.text("tested-admin"));
        assertEquals("Not yet", page.text("tested-member"));
        assertFalse(page.visible(testid("sign-in-warning")), "nothing tested yet is the checklist's to say");

        // An admin tests sign-in in the (emulated) Admin Portal.
        Page portal = browser.tab();
        portal.open(emulator.generatePortalLink(acme, "sso"));
        portal.waitFor("the portal's Test sign-in", () -> portal.visible(testid("sign-in-test")));
        portal.type(testid("sign-in-email"), "ada@acme.com");
        portal.select("[data-testid=sign-in-test] select[name=role]", "admin");
        portal.click(testid("test-sign-in"));
        portal.waitFor("the portal's answer", () -> portal.visible(testid("portal-flash")));
        assertEquals("ada@acme.com signed in through Acme Okta SAML as admin", portal.text("portal-flash"));

        refreshUntil(page, "the admin's proof", () -> page.text("tested-admin").startsWith("ada@acme.com (admin), "));
        assertEquals("Not yet", page.text("tested-member"));
        assertEquals("sign_in_tested_for_one_role", page.attributes(testid("sign-in-warning"), "data-code").get(0));
        assertTrue(page.text("sign-in-warning").startsWith("Only an admin has signed in through Acme Okta SAML since it became active."),
                page.text("sign-in-warning"));
        assertTrue(text(page, "sign-in-test").startsWith("To do:"));
        assertEquals(List.of(), page.texts("[data-testid=blocker-list] li"), "a warning, never a blocker");

        // A member signs in (the emulator's control API).
        emulator.signIn(connection, "bob@acme.com", "member", "succeeded", null);
        refreshUntil(page, "the member's proof", () -> page.text("tested-member").startsWith("bob@acme.com (member), "));
        assertEquals("true", page.attributes(testid("sign-in-test"), "data-done").get(0));
        assertEquals("✓ Done: Test sign-in as an admin and as a member", text(page, "sign-in-test"));
        assertFalse(page.visible(testid("sign-in-warning")));
        assertEquals("true", page.attributes(testid("sign-in-proof"), "data-proven").get(0));

        // A failed sign-in: WorkOS's reason and the troubleshooting guide's fix.
        emulator.signIn(connection, "cy@acme.com", null, "failed", "audience_mismatch");
        refreshUntil(page, "the failure", () -> page.visible(testid("failure-fix")));
        assertTrue(page.text("last-failure").startsWith("cy@acme.com, "), page.text("last-failure"));
        assertTrue(page.text("last-failure").contains("SAML Audience mismatch"), page.text("last-failure"));
        String fix = page.text("failure-fix");
        assertTrue(fix.startsWith("SAML Audience mismatch"), fix);
        assertTrue(fix.contains("Fix: Choose Manage SSO, then copy the exact SP Entity ID from the connection in the Admin Portal"), fix);
        assertFalse(fix.contains("\"") || fix.contains("Dashboard"), "the page's words, not the table's: " + fix);
        // The fix is made in the Admin Portal: its button is beside it.
        assertEquals(List.of("Manage SSO"), page.texts(testid("failure-portal")));
        Axe.check(page, "sign-in tests with a failure");
        page.bringToFront(); // the portal's tab came later: a tab in the background is never painted
        IdentityIntegrationsPageTest.screenshot(page, "identity-integrations-sign-in-tests.png");

        page.click(testid("failure-portal"));
        Page portal2 = browser.awaitTabOpenedBy(page);
        portal2.waitFor("the emulator's Admin Portal", () -> portal2.visible(testid("portal-title")));
        assertEquals("sso", portal2.text("portal-intent"), "Manage SSO opens the portal's SSO screen");
        page.bringToFront();
        page.waitFor("the button usable again", () -> !page.attributes(testid("failure-portal"), "aria-disabled").contains("true"));

        // A failure fixed in the identity provider alone (its clock) names no button and offers none.
        emulator.signIn(connection, "cy@acme.com", null, "failed", "response_expired");
        refreshUntil(page, "the second failure", () -> page.text("failure-fix").startsWith("SAML Response expired"));
        assertTrue(page.text("failure-fix").contains("Nothing changes in the Admin Portal."), page.text("failure-fix"));
        assertEquals(List.of(), page.texts(testid("failure-portal")));

        // A member sees the proof too, and no Admin Portal button.
        emulator.signIn(connection, "cy@acme.com", null, "failed", "audience_mismatch");
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(20)), "webhooks delivered");
        Page member = browser.dashboard(acme, "member");
        member.waitFor("the member's view of the proof", () -> member.text("failure-fix").startsWith("SAML Audience mismatch"));
        assertEquals("✓ Done: Test sign-in as an admin and as a member", text(member, "sign-in-test"));
        assertEquals(List.of(), member.texts(testid("failure-portal")), "owners and admins open the Admin Portal");
    }
}
