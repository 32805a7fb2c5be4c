package io.gatekeep.webhooks;

import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;

import static io.gatekeep.webhooks.WebhookFixture.flag;
import static io.gatekeep.webhooks.WebhookFixture.n;
import static io.gatekeep.webhooks.WebhookFixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every event name the backend handles, in WorkOS's real payload shapes, through the full HTTP API
 * event with a real signature, against DynamoDB Local: the items each one writes, and its audit line.
 */
class EveryEventTest {
    static final String ORG = "org_01HACME000000000000000001";
    static final String DOMAIN = "org_domain_01HACME0000000000000001";
    static final String OTHER_DOMAIN = "org_domain_01HACME0000000000000002";
    static final String CONN = "conn_01HACME000000000000000001";
    static final String DIR = "directory_01HACME00000000000000001";
    static final String USER = "directory_user_01HACME000000000000001";
    static final String GROUP = "directory_group_01HACME00000000000001";

    private final WebhookFixture webhooks = new WebhookFixture();
    private int sequence;

    /** A distinct event id and a time {@code minute} minutes into the story. */
    private Payloads event(String name, int minute) {
        return Payloads.event(name).id("event_" + String.format("%04d", ++sequence) + "_" + name.replace('.', '_'))
                .at(at(minute));
    }

    private static String at(int minute) {
        return String.format("2026-03-01T%02d:%02d:00.000Z", 10 + minute / 60, minute % 60);
    }

    private void applied(Payloads payload) {
        var response = webhooks.deliver(payload);
        assertEquals(200, response.status(), response::toString);
        assertEquals("applied", response.text("status"), response::toString);
    }

    private String lastSummary(String orgId) {
        List<AuditEntry> entries = webhooks.audit(orgId);
        return entries.get(entries.size() - 1).summary();
    }

    @Test
    void organizationEventsKeepOurOwnSettingsAndEndInATombstone() {
        // the product's own settings, written before WorkOS's event arrives (org-settings, onboard)
        webhooks.dynamo.putItem(r -> r.tableName(webhooks.table).item(Map.of(
                Keys.PK, Attr.s(Keys.orgPk(ORG)), Keys.SK, Attr.s(Keys.ORG_SK),
                "itContacts", Attr.strings(List.of("it@acme.test")), "planSso", Attr.bool(true))));

        applied(event("organization.created", 0).data("id", ORG).data("name", "Acme")
                .data("created_at", at(0)).data("updated_at", at(0)));
        var org = webhooks.org(ORG);
        assertEquals("Acme", s(org, "name"));
        assertEquals(at(0), s(org, "createdAt"));
        assertEquals(at(0), s(org, "updatedAt"));
        assertEquals(List.of("it@acme.test"), Attr.strList(org, "itContacts"), "WorkOS fields only: our IT contacts stay");
        assertTrue(flag(org, "planSso"));
        assertEquals("Organization \"Acme\" created", lastSummary(ORG));

        applied(event("organization.updated", 1).data("id", ORG).data("name", "Acme Inc.").data("updated_at", at(1)));
        assertEquals("Acme Inc.", s(webhooks.org(ORG), "name"));
        assertEquals(at(1), s(webhooks.org(ORG), "updatedAt"));

        applied(event("organization.deleted", 2).data("id", ORG).data("name", "Acme Inc.").data("updated_at", at(1)));
        org = webhooks.org(ORG);
        assertTrue(flag(org, "deleted"));
        assertEquals(at(2), s(org, "updatedAt"), "the tombstone carries the deletion's time");
        assertTrue(n(org, "ttl") > System.currentTimeMillis() / 1000 + 29L * 86_400);
        assertEquals("Organization \"Acme Inc.\" deleted", lastSummary(ORG));
    }

