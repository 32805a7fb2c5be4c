package io.gatekeep.shared.guide;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.guide.Guide.Advice;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.org.OrganizationView.Connection;
import io.gatekeep.shared.org.OrganizationView.Directory;
import io.gatekeep.shared.org.OrganizationView.Domain;
import io.gatekeep.shared.org.OrganizationView.Organization;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What to do next, derived from one read of an organization. Covers every error-recovery row the
 * projection can detect ({@link Guide#DETECTABLE}: Draft, Validating, SCIM 401, domain not
 * verified) and shows that the rows it cannot detect ({@link Guide#UNDETECTABLE}: SAML
 * "Recipient mismatch", "Audience mismatch", "Signature invalid", "Response expired"; SCIM 404,
 * "no attributes", "users not deactivated"; OAuth "redirect_uri_mismatch", "invalid_client";
 * "Organization not found") never come out of any state.
 */
class NextStepsTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final String OKTA_SAML_DOC = "https://workos.com/docs/integrations/okta-saml";
    private static final String SAML_DOC = "https://workos.com/docs/integrations/saml";
    private static final String SCIM_DOC = "https://workos.com/docs/integrations/scim";

    private final Guide guide = Guide.load();

    // ---- building one read of an organization ----

    private static String ago(Duration duration) {
        return Times.iso(NOW.minus(duration));
    }

    private static Connection connection(String type, String state, Duration updatedAgo) {
        return new Connection("conn_1", "Acme " + type, type, state, ago(Duration.ofDays(2)), ago(updatedAgo), null, false);
    }

    private static Connection certificate(String state, String expiresAt, boolean renewalRequired) {
        return new Connection("conn_1", "Acme Okta", "OktaSAML", state, ago(Duration.ofDays(400)), ago(Duration.ofDays(300)),
                expiresAt, renewalRequired);
    }

    private static Directory directory(String id, String type, String state, Duration updatedAgo) {
        return new Directory(id, "Acme directory", type, state, "acme.test", ago(Duration.ofDays(2)), ago(updatedAgo),
                null, 0, 0);
    }

    private static OrganizationView view(boolean verified, List<Connection> connections, List<Directory> directories) {
        var organization = new Organization("org_1", "Acme", List.of("it@acme.test"), new io.gatekeep.shared.org.Entitlements(true, true), ago(Duration.ofDays(30)),
                ago(Duration.ofDays(30)), null);
        var domain = new Domain("org_domain_1", "acme.test", verified ? "verified" : "pending", "dns", ago(Duration.ofDays(30)));
        return new OrganizationView(organization, List.of(domain), connections, directories);
    }

    private static OrganizationView sso(Connection... connections) {
        return view(true, List.of(connections), List.of());
    }

    private static OrganizationView dsync(Directory... directories) {
        return view(true, List.of(connection("OktaSAML", "active", Duration.ofDays(1))), List.of(directories));
    }

    private NextStep ssoStep(OrganizationView view) {
        return guide.nextSteps(view, NOW).sso();
    }

    private NextStep dsyncStep(OrganizationView view) {
        return guide.nextSteps(view, NOW).directorySync();
    }

    private void assertRow(String id, String docUrl, String intent, NextStep step) {
        Advice row = guide.nextStepWords(id);
        assertEquals(new NextStep(row.problem(), row.cause(), row.fix(), docUrl, intent), step);
    }

    // ---- every detectable row of the error-recovery table ----

    @Test
    void everyDetectableRowComesFromTheProjection() {
        Map<String, NextStep> produced = new LinkedHashMap<>();
        produced.put("connection_draft", ssoStep(sso(connection("OktaSAML", "draft", Duration.ofHours(3)))));
        produced.put("connection_validating", ssoStep(sso(connection("OktaSAML", "validating", Duration.ofHours(3)))));
        produced.put("scim_unauthorized", dsyncStep(dsync(directory("directory_1", "okta scim v2.0", "invalid_credentials", Duration.ofMinutes(1)))));
        produced.put("domain_not_verified", ssoStep(view(false, List.of(), List.of())));
        assertEquals(Guide.DETECTABLE, produced.keySet().stream().collect(Collectors.toSet()));

        assertRow("connection_draft", OKTA_SAML_DOC, "sso", produced.get("connection_draft"));
        // The guide's rows as the page shows them: no literal quotes, and the page's own button to use.
        assertEquals(new NextStep("Connection stuck in Draft", "IdP metadata not uploaded or invalid",
                "Choose Continue SSO setup, then upload valid IdP metadata XML or enter a reachable metadata URL in the Admin Portal.",
                OKTA_SAML_DOC, "sso"), produced.get("connection_draft"));
        assertEquals(new NextStep("Connection stuck in Validating", "Certificate expired or ACS/Entity ID mismatch",
                "Choose Continue SSO setup, then re-upload fresh metadata; verify ACS URL and SP Entity ID match exactly.",
                OKTA_SAML_DOC, "sso"), produced.get("connection_validating"));
        assertEquals(new NextStep("SCIM 401 Unauthorized", "Bearer token is expired or was regenerated",
                "Choose Connect provider, then copy the current token from the Admin Portal's SCIM configuration into your identity provider.",
                "https://workos.com/docs/integrations/okta-scim", "dsync"), produced.get("scim_unauthorized"));
        assertEquals(new NextStep("Domain not verified", "SSO requires a verified domain",
                "Choose Verify domain in WorkOS in the setup checklist. Add the DNS TXT record requested by WorkOS, then return after verification succeeds.",
                SAML_DOC, "domain_verification"), produced.get("domain_not_verified"));
    }

    /** A sweep of every state the projection can hold never yields an undetectable row, and yields every detectable one. */
    @Test
    void undetectableRowsNeverComeOut() {
        Set<String> undetectable = guide.errorRecovery().stream().filter(a -> Guide.UNDETECTABLE.contains(a.id()))
                .map(Advice::problem).collect(Collectors.toSet());
        Set<String> detectable = Guide.DETECTABLE.stream().map(id -> guide.nextStepWords(id).problem()).collect(Collectors.toSet());
        Set<String> seen = new HashSet<>();
        List<String> connectionStates = List.of("draft", "validating", "active", "inactive", "deleting");
        List<String> directoryStates = List.of("linked", "validating", "invalid_credentials", "unlinked", "deleting");
        List<Duration> ages = List.of(Duration.ofMinutes(5), Duration.ofHours(2));
        List<String> expiries = new ArrayList<>();
        expiries.add(null);
        expiries.add(Times.iso(NOW.plus(Duration.ofDays(10))));
        expiries.add(Times.iso(NOW.minus(Duration.ofDays(1))));
        for (boolean verified : List.of(true, false)) {
            for (String cs : connectionStates) {
                for (String ds : directoryStates) {
                    for (Duration age : ages) {
                        for (String expiry : expiries) {
                            for (boolean flag : List.of(true, false)) {
                                var c = new Connection("conn_1", "c", "OktaSAML", cs, ago(age), ago(age), expiry, flag);
                                var d = directory("directory_1", "okta scim v2.0", ds, age);
                                NextSteps steps = guide.nextSteps(view(verified, List.of(c), List.of(d)), NOW);
                                for (NextStep step : new NextStep[] {steps.sso(), steps.directorySync()}) {
                                    if (step != null) {
                                        assertFalse(undetectable.contains(step.problem()), step.toString());
                                        seen.add(step.problem());
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(seen.containsAll(detectable), seen.toString());
    }

    // ---- SSO ----

    @Test
    void draftIsStuckAfterOneHourSinceItsLastChange() {
        assertNull(ssoStep(sso(connection("OktaSAML", "draft", Duration.ofMinutes(59)))));
        assertRow("connection_draft", OKTA_SAML_DOC, "sso", ssoStep(sso(connection("OktaSAML", "draft", Guide.STUCK_AFTER))));
        // No updatedAt: counted from createdAt (two days ago).
        var noUpdate = new Connection("conn_1", "c", "OktaSAML", "draft", ago(Duration.ofDays(2)), null, null, false);
        assertRow("connection_draft", OKTA_SAML_DOC, "sso", ssoStep(sso(noUpdate)));
        // Made long ago but changed a minute ago: still being worked on.
        var recent = new Connection("conn_1", "c", "OktaSAML", "draft", ago(Duration.ofDays(2)), ago(Duration.ofMinutes(1)), null, false);
        assertNull(ssoStep(sso(recent)));
    }

    @Test
    void validatingIsStuckAfterOneHour() {
        assertNull(ssoStep(sso(connection("AzureSAML", "validating", Duration.ofMinutes(30)))));
        assertRow("connection_validating", "https://workos.com/docs/integrations/entra-id-saml", "sso",
                ssoStep(sso(connection("AzureSAML", "validating", Duration.ofHours(2)))));
    }

    @Test
    void inactiveConnectionAsksToContinueSetupAtOnce() {
        assertRow("connection_inactive", "https://workos.com/docs/integrations/google-saml", "sso",
                ssoStep(sso(connection("GoogleSAML", "inactive", Duration.ofMinutes(1)))));
    }

    @Test
    void noConnectionGivesTheDecisionTreesAdvice() {
        NextStep step = ssoStep(view(true, List.of(), List.of()));
        assertEquals(new NextStep("Single Sign-On sits in an unconfigured state", "No SSO connection has been added yet",
                "Choose Configure SSO and pick your identity provider in the Admin Portal. Provider supports SAML? → Use SAML connection (preferred for enterprise); "
                        + "Provider supports OIDC only? → Use OIDC connection; "
                        + "Provider supports both? → Prefer SAML (wider enterprise support, more attributes)",
                SAML_DOC, "sso"), step);
        // A connection being deleted does not count.
        assertEquals(step, ssoStep(sso(connection("OktaSAML", "deleting", Duration.ofDays(1)))));
    }

    @Test
    void domainGateComesFirstUnlessSsoIsActive() {
        assertRow("domain_not_verified", OKTA_SAML_DOC, "domain_verification",
                ssoStep(view(false, List.of(connection("OktaSAML", "draft", Duration.ofDays(1))), List.of())));
        assertNull(ssoStep(view(false, List.of(connection("OktaSAML", "active", Duration.ofDays(1))), List.of())));
    }

    @Test
    void anActiveConnectionIsNotStuckWhateverElseIsThere() {
        assertNull(ssoStep(sso(connection("OktaSAML", "active", Duration.ofDays(1)))));
        var active = connection("OktaSAML", "active", Duration.ofDays(1));
        var abandoned = new Connection("conn_0", "old", "GenericSAML", "draft", ago(Duration.ofDays(9)), ago(Duration.ofDays(9)), null, false);
        assertNull(ssoStep(sso(abandoned, active)));
    }

    @Test
    void unmappedConnectionTypeGetsTheGenericSamlGuide() {
        assertRow("connection_draft", SAML_DOC, "sso", ssoStep(sso(connection("TestIdp", "draft", Duration.ofHours(2)))));
        assertRow("connection_draft", SAML_DOC, "sso", ssoStep(sso(connection(null, "draft", Duration.ofHours(2)))));
    }

    // ---- certificates ----

    @Test
    void renewalRequiredFlagAsksForCertificateRenewal() {
        assertRow("certificate_expiring", OKTA_SAML_DOC, "certificate_renewal", ssoStep(sso(certificate("active", null, true))));
        assertRow("certificate_expiring", OKTA_SAML_DOC, "certificate_renewal",
                ssoStep(sso(certificate("active", Times.iso(NOW.plus(Duration.ofDays(200))), true))));
    }

    @Test
    void certificatesWithin90DaysOfExpiry() {
        assertNull(ssoStep(sso(certificate("active", Times.iso(NOW.plus(Duration.ofDays(91))), false))));
        assertRow("certificate_expiring", OKTA_SAML_DOC, "certificate_renewal",
                ssoStep(sso(certificate("active", Times.iso(NOW.plus(Guide.CERTIFICATE_WARNING)), false))));
        assertRow("certificate_expiring", OKTA_SAML_DOC, "certificate_renewal",
                ssoStep(sso(certificate("active", Times.iso(NOW.plus(Duration.ofDays(30))), false))));
        assertRow("certificate_expired", OKTA_SAML_DOC, "certificate_renewal",
                ssoStep(sso(certificate("active", Times.iso(NOW), false))));
        assertRow("certificate_expired", OKTA_SAML_DOC, "certificate_renewal",
                ssoStep(sso(certificate("active", Times.iso(NOW.minus(Duration.ofDays(1))), true))));
    }

    @Test
    void certificateOfAConnectionStillSettingUpComesBeforeItsState() {
        assertRow("certificate_expired", OKTA_SAML_DOC, "certificate_renewal",
                ssoStep(sso(certificate("validating", Times.iso(NOW.minus(Duration.ofDays(3))), false))));
    }

    // ---- Directory Sync ----

    @Test
    void noDirectoryIsNotStuck() {
        assertNull(dsyncStep(dsync()));
        assertNull(dsyncStep(view(false, List.of(), List.of())));
    }

    @Test
    void linkedDirectoryIsNotStuck() {
        assertNull(dsyncStep(dsync(directory("directory_1", "okta scim v2.0", "linked", Duration.ofDays(3)))));
    }

    @Test
    void invalidCredentialsIsTheScim401RowWhateverElseIsLinked() {
        var linked = directory("directory_1", "okta scim v2.0", "linked", Duration.ofDays(3));
        var broken = directory("directory_2", "azure scim v2.0", "invalid_credentials", Duration.ofMinutes(1));
        assertRow("scim_unauthorized", "https://workos.com/docs/integrations/entra-id-scim", "dsync", dsyncStep(dsync(linked, broken)));
        var deleting = directory("directory_3", "azure scim v2.0", "deleting", Duration.ofMinutes(1));
        assertNull(dsyncStep(dsync(linked, deleting)));
    }

    @Test
    void directoryNotLinkedAfterOneHour() {
        assertNull(dsyncStep(dsync(directory("directory_1", "gsuite directory", "unlinked", Duration.ofMinutes(20)))));
        assertRow("directory_not_linked", "https://workos.com/docs/integrations/google-directory-sync", "dsync",
                dsyncStep(dsync(directory("directory_1", "gsuite directory", "unlinked", Duration.ofHours(1)))));
        assertRow("directory_not_linked", SCIM_DOC, "dsync",
                dsyncStep(dsync(directory("directory_1", "personio", "validating", Duration.ofHours(5)))));
    }

    // ---- the wire shape the health answer embeds ----

    @Test
    void serialisesWithTheWireNames() {
        NextSteps steps = guide.nextSteps(view(true, List.of(),
                List.of(directory("directory_1", "okta scim v2.0", "invalid_credentials", Duration.ofMinutes(1)))), NOW);
        JsonNode json = Json.parse(Json.write(steps));
        assertEquals(Set.of("sso", "directorySync"), Set.copyOf(iterable(json.fieldNames())));
        assertEquals(Set.of("problem", "cause", "fix", "docUrl", "portalIntent"), Set.copyOf(iterable(json.get("sso").fieldNames())));
        assertEquals("SCIM 401 Unauthorized", json.at("/directorySync/problem").asText());
        assertTrue(Json.parse(Json.write(guide.nextSteps(dsync(), NOW))).get("directorySync").isNull());
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
