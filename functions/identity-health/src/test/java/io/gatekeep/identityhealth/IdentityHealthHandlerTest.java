package io.gatekeep.identityhealth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.RequestCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection health through full API Gateway events against DynamoDB Local, for every state the
 * troubleshooting guide walks through (seeds/004: Draft -> Validating -> Active, directories
 * becoming Linked, SCIM 401 = invalid credentials, certificates).
 */
class IdentityHealthHandlerTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final AtomicInteger ORGS = new AtomicInteger();

    private static DynamoDbClient seedClient;
    private static DynamoDbClient handlerClient;
    private static final RequestCounter COUNTER = new RequestCounter();
    private static ApiContract.CheckedHandler handler;
    private static SeedItems seed;
    private static String table;

    private String org;

    @BeforeAll
    static void startTable() {
        LocalDynamo dynamo = LocalDynamo.shared();
        table = dynamo.createTable();
        seedClient = dynamo.client();
        handlerClient = dynamo.client(COUNTER);
        seed = new SeedItems(seedClient, table);
        handler = ApiContract.checked(new IdentityHealthHandler(new Config(Map.of(Config.TABLE_NAME, table)), handlerClient,
                Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @AfterAll
    static void closeClients() {
        seedClient.close();
        handlerClient.close();
    }

    @BeforeEach
    void newOrganization() {
        org = "org_health_" + ORGS.incrementAndGet();
        COUNTER.reset();
    }

    // ---- the organization as a whole ----

    @Test
    void emptyOrganizationIsAWellFormedNotConfiguredAnswer() {
        seed.organization(org, List.of(), false);

        JsonNode body = ok(get(org, "admin"));

        assertEquals(Set.of("organizationId", "domains", "sso", "directorySync", "itContacts", "plan", "attention", "asOf",
                "checkedAt"), fields(body));
        assertEquals(0, body.get("attention").size(), "nothing needs attention");
        assertTrue(body.get("checkedAt").isNull(), "WorkOS's state not confirmed yet: no refresh, sweep or reconcile");
        assertEquals(org, body.get("organizationId").asText());
        assertEquals(Set.of("verified", "pending", "gate"), fields(body.get("domains")));
        assertEquals("closed", body.at("/domains/gate").asText());
        assertEquals(0, body.at("/domains/verified").size());
        assertEquals(0, body.at("/domains/pending").size());

        JsonNode sso = body.get("sso");
        assertEquals(Set.of("status", "badge", "primaryConnection", "totalConnections", "setupAction", "blockers", "certificate", "nextStep",
                "signIns", "signInTest", "warnings"), fields(sso));
        assertEquals(0, sso.get("signIns").size(), "no active connection to prove");
        assertEquals("{\"id\":\"test_sign_in_by_role\",\"label\":\"Test sign-in as an admin and as a member\",\"done\":false}",
                sso.get("signInTest").toString());
        assertEquals(0, sso.get("warnings").size());
        assertEquals("none", sso.get("status").asText());
        assertEquals("Not configured", sso.get("badge").asText());
        assertTrue(sso.get("primaryConnection").isNull());
        assertEquals(0, sso.get("totalConnections").asInt());
        assertEquals("configure", sso.get("setupAction").asText());
        assertEquals(List.of("domain_verification_required", "it_contact_required", "plan_excludes_sso"), texts(sso.get("blockers")));
        assertTrue(sso.get("certificate").isNull());
        // The guide's first step for an empty organization: the domain gate.
        assertEquals(Set.of("problem", "cause", "fix", "docUrl", "portalIntent"), fields(sso.get("nextStep")));
        assertEquals("SSO requires a verified domain", sso.at("/nextStep/cause").asText());
        assertEquals("domain_verification", sso.at("/nextStep/portalIntent").asText());

        JsonNode dsync = body.get("directorySync");
        assertEquals(Set.of("syncStatus", "lastSync", "primaryDirectory", "totalDirectories", "users", "groups", "roles", "nextStep",
                "setupAction", "blockers"), fields(dsync));
        assertEquals("configure", dsync.get("setupAction").asText());
        assertEquals(List.of("domain_verification_required", "it_contact_required", "plan_excludes_directory_sync"),
                texts(dsync.get("blockers")));
        assertEquals("{\"member\":0}", dsync.get("roles").toString(), "no mapping: every directory user is a member");
        assertTrue(dsync.get("nextStep").isNull(), "Directory Sync is optional: nothing is stuck without a directory");
        assertEquals("none", dsync.get("syncStatus").asText());
        assertTrue(dsync.get("lastSync").isNull());
        assertTrue(dsync.get("primaryDirectory").isNull());
        assertEquals(0, dsync.get("totalDirectories").asInt());
        assertEquals(0, dsync.get("users").asLong());
        assertEquals(0, dsync.get("groups").asLong());

        assertEquals(0, body.get("itContacts").asInt());
        assertEquals(Set.of("sso", "directorySync"), fields(body.get("plan")));
        assertFalse(body.at("/plan/sso").asBoolean());
        assertFalse(body.at("/plan/directorySync").asBoolean());
        assertEquals("2026-06-01T12:00:00.000Z", body.get("asOf").asText());
    }

    @Test
    void unknownOrganizationIs404() {
        APIGatewayV2HTTPResponse response = get(org, "admin");
        assertError(response, 404, "organization_not_found");
    }

    @Test
    void deletedOrganizationIs404() {
        seed.deletedOrganization(org);
        assertError(get(org, "owner"), 404, "organization_not_found");
    }

    @Test
    void domainsAndTheDomainGate() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.domain(org, "org_domain_2", "beta.acme.test", "pending");
        seed.domain(org, "org_domain_3", "gamma.acme.test", "failed");
        JsonNode closed = ok(get(org, "admin"));
        assertEquals("closed", closed.at("/domains/gate").asText());
        assertEquals(List.of("beta.acme.test", "gamma.acme.test"), texts(closed.at("/domains/pending")));
        assertEquals(List.of("domain_verification_required"), texts(closed.at("/sso/blockers")));

        seed.domain(org, "org_domain_1", "acme.test", "verified");
        JsonNode open = ok(get(org, "admin"));
        assertEquals("open", open.at("/domains/gate").asText());
        assertEquals(List.of("acme.test"), texts(open.at("/domains/verified")));
        assertEquals(List.of("beta.acme.test", "gamma.acme.test"), texts(open.at("/domains/pending")));
        assertEquals(List.of(), texts(open.at("/sso/blockers")));
        assertEquals(1, open.get("itContacts").asInt());
        assertTrue(open.at("/plan/sso").asBoolean());
    }

    @Test
    void blockersComeInTheOrderAPersonMustClearThem() {
        seed.organization(org, List.of(), false);
        assertEquals(List.of("domain_verification_required", "it_contact_required", "plan_excludes_sso"),
                texts(ok(get(org, "admin")).at("/sso/blockers")));

        seed.domain(org, "org_domain_1", "acme.test", "verified");
        assertEquals(List.of("it_contact_required", "plan_excludes_sso"), texts(ok(get(org, "admin")).at("/sso/blockers")));

        seed.organization(org, List.of("it@acme.test", "sec@acme.test"), false);
        JsonNode planOnly = ok(get(org, "admin"));
        assertEquals(List.of("plan_excludes_sso"), texts(planOnly.at("/sso/blockers")));
        assertEquals(2, planOnly.get("itContacts").asInt());

        seed.organization(org, List.of("it@acme.test"), true);
        assertEquals(List.of(), texts(ok(get(org, "admin")).at("/sso/blockers")));
    }

    @Test
    void eachProductIsBlockedByItsOwnEntitlement() {
        seed.domain(org, "org_domain_1", "acme.test", "verified");
        seed.organization(org, List.of("it@acme.test"), new io.gatekeep.shared.org.Entitlements(false, true));
        JsonNode dsyncOnly = ok(get(org, "admin"));
        assertEquals(List.of("plan_excludes_sso"), texts(dsyncOnly.at("/sso/blockers")));
        assertEquals(List.of(), texts(dsyncOnly.at("/directorySync/blockers")));
        assertEquals("{\"sso\":false,\"directorySync\":true}", dsyncOnly.get("plan").toString());

        seed.organization(org, List.of("it@acme.test"), new io.gatekeep.shared.org.Entitlements(true, false));
        JsonNode ssoOnly = ok(get(org, "admin"));
        assertEquals(List.of(), texts(ssoOnly.at("/sso/blockers")));
        assertEquals(List.of("plan_excludes_directory_sync"), texts(ssoOnly.at("/directorySync/blockers")));
    }

    @Test
    void anOrganizationWrittenBeforeEntitlementsReadsItsOldFlagAsBoth() {
        seed.organization(org, List.of("it@acme.test"), true); // the old shape: planSso only
        assertEquals("{\"sso\":true,\"directorySync\":true}", ok(get(org, "admin")).get("plan").toString());
        seed.organization(org, List.of("it@acme.test"), false);
        assertEquals("{\"sso\":false,\"directorySync\":false}", ok(get(org, "admin")).get("plan").toString());

        // An IT contact and the plan, but the only domain is pending: the domain comes first.
        String other = org + "_b";
        seed.organization(other, List.of(), true);
        seed.domain(other, "org_domain_9", "other.test", "pending");
        assertEquals(List.of("domain_verification_required", "it_contact_required"),
                texts(ok(get(other, "admin", other)).at("/sso/blockers")));
    }

    // ---- SSO: the troubleshooting guide's connection states ----

    @Test
    void connectionDraftThenValidatingThenActive() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.domain(org, "org_domain_1", "acme.test", "verified");

        seed.connection(org, "conn_1", "Acme Okta", "OktaSAML", "draft", "2026-05-01T00:00:00.000Z");
        JsonNode draft = ok(get(org, "admin")).get("sso");
        assertEquals("draft", draft.get("status").asText());
        assertEquals("Draft", draft.get("badge").asText());
        assertEquals("continue", draft.get("setupAction").asText());
        assertEquals(1, draft.get("totalConnections").asInt());
        assertEquals(Set.of("id", "name", "type", "state"), fields(draft.get("primaryConnection")));
        assertEquals("conn_1", draft.at("/primaryConnection/id").asText());
        assertEquals("Acme Okta", draft.at("/primaryConnection/name").asText());
        assertEquals("OktaSAML", draft.at("/primaryConnection/type").asText());
        assertEquals("draft", draft.at("/primaryConnection/state").asText());
        assertEquals("IdP metadata not uploaded or invalid", draft.at("/nextStep/cause").asText());
        assertTrue(draft.at("/nextStep/docUrl").asText().endsWith("/okta-saml"), draft.at("/nextStep/docUrl").asText());

        seed.connection(org, "conn_1", "Acme Okta", "OktaSAML", "validating", "2026-05-01T00:00:00.000Z");
        JsonNode validating = ok(get(org, "admin")).get("sso");
        assertEquals("validating", validating.get("status").asText());
        assertEquals("Validating", validating.get("badge").asText());
        assertEquals("continue", validating.get("setupAction").asText());
        assertEquals("Certificate expired or ACS/Entity ID mismatch", validating.at("/nextStep/cause").asText());

        seed.connection(org, "conn_1", "Acme Okta", "OktaSAML", "active", "2026-05-01T00:00:00.000Z");
        JsonNode active = ok(get(org, "admin")).get("sso");
        assertEquals("active", active.get("status").asText());
        assertEquals("Active", active.get("badge").asText());
        assertEquals("manage", active.get("setupAction").asText());
        assertEquals("active", active.at("/primaryConnection/state").asText());
        assertTrue(active.get("nextStep").isNull());
    }

    @Test
    void inactiveConnectionIsInactiveAndSetupContinues() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.connection(org, "conn_1", "Acme Entra", "AzureSAML", "inactive", "2026-05-01T00:00:00.000Z");
        JsonNode sso = ok(get(org, "member")).get("sso");
        assertEquals("inactive", sso.get("status").asText());
        assertEquals("Inactive", sso.get("badge").asText());
        assertEquals("continue", sso.get("setupAction").asText());
    }

    @Test
    void primaryConnectionIsTheOldestActiveAndTombstonesDoNotCount() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.connection(org, "conn_draft_oldest", "First try", "GenericSAML", "draft", "2026-01-01T00:00:00.000Z");
        seed.connection(org, "conn_active_newer", "Okta 2", "OktaSAML", "active", "2026-04-01T00:00:00.000Z");
        seed.connection(org, "conn_active_older", "Okta 1", "OktaSAML", "active", "2026-03-01T00:00:00.000Z");
        seed.deletedConnection(org, "conn_deleted");

        JsonNode sso = ok(get(org, "admin")).get("sso");
        assertEquals("conn_active_older", sso.at("/primaryConnection/id").asText());
        assertEquals("Active", sso.get("badge").asText());
        assertEquals(3, sso.get("totalConnections").asInt());
        assertEquals("manage", sso.get("setupAction").asText());

        // With none active, the oldest connection is primary and its state drives the badge.
        String other = org + "_b";
        seed.organization(other, List.of("it@acme.test"), true);
        seed.connection(other, "conn_b2", "Later", "OktaSAML", "draft", "2026-04-01T00:00:00.000Z");
        seed.connection(other, "conn_b1", "Earlier", "OktaSAML", "validating", "2026-03-01T00:00:00.000Z");
        JsonNode none = ok(get(other, "admin", other)).get("sso");
        assertEquals("conn_b1", none.at("/primaryConnection/id").asText());
        assertEquals("Validating", none.get("badge").asText());
        assertEquals("continue", none.get("setupAction").asText());
    }

    // ---- certificates ----

    @Test
    void certificateDueWithin90DaysRequiresRenewal() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.connection(org, "conn_1", "Okta", "OktaSAML", "active", "2026-01-01T00:00:00.000Z",
                Instant.parse("2026-07-01T12:00:00Z").toString(), false);
        JsonNode cert = ok(get(org, "admin")).at("/sso/certificate");
        assertEquals(Set.of("expiresAt", "daysLeft", "renewalRequired"), fields(cert));
        assertEquals("2026-07-01T12:00:00.000Z", cert.get("expiresAt").asText());
        assertEquals(30, cert.get("daysLeft").asLong());
        assertTrue(cert.get("renewalRequired").asBoolean());
    }

    @Test
    void certificateBoundaryAt90Days() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.connection(org, "conn_1", "Okta", "OktaSAML", "active", "2026-01-01T00:00:00.000Z",
                "2026-08-30T12:00:00.000Z", false); // exactly 90 days
        JsonNode at90 = ok(get(org, "admin")).at("/sso/certificate");
        assertEquals(90, at90.get("daysLeft").asLong());
        assertTrue(at90.get("renewalRequired").asBoolean());

        seed.connection(org, "conn_1", "Okta", "OktaSAML", "active", "2026-01-01T00:00:00.000Z",
                "2026-08-31T12:00:00.000Z", false); // 91 days
        JsonNode at91 = ok(get(org, "admin")).at("/sso/certificate");
        assertEquals(91, at91.get("daysLeft").asLong());
        assertFalse(at91.get("renewalRequired").asBoolean());
    }

    @Test
    void renewalRequiredFlagWinsOverAFarExpiry() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.connection(org, "conn_1", "Okta", "OktaSAML", "active", "2026-01-01T00:00:00.000Z",
                "2027-06-01T12:00:00.000Z", true);
        JsonNode cert = ok(get(org, "admin")).at("/sso/certificate");
        assertEquals(365, cert.get("daysLeft").asLong());
        assertTrue(cert.get("renewalRequired").asBoolean());
    }

    @Test
    void expiredCertificateHasNegativeDaysLeft() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.connection(org, "conn_1", "Okta", "OktaSAML", "validating", "2026-01-01T00:00:00.000Z",
                "2026-05-22T12:00:00.000Z", false);
        JsonNode cert = ok(get(org, "admin")).at("/sso/certificate");
        assertEquals(-10, cert.get("daysLeft").asLong());
        assertTrue(cert.get("renewalRequired").asBoolean());
    }

    @Test
    void certificateIsNullWhenUnknownAndFlagAloneIsShown() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.connection(org, "conn_1", "Google OIDC", "GenericOIDC", "active", "2026-01-01T00:00:00.000Z");
        assertTrue(ok(get(org, "admin")).at("/sso/certificate").isNull());

        seed.connection(org, "conn_1", "Google OIDC", "GenericOIDC", "active", "2026-01-01T00:00:00.000Z", null, true);
        JsonNode flagOnly = ok(get(org, "admin")).at("/sso/certificate");
        assertTrue(flagOnly.get("expiresAt").isNull());
        assertTrue(flagOnly.get("daysLeft").isNull());
        assertTrue(flagOnly.get("renewalRequired").asBoolean());
    }

    @Test
    void certificateIsThePrimaryConnections() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.connection(org, "conn_primary", "Okta", "OktaSAML", "active", "2026-01-01T00:00:00.000Z",
                "2027-06-01T12:00:00.000Z", false);
        seed.connection(org, "conn_draft", "Entra", "AzureSAML", "draft", "2025-01-01T00:00:00.000Z",
                "2026-06-05T12:00:00.000Z", true);
        JsonNode sso = ok(get(org, "admin")).get("sso");
        assertEquals("conn_primary", sso.at("/primaryConnection/id").asText());
        assertEquals("2027-06-01T12:00:00.000Z", sso.at("/certificate/expiresAt").asText());
        assertFalse(sso.at("/certificate/renewalRequired").asBoolean());
    }

    // ---- Directory Sync: the troubleshooting guide's directory states ----

    @Test
    void directoryUnlinkedThenValidatingThenLinked() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.directory(org, "directory_1", "Acme Okta SCIM", "okta scim v2.0", "unlinked", "2026-05-01T00:00:00.000Z", null, 0, 0);
        JsonNode unlinked = ok(get(org, "admin")).get("directorySync");
        assertEquals("unlinked", unlinked.get("syncStatus").asText());
        assertTrue(unlinked.get("lastSync").isNull());
        assertEquals(Set.of("id", "name", "type", "state"), fields(unlinked.get("primaryDirectory")));
        assertEquals("directory_1", unlinked.at("/primaryDirectory/id").asText());
        assertEquals("Acme Okta SCIM", unlinked.at("/primaryDirectory/name").asText());
        assertEquals("okta scim v2.0", unlinked.at("/primaryDirectory/type").asText());
        assertEquals(1, unlinked.get("totalDirectories").asInt());
        assertEquals("continue", unlinked.get("setupAction").asText());

        seed.directory(org, "directory_1", "Acme Okta SCIM", "okta scim v2.0", "validating", "2026-05-01T00:00:00.000Z", null, 0, 0);
        assertEquals("validating", ok(get(org, "admin")).at("/directorySync/syncStatus").asText());

        seed.directory(org, "directory_1", "Acme Okta SCIM", "okta scim v2.0", "linked", "2026-05-01T00:00:00.000Z",
                "2026-06-01T11:55:00.000Z", 42, 5);
        JsonNode linked = ok(get(org, "admin")).get("directorySync");
        assertEquals("linked", linked.get("syncStatus").asText());
        assertEquals("linked", linked.at("/primaryDirectory/state").asText());
        assertEquals("2026-06-01T11:55:00.000Z", linked.get("lastSync").asText());
        assertEquals("manage", linked.get("setupAction").asText(), "the same word a dsync portal link answers");
        assertEquals(42, linked.get("users").asLong());
        assertEquals(5, linked.get("groups").asLong());
    }

    @Test
    void openAttentionItemsAreListedFromTheSameQuery() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.directory(org, "directory_1", "Entra SCIM", "azure scim v2.0", "invalid_credentials", "2026-05-01T00:00:00.000Z",
                "2026-05-20T00:00:00.000Z", 10, 2);
        seed.connection(org, "conn_1", "Okta", "OktaSAML", "draft", "2026-05-01T00:00:00.000Z");
        // what the notices function does when these items change (the table's stream) and the sweep with its clock
        new io.gatekeep.shared.attention.Attention(seedClient, table, Clock.fixed(NOW, ZoneOffset.UTC)).refresh(org);
        COUNTER.reset();
        JsonNode attention = ok(get(org, "member")).get("attention");
        assertEquals(1, COUNTER.total(), "health must take exactly one DynamoDB request, took " + COUNTER.operations());
        assertEquals(2, attention.size(), attention.toString());
        Map<String, JsonNode> byKind = new java.util.HashMap<>();
        attention.forEach(item -> byKind.put(item.get("kind").asText(), item));
        JsonNode directory = byKind.get("directory_broken");
        assertEquals("open", directory.get("state").asText());
        assertEquals("invalid_credentials", directory.get("stage").asText());
        assertEquals(Set.of("type", "id", "name"), fields(directory.get("subject")));
        assertEquals("directory_1", directory.at("/subject/id").asText());
        assertEquals("SCIM 401 Unauthorized", directory.at("/nextStep/problem").asText());
        assertEquals("dsync", directory.at("/nextStep/portalIntent").asText());
        JsonNode stalled = byKind.get("setup_stalled");
        assertEquals("conn_1", stalled.at("/subject/id").asText());
        assertEquals("draft", stalled.get("stage").asText());
        assertEquals("2026-06-01T12:00:00.000Z", stalled.get("openedAt").asText());
    }

    @Test
    void directoryWithInvalidCredentials() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.directory(org, "directory_1", "Entra SCIM", "azure scim v2.0", "invalid_credentials", "2026-05-01T00:00:00.000Z",
                "2026-05-20T00:00:00.000Z", 10, 2);
        JsonNode dsync = ok(get(org, "admin")).get("directorySync");
        assertEquals("invalid_credentials", dsync.get("syncStatus").asText());
        assertEquals("invalid_credentials", dsync.at("/primaryDirectory/state").asText());
    }

    @Test
    void primaryDirectoryIsTheOldestLinkedAndCountsAreSummedFromCounters() {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.directory(org, "directory_a", "Oldest, broken", "okta scim v2.0", "invalid_credentials", "2026-01-01T00:00:00.000Z",
                "2026-05-31T00:00:00.000Z", 100, 10);
        seed.directory(org, "directory_c", "Newer linked", "generic scim v2.0", "linked", "2026-03-01T00:00:00.000Z",
                "2026-05-30T00:00:00.000Z", 7, 1);
        seed.directory(org, "directory_b", "Older linked", "azure scim v2.0", "linked", "2026-02-01T00:00:00.000Z",
                "2026-06-01T10:00:00.000Z", 20, 3);

        JsonNode dsync = ok(get(org, "admin")).get("directorySync");
        assertEquals("directory_b", dsync.at("/primaryDirectory/id").asText());
        assertEquals("linked", dsync.get("syncStatus").asText());
        assertEquals("2026-06-01T10:00:00.000Z", dsync.get("lastSync").asText()); // latest across directories
        assertEquals(3, dsync.get("totalDirectories").asInt());
        assertEquals(127, dsync.get("users").asLong());
        assertEquals(14, dsync.get("groups").asLong());

        // No linked directory: the oldest one is primary and its state is the sync status.
        String other = org + "_b";
        seed.organization(other, List.of("it@acme.test"), true);
        seed.directory(other, "directory_y", "Newer", "okta scim v2.0", "validating", "2026-03-01T00:00:00.000Z", null, 0, 0);
        seed.directory(other, "directory_x", "Older", "okta scim v2.0", "unlinked", "2026-02-01T00:00:00.000Z", null, 0, 0);
        JsonNode none = ok(get(other, "admin", other)).get("directorySync");
        assertEquals("directory_x", none.at("/primaryDirectory/id").asText());
        assertEquals("unlinked", none.get("syncStatus").asText());
    }

    // ---- one request, whatever the directory size ----

    @Test
    void healthIsOneRequestForAnOrganizationWith10000DirectoryUsers() throws Exception {
        seed.organization(org, List.of("it@acme.test"), true);
        seed.domain(org, "org_domain_1", "acme.test", "verified");
        seed.connection(org, "conn_1", "Okta", "OktaSAML", "active", "2026-01-01T00:00:00.000Z",
                "2026-07-01T12:00:00.000Z", false);
        seed.directory(org, "directory_big", "Big SCIM", "okta scim v2.0", "linked", "2026-01-01T00:00:00.000Z",
                "2026-06-01T11:00:00.000Z", 10_000, 250);
        long started = System.nanoTime();
        seed.directoryUsers(org, "directory_big", 10_000);
        long seededMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        long stored = seedClient.queryPaginator(r -> r.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :user)")
                        .expressionAttributeValues(Map.of(":pk", Attr.s("DIR#directory_big"), ":user", Attr.s("USER#")))
                        .select("COUNT"))
                .stream().mapToLong(page -> page.count()).sum();
        assertEquals(10_000, stored, "the directory partition holds the users (seeded in " + seededMs + " ms)");

        COUNTER.reset();
        JsonNode body = ok(get(org, "admin"));

        assertEquals(1, COUNTER.total(), "health must take exactly one DynamoDB request, took " + COUNTER.operations());
        assertEquals(1, COUNTER.count("Query"));
        assertEquals(10_000, body.at("/directorySync/users").asLong());
        assertEquals(250, body.at("/directorySync/groups").asLong());
        assertEquals("Active", body.at("/sso/badge").asText());
        assertEquals("linked", body.at("/directorySync/syncStatus").asText());
    }

    @Test
    void aPartitionPast1MbIsReadInOneMorePageNotMore() {
        seed.organization(org, List.of("it@acme.test"), true);
        String padding = "x".repeat(40_000);
        for (int i = 0; i < 30; i++) { // ~1.2 MB of connection items
            seed.connection(org, String.format("conn_%02d", i), "Connection " + i + " " + padding, "GenericSAML",
                    i == 17 ? "active" : "draft", String.format("2026-01-%02dT00:00:00.000Z", i + 1));
        }
        COUNTER.reset();
        JsonNode sso = ok(get(org, "admin")).get("sso");
        assertEquals(List.of("Query", "Query"), COUNTER.operations());
        assertEquals(30, sso.get("totalConnections").asInt());
        assertEquals("conn_17", sso.at("/primaryConnection/id").asText());
        assertEquals("Active", sso.get("badge").asText());
    }

    // ---- who may read ----

    @ParameterizedTest
    @ValueSource(strings = {"owner", "admin", "member"})
    void ownersAdminsAndMembersReadTheirOwnOrganization(String role) {
        seed.organization(org, List.of(), false);
        assertEquals(org, ok(get(org, role)).get("organizationId").asText());
    }

    @Test
    void anotherOrganizationIsForbiddenEvenForItsOwner() {
        seed.organization(org, List.of(), false);
        assertError(get(org, "owner", "org_someone_else"), 403, "forbidden");
        assertEquals(0, COUNTER.total(), "a forbidden caller must not cause a read");
    }

    @Test
    void anUnknownRoleIsForbidden() {
        seed.organization(org, List.of(), false);
        assertError(get(org, "viewer"), 403, "forbidden");
        assertError(get(org, null), 403, "forbidden");
    }

    /** Only the exact claim values grant a role: nothing is trimmed or case-folded into one. */
    @ParameterizedTest
    @ValueSource(strings = {"OWNER", "Member", " owner", "admin ", "owner\u0000", "\u001fadmin", "member\n", "ａdmin"})
    void aRoleClaimThatIsNotExactlyARoleIsForbidden(String role) {
        seed.organization(org, List.of(), false);
        assertError(get(org, role), 403, "forbidden");
    }

    @Test
    void noClaimsIs401() {
        seed.organization(org, List.of(), false);
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                ApiEvents.load("identity-health.json").organization(org).claims(null).build(), LocalContext.of("health"));
        assertError(response, 401, "unauthenticated");
    }

    @Test
    void noOrganizationInThePathIsOrganizationRequired() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                ApiEvents.load("identity-health.json").pathParameter("organizationId", null)
                        .caller("user_1", org, "admin", "a@acme.test").build(), LocalContext.of("health"));
        assertError(response, 400, "organization_required");
        assertEquals("Select an organization before continuing.", Json.parse(response.getBody()).get("message").asText());
    }

    @Test
    void theSampleEventFileWorksAsIs() {
        seed.organization("org_01HACME000000000000000000", List.of("it@acme.test"), true);
        JsonNode body = ok(handler.handleRequest(ApiEvents.load("identity-health.json").build(), LocalContext.of("health")));
        assertEquals("org_01HACME000000000000000000", body.get("organizationId").asText());
    }

    // ---- helpers ----

    private APIGatewayV2HTTPResponse get(String organizationId, String role) {
        return get(organizationId, role, organizationId);
    }

    private APIGatewayV2HTTPResponse get(String organizationId, String role, String callerOrg) {
        var event = ApiEvents.load("identity-health.json")
                .organization(organizationId)
                .caller("user_" + role, callerOrg, role, role + "@acme.test")
                .build();
        return handler.handleRequest(event, LocalContext.of("identity-health"));
    }

    private static JsonNode ok(APIGatewayV2HTTPResponse response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        return Json.parse(response.getBody());
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String code) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        JsonNode body = Json.parse(response.getBody());
        assertEquals(Set.of("error", "message"), fields(body));
        assertEquals(code, body.get("error").asText());
        assertFalse(body.get("message").asText().isBlank());
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