    @Test
    void domainEventsDriveTheDomainGate() {
        applied(event("organization_domain.created", 0).data("id", DOMAIN).data("organization_id", ORG)
                .data("domain", "acme.test").data("state", "pending").data("updated_at", at(0)));
        var domain = webhooks.item(Keys.orgPk(ORG), Keys.domainSk(DOMAIN));
        assertEquals("acme.test", s(domain, "domain"));
        assertEquals("pending", s(domain, "state"));
        assertEquals("dns", s(domain, "verificationStrategy"));
        assertEquals("Domain acme.test added (pending)", lastSummary(ORG));

        applied(event("organization_domain.verified", 1).data("id", DOMAIN).data("organization_id", ORG)
                .data("domain", "acme.test").data("state", "verified").data("updated_at", at(1)));
        assertEquals("verified", s(webhooks.item(Keys.orgPk(ORG), Keys.domainSk(DOMAIN)), "state"));
        assertEquals("Domain acme.test verified", lastSummary(ORG));

        applied(event("organization_domain.created", 2).data("id", OTHER_DOMAIN).data("organization_id", ORG)
                .data("domain", "acme-corp.test").data("state", "pending").data("updated_at", at(2)));
        applied(event("organization_domain.updated", 3).data("id", OTHER_DOMAIN).data("organization_id", ORG)
                .data("domain", "acme-corp.test").data("state", "pending").data("verification_strategy", "manual")
                .data("updated_at", at(3)));
        assertEquals("manual", s(webhooks.item(Keys.orgPk(ORG), Keys.domainSk(OTHER_DOMAIN)), "verificationStrategy"));
        assertEquals("Domain acme-corp.test updated (pending)", lastSummary(ORG));

        applied(event("organization_domain.verification_failed", 4).data("reason", "domain_verification_period_expired")
                .data("organization_domain.id", OTHER_DOMAIN).data("organization_domain.organization_id", ORG)
                .data("organization_domain.domain", "acme-corp.test").data("organization_domain.state", "failed")
                .data("organization_domain.updated_at", at(4)));
        assertEquals("failed", s(webhooks.item(Keys.orgPk(ORG), Keys.domainSk(OTHER_DOMAIN)), "state"));
        assertEquals("Domain acme-corp.test verification failed: the verification period expired", lastSummary(ORG));

        applied(event("organization_domain.deleted", 5).data("id", OTHER_DOMAIN).data("organization_id", ORG)
                .data("domain", "acme-corp.test").data("updated_at", at(5)));
        var deleted = webhooks.item(Keys.orgPk(ORG), Keys.domainSk(OTHER_DOMAIN));
        assertTrue(flag(deleted, "deleted"));
        assertNotNull(deleted.get("ttl"));
        assertEquals("failed", s(deleted, "state"), "a tombstone keeps the last state it had");
        assertEquals("Domain acme-corp.test removed", lastSummary(ORG));
        assertEquals("verified", s(webhooks.item(Keys.orgPk(ORG), Keys.domainSk(DOMAIN)), "state"));
    }

