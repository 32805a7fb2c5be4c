package io.gatekeep.shared.guide;

import io.gatekeep.shared.guide.Guide.Advice;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The troubleshooting words (guide/troubleshooting.json) against the guide in the seeds. */
class TroubleshootingGuideTest {
    private final Guide guide = Guide.load();

    @Test
    void errorRecoveryTableIsTheGuidesVerbatim() {
        List<List<String>> rows = Seeds.table("| Problem | Root Cause | Fix |");
        List<List<String>> actual = guide.errorRecovery().stream()
                .map(a -> List.of(a.problem(), a.cause(), a.fix())).toList();
        assertEquals(rows, actual);
    }

    /** Every row is detected from the projection, or named by a failed sign-in, or listed as undetectable: exactly one. */
    @Test
    void everyRowIsClassified() {
        Set<String> ids = guide.errorRecovery().stream().map(Advice::id).collect(Collectors.toSet());
        assertEquals(14, ids.size());
        Set<String> classified = new HashSet<>(Guide.DETECTABLE);
        classified.addAll(Guide.UNDETECTABLE);
        classified.addAll(Guide.FROM_SIGN_IN_FAILURES);
        assertEquals(ids, classified);
        assertEquals(Guide.DETECTABLE.size() + Guide.UNDETECTABLE.size() + Guide.FROM_SIGN_IN_FAILURES.size(), classified.size());
    }

    @Test
    void decisionTreeIsTheGuidesVerbatim() {
        String seeds = Seeds.allText();
        assertEquals(3, guide.ssoDecisionTree().size());
        for (Guide.Branch branch : guide.ssoDecisionTree()) {
            assertTrue(seeds.contains("+-- " + branch.question() + " → " + branch.answer() + "\n"), branch.toString());
        }
    }

    /** The product's own steps quote the seeds where they say they do. */
    @Test
    void productStepsQuoteTheSeeds() {
        String seeds = Seeds.allText().replace("\n", "");
        List<String> quotes = List.of(
                guide.advice("connection_inactive").fix(),
                guide.advice("connection_inactive").cause(),
                guide.advice("certificate_expired").problem(),
                "The connection isn't showing as \"active\".",
                "Upload new cert or fresh metadata",
                "no longer sits in an unconfigured state",
                "In WorkOS, generate the SCIM credentials and complete the provider-side connection.",
                "Run a test push/sync from the IdP to verify users appear in WorkOS",
                "certificates expiring in the next 90 days",
                "Add the DNS TXT record requested by WorkOS, then return after verification succeeds.");
        for (String quote : quotes) {
            assertTrue(seeds.contains(quote), quote);
        }
        assertEquals("The connection isn't showing as active.", guide.advice("connection_inactive").problem());
        assertTrue(guide.advice("certificate_expired").fix().contains("upload new cert or fresh metadata"));
        assertTrue(guide.advice("directory_not_linked").fix().contains(
                "In WorkOS, generate the SCIM credentials and complete the provider-side connection. Run a test push/sync"));
        assertTrue(guide.nextStepWords("domain_not_verified").fix().contains(
                "Add the DNS TXT record requested by WorkOS, then return after verification succeeds."));
    }

    /** The page's buttons, as web/index.html and web/app.js label them (the product documents' words). */
    static final List<String> PAGE_BUTTONS = List.of(
            "Verify domain in WorkOS", "Configure SSO", "Continue SSO setup", "Connect provider", "Renew certificate",
            "Manage SSO");

    /**
     * Every next step the backend can give reads as the page shows it: no literal quotes from the guide's
     * table, no WorkOS dashboard path ("Organizations > Domains"), and a fix that names one of the page's buttons.
     */
    @Test
    void nextStepsPointAtThePagesOwnButtons() {
        List<String> ids = new java.util.ArrayList<>(Guide.DETECTABLE);
        ids.addAll(List.of("sso_not_configured", "connection_inactive", "certificate_expired", "certificate_expiring",
                "directory_not_linked"));
        for (String id : ids) {
            Advice words = guide.nextStepWords(id);
            for (String text : List.of(words.problem(), words.cause(), words.fix())) {
                assertFalse(text.contains("\""), id + " has a literal quote: " + text);
                assertFalse(text.contains(" > "), id + " names a dashboard path: " + text);
                assertFalse(text.contains("Dashboard"), id + " sends the admin to the WorkOS dashboard: " + text);
            }
            assertTrue(PAGE_BUTTONS.stream().anyMatch(words.fix()::contains), id + " names a button of the page: " + words.fix());
        }
        // The verbatim table itself is untouched: the page's words are a rewording of its detectable rows.
        for (String id : Guide.DETECTABLE) {
            assertEquals(guide.advice(id).cause(), guide.nextStepWords(id).cause(), id);
            assertEquals(guide.advice(id).problem().replace("\"", ""), guide.nextStepWords(id).problem(), id);
        }
    }

    /**
     * A failed sign-in's fix reads as the page shows it too: the guide's row without its quotes or dashboard
     * paths, "Manage SSO" (the Admin Portal's SSO screen, beside the fix) where the fix is made there, and no
     * button at all where it is made in the identity provider alone (its clock, its NameID mapping).
     */
    @Test
    void signInFailuresGetThePagesWordsAndAButtonOnlyWhereThePortalFixesThem() {
        Map<String, String> reasons = Map.of(
                "saml_recipient_mismatch", "SAML Recipient mismatch: the response's Recipient is not this connection's ACS URL.",
                "saml_audience_mismatch", "SAML Audience mismatch: the assertion's Audience is not this connection's SP Entity ID.",
                "saml_signature_invalid", "SAML Signature invalid",
                "saml_response_expired", "SAML Response expired: NotOnOrAfter is in the past",
                "saml_nameid_missing", "SAML NameID missing",
                "oauth_redirect_uri_mismatch", "redirect_uri_mismatch",
                "oauth_invalid_client", "invalid_client");
        assertEquals(Guide.shownOnThePage().size() - Guide.DETECTABLE.size(), reasons.size(), "every sign-in failure row");
        for (var reason : reasons.entrySet()) {
            String id = reason.getKey();
            NextStep step = guide.signInFailureStep(id, reason.getValue(), "OktaSAML");
            Advice words = guide.nextStepWords(id);
            assertEquals(new NextStep(words.problem(), words.cause(), words.fix(), "https://workos.com/docs/integrations/okta-saml",
                    Guide.FIXED_IN_THE_IDENTITY_PROVIDER.contains(id) ? null : Guide.INTENT_SSO), step, id);
            for (String text : List.of(step.problem(), step.cause(), step.fix())) {
                assertFalse(text.contains("\""), id + " has a literal quote: " + text);
                assertFalse(text.contains(" > "), id + " names a dashboard path: " + text);
                assertFalse(text.contains("Dashboard"), id + " sends the admin to the WorkOS dashboard: " + text);
            }
            assertEquals(guide.advice(id).cause(), step.cause(), id);
            assertEquals(guide.advice(id).problem().replace("\"", ""), step.problem(), id);
            boolean namesAButton = PAGE_BUTTONS.stream().anyMatch(step.fix()::contains);
            assertEquals(step.portalIntent() != null, namesAButton, id + ": a button named exactly when there is one: " + step.fix());
        }
        assertEquals(Set.of("saml_response_expired", "saml_nameid_missing"), Guide.FIXED_IN_THE_IDENTITY_PROVIDER);
        assertNull(guide.signInFailureStep("invalid_saml_response", "Something else went wrong", "OktaSAML"),
                "a reason that names no row: the reason itself is shown");
    }
}