    @Test
    void connectionEventsCarryStateTypeAndCertificate() {
        applied(event("connection.activated", 0).data("id", CONN).data("organization_id", ORG)
                .data("connection_type", "OktaSAML").data("name", "Acme Okta").data("state", "active")
                .data("created_at", at(0)).data("updated_at", at(0)));
        var conn = webhooks.item(Keys.orgPk(ORG), Keys.connectionSk(CONN));
        assertEquals("active", s(conn, "state"));
        assertEquals("OktaSAML", s(conn, "connectionType"));
        assertEquals("Acme Okta", s(conn, "name"));
        assertEquals(at(0), s(conn, "createdAt"));
        assertNull(conn.get("domains"), "only the README's attributes are kept");
        var entry = webhooks.audit(ORG).get(0);
        assertEquals("Okta SAML connection activated", entry.summary());
        assertEquals("Acme Okta", entry.actor());
        assertEquals(AuditEntry.Source.WORKOS, entry.source());

        applied(event("connection.saml_certificate_renewal_required", 1).data("connection.id", CONN)
                .data("connection.organization_id", ORG).data("certificate.expiry_date", "2026-03-31T00:00:00.000Z")
                .data("days_until_expiry", 30));
        conn = webhooks.item(Keys.orgPk(ORG), Keys.connectionSk(CONN));
        assertTrue(flag(conn, "certificateRenewalRequired"));
        assertEquals("2026-03-31T00:00:00.000Z", s(conn, "certificateExpiresAt"));
        assertEquals("active", s(conn, "state"), "a certificate event changes only the certificate");
        assertEquals("SAML certificate expires on 2026-03-31 (in 30 days): renewal required", lastSummary(ORG));

        applied(event("connection.saml_certificate_renewed", 2).data("connection.id", CONN)
                .data("connection.organization_id", ORG).data("certificate.expiry_date", "2027-03-01T10:02:00Z")
                .data("renewed_at", at(2)));
        conn = webhooks.item(Keys.orgPk(ORG), Keys.connectionSk(CONN));
        assertFalse(flag(conn, "certificateRenewalRequired"));
        assertEquals("2027-03-01T10:02:00.000Z", s(conn, "certificateExpiresAt"), "stored in the fixed-width form");
        assertEquals("SAML certificate renewed; it now expires on 2027-03-01", lastSummary(ORG));

        applied(event("connection.deactivated", 3).data("id", CONN).data("organization_id", ORG)
                .data("connection_type", "OktaSAML").data("name", "Acme Okta").data("state", "inactive")
                .data("updated_at", at(3)));
        assertEquals("inactive", s(webhooks.item(Keys.orgPk(ORG), Keys.connectionSk(CONN)), "state"));
        assertEquals("Okta SAML connection deactivated", lastSummary(ORG));

        applied(event("connection.deleted", 4).data("id", CONN).data("organization_id", ORG)
                .data("connection_type", "OktaSAML").data("state", "deleting").data("updated_at", at(4)));
        conn = webhooks.item(Keys.orgPk(ORG), Keys.connectionSk(CONN));
        assertTrue(flag(conn, "deleted"));
        assertEquals("2027-03-01T10:02:00.000Z", s(conn, "certificateExpiresAt"));
        assertEquals("Okta SAML connection deleted", lastSummary(ORG));
    }

    @Test
    void directoryUsersGroupsAndMemberships() {
        applied(event("dsync.activated", 0).data("id", DIR).data("organization_id", ORG).data("name", "Acme Okta")
                .data("type", "okta scim v2.0").data("state", "active")
                .data("created_at", at(0)).data("updated_at", at(0)));
        var dir = webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR));
        assertEquals("linked", s(dir, "state"), "the event's legacy word 'active' is stored as the API's 'linked'");
        assertEquals("okta scim v2.0", s(dir, "directoryType"));
        assertEquals("acme.com", s(dir, "domain"), "from the event's domains[]");
        assertEquals(at(0), s(dir, "lastSyncAt"));
        assertEquals(ORG, s(webhooks.item(Keys.directoryPk(DIR), Keys.DIRECTORY_META_SK), "organizationId"));
        assertEquals("Directory \"Acme Okta\" activated", lastSummary(ORG));

        applied(event("dsync.group.created", 1).data("id", GROUP).data("directory_id", DIR).data("organization_id", ORG)
                .data("name", "Engineering").data("updated_at", at(1)));
        var group = webhooks.item(Keys.directoryPk(DIR), Keys.groupSk(GROUP));
        assertEquals("Engineering", s(group, "name"));
        assertEquals(ORG, s(group, "organizationId"));
        assertEquals(1, n(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "groupCount"));
        assertEquals("Directory group \"Engineering\" created", lastSummary(ORG));

        applied(event("dsync.user.created", 2).data("id", USER).data("directory_id", DIR).data("organization_id", ORG)
                .data("email", "ada@acme.test").data("first_name", "Ada").data("last_name", "Lovelace")
                .data("emails.0.value", "ada@acme.test").data("updated_at", at(2)));
        var user = webhooks.item(Keys.directoryPk(DIR), Keys.userSk(USER));
        assertEquals("ada@acme.test", s(user, "email"));
        assertEquals("Ada", s(user, "firstName"));
        assertEquals("Lovelace", s(user, "lastName"));
        assertEquals("active", s(user, "state"));
        assertEquals(ORG, s(user, "organizationId"));
        dir = webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR));
        assertEquals(1, n(dir, "userCount"));
        assertEquals(at(2), s(dir, "lastSyncAt"));
        assertEquals("Directory user ada@acme.test created", lastSummary(ORG));
        assertEquals("WorkOS Directory Sync", webhooks.audit(ORG).get(2).actor());

        applied(event("dsync.user.updated", 3).data("id", USER).data("directory_id", DIR).data("organization_id", ORG)
                .data("email", "ada@acme.test").data("state", "inactive").data("updated_at", at(3))
                .data("previous_attributes", io.gatekeep.shared.Json.object().put("state", "active")));
        assertEquals("inactive", s(webhooks.item(Keys.directoryPk(DIR), Keys.userSk(USER)), "state"));
        assertEquals(1, n(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "userCount"), "an update is no new user");
        assertEquals("Directory user ada@acme.test updated: state (now inactive)", lastSummary(ORG));

        applied(event("dsync.group.updated", 4).data("id", GROUP).data("directory_id", DIR).data("organization_id", ORG)
                .data("name", "Platform").data("previous_attributes.name", "Engineering").data("updated_at", at(4)));
        assertEquals("Platform", s(webhooks.item(Keys.directoryPk(DIR), Keys.groupSk(GROUP)), "name"));
        assertEquals("Directory group \"Engineering\" renamed to \"Platform\"", lastSummary(ORG));

        applied(event("dsync.group.user_added", 5).data("directory_id", DIR).data("user.id", USER)
                .data("user.directory_id", DIR).data("user.organization_id", ORG).data("user.email", "ada@acme.test")
                .data("group.id", GROUP).data("group.directory_id", DIR).data("group.organization_id", ORG)
                .data("group.name", "Platform"));
        var member = webhooks.item(Keys.directoryPk(DIR), Keys.memberSk(USER, GROUP));
        assertTrue(flag(member, "member"));
        assertEquals(at(5), s(member, "changedAt"));
        assertEquals(at(5), s(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "lastSyncAt"));
        assertEquals("ada@acme.test added to group \"Platform\"", lastSummary(ORG));

        applied(event("dsync.group.user_removed", 6).data("directory_id", DIR).data("user.id", USER)
                .data("user.directory_id", DIR).data("user.organization_id", ORG).data("user.email", "ada@acme.test")
                .data("group.id", GROUP).data("group.directory_id", DIR).data("group.organization_id", ORG)
                .data("group.name", "Platform"));
        member = webhooks.item(Keys.directoryPk(DIR), Keys.memberSk(USER, GROUP));
        assertFalse(flag(member, "member"));
        assertEquals(at(6), s(member, "changedAt"));
        assertEquals("ada@acme.test removed from group \"Platform\"", lastSummary(ORG));

        applied(event("dsync.user.deleted", 7).data("id", USER).data("directory_id", DIR).data("organization_id", ORG)
                .data("email", "ada@acme.test").data("updated_at", at(7)));
        assertTrue(flag(webhooks.item(Keys.directoryPk(DIR), Keys.userSk(USER)), "deleted"));
        assertEquals(0, n(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "userCount"));
        assertEquals("Directory user ada@acme.test deleted", lastSummary(ORG));

        applied(event("dsync.group.deleted", 8).data("id", GROUP).data("directory_id", DIR).data("organization_id", ORG)
                .data("name", "Platform").data("updated_at", at(8)));
        assertTrue(flag(webhooks.item(Keys.directoryPk(DIR), Keys.groupSk(GROUP)), "deleted"));
        assertEquals(0, n(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "groupCount"));

        applied(event("dsync.deleted", 10).data("id", DIR).data("organization_id", ORG).data("name", "Acme Okta")
                .data("state", "deleting").data("updated_at", at(10)));
        assertTrue(flag(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "deleted"));
        assertEquals("Directory \"Acme Okta\" deleted", lastSummary(ORG));

        // one audit entry and one marker per event, all from WorkOS
        List<AuditEntry> log = webhooks.audit(ORG);
        assertEquals(10, log.size());
        assertTrue(log.stream().allMatch(e -> e.source() == AuditEntry.Source.WORKOS && e.id().startsWith("event_")));
        for (AuditEntry e : log) {
            Map<String, AttributeValue> marker = webhooks.item(Keys.eventPk(e.id()), Keys.EVENT_SK);
            assertEquals(e.type(), s(marker, "type"));
            assertEquals(ORG, s(marker, "organizationId"));
            long ttl = n(marker, "ttl");
            long now = System.currentTimeMillis() / 1000;
            assertTrue(ttl > now + 3 * 86_400 && ttl <= now + 4 * 86_400 + 60, "markers expire after WorkOS's retry window");
        }
    }

    @Test
    void membershipWithoutOrganizationFindsItThroughTheDirectoryIndex() {
        applied(event("dsync.activated", 0).data("id", DIR).data("organization_id", ORG).data("updated_at", at(0)));
        applied(event("dsync.group.user_added", 1).data("directory_id", DIR).data("user.id", USER)
                .data("user.organization_id", null).data("group.id", GROUP).data("group.organization_id", null));
        assertTrue(flag(webhooks.item(Keys.directoryPk(DIR), Keys.memberSk(USER, GROUP)), "member"));
        assertEquals(2, webhooks.audit(ORG).size(), "filed under the directory's organization");
    }

    @Test
    void unknownEventsAreKeptInTheAuditLogAndAcknowledged() {
        var withOrg = webhooks.deliver("{\"id\":\"event_unknown_1\",\"event\":\"user.created\",\"data\":{\"organization_id\":\""
                + ORG + "\",\"id\":\"user_1\"},\"created_at\":\"" + at(0) + "\"}");
        assertEquals(200, withOrg.status());
        assertEquals("ignored", withOrg.text("status"));
        assertEquals("unknown_event", withOrg.text("reason"));
        assertEquals("WorkOS event user.created received (not applied by this version)", lastSummary(ORG));

        var without = webhooks.deliver("{\"id\":\"event_unknown_2\",\"event\":\"authentication.sso_succeeded\","
                + "\"data\":{\"user\":{\"email\":\"ada@acme.test\"}},\"created_at\":\"" + at(1) + "\"}");
        assertEquals(200, without.status());
        List<AuditEntry> unassigned = webhooks.audit(Projection.UNASSIGNED);
        assertEquals(1, unassigned.size());
        assertEquals("authentication.sso_succeeded", unassigned.get(0).type());
        assertEquals("AUDIT#_unassigned", Keys.auditPk(Projection.UNASSIGNED));

        var again = webhooks.deliver("{\"id\":\"event_unknown_2\",\"event\":\"authentication.sso_succeeded\","
                + "\"data\":{},\"created_at\":\"" + at(1) + "\"}");
        assertEquals("duplicate", again.text("status"));
        assertEquals(1, webhooks.audit(Projection.UNASSIGNED).size());
    }

    @Test
    void aKnownEventWhoseDataLacksItsIdIsRecordedNotLost() {
        var response = webhooks.deliver(event("dsync.user.created", 0).data("id", null).data("organization_id", ORG).json());
        assertEquals(200, response.status());
        assertEquals("ignored", response.text("status"));
        assertEquals("unreadable", response.text("reason"));
        assertEquals(1, webhooks.audit(ORG).size());
    }
}
