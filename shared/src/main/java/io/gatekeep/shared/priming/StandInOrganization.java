package io.gatekeep.shared.priming;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The organization priming serves: fully set up (SSO in the plan, an IT contact, a verified
 * domain, an active SAML connection, a linked directory with users, audit entries), so every
 * function's success path runs end to end. It exists only inside a priming stand-in: its id
 * cannot be a WorkOS id (those are {@code org_} and a 26-character ULID), and its domain is under
 * {@code .invalid} (RFC 2606).
 */
public final class StandInOrganization {
    public static final String ID = "org_gatekeeppriming";
    public static final String DOMAIN_ID = "org_domain_gatekeep_priming";
    public static final String DOMAIN = "priming.gatekeep.invalid";
    public static final String CONNECTION_ID = "conn_gatekeep_priming";
    public static final String DIRECTORY_ID = "directory_gatekeep_priming";
    public static final String GROUP_ID = "directory_group_gatekeep_priming";
    public static final String IT_CONTACT = "it@priming.gatekeep.invalid";
    /** The caller of the primed requests: an owner of the stand-in organization. */
    public static final String CALLER_ID = "user_gatekeep_priming";
    public static final String CALLER_EMAIL = "owner@priming.gatekeep.invalid";

    private static final String CREATED = "2026-01-01T00:00:00.000Z";

    private StandInOrganization() {}

    /** The organization's items as the table model lays them out (shared/README.md). */
    public static List<Map<String, AttributeValue>> items(Instant now) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> organization = item(Keys.orgPk(ID), Keys.ORG_SK);
        organization.put("name", Attr.s("Gatekeep priming"));
        organization.put("itContacts", Attr.strings(List.of(IT_CONTACT)));
        organization.put(Entitlements.SSO, Attr.bool(true));
        organization.put(Entitlements.DIRECTORY_SYNC, Attr.bool(true));
        organization.put("createdAt", Attr.s(CREATED));
        organization.put("updatedAt", Attr.s(CREATED));
        organization.put(Keys.GSI1_PK, Attr.s(Keys.ORGANIZATIONS)); // the sweep's list of organizations
        organization.put(Keys.GSI1_SK, Attr.s(ID));
        items.add(organization);

        Map<String, AttributeValue> domain = item(Keys.orgPk(ID), Keys.domainSk(DOMAIN_ID));
        domain.put("domain", Attr.s(DOMAIN));
        domain.put("state", Attr.s("verified"));
        domain.put("verificationStrategy", Attr.s("dns"));
        domain.put("updatedAt", Attr.s(CREATED));
        items.add(domain);

        Map<String, AttributeValue> connection = item(Keys.orgPk(ID), Keys.connectionSk(CONNECTION_ID));
        connection.put("name", Attr.s("Okta"));
        connection.put("connectionType", Attr.s("OktaSAML"));
        connection.put("state", Attr.s("active"));
        connection.put("createdAt", Attr.s(CREATED));
        connection.put("updatedAt", Attr.s(CREATED));
        // within the renewal window, so the certificate warning is rendered too
        connection.put("certificateExpiresAt", Attr.s(now.plusSeconds(30L * 86_400).toString()));
        items.add(connection);

        Map<String, AttributeValue> directory = item(Keys.orgPk(ID), Keys.directorySk(DIRECTORY_ID));
        directory.put("name", Attr.s("Okta SCIM"));
        directory.put("directoryType", Attr.s("okta scim v2.0"));
        directory.put("state", Attr.s("linked"));
        directory.put("domain", Attr.s(DOMAIN));
        directory.put("createdAt", Attr.s(CREATED));
        directory.put("updatedAt", Attr.s(CREATED));
        directory.put("lastSyncAt", Attr.s(now.minusSeconds(600).toString()));
        directory.put("userCount", Attr.n(2));
        directory.put("groupCount", Attr.n(1));
        items.add(directory);

        Map<String, AttributeValue> group = item(Keys.directoryPk(DIRECTORY_ID), Keys.groupSk(GROUP_ID));
        group.put("name", Attr.s("Admins"));
        group.put("createdAt", Attr.s(CREATED));
        group.put("updatedAt", Attr.s(CREATED));
        items.add(group);
        for (int i = 1; i <= 2; i++) {
            items.add(user("directory_user_gatekeep_priming_" + i, i == 1 ? List.of(GROUP_ID) : List.of()));
        }
        // a queued re-derivation, so the role walks (role-mappings, role-jobs) run over the users
        Map<String, AttributeValue> job = item(Keys.ROLE_JOB_PK, ID);
        job.put("organizationId", Attr.s(ID));
        job.put("queuedAt", Attr.s(now.toString()));
        job.put("generation", Attr.n(1));
        items.add(job);

        for (int i = 1; i <= 2; i++) {
            Instant at = now.minusSeconds(60L * i);
            items.add(new AuditEntry(ID, "audit_gatekeep_priming_" + i, "connection.activated", at, "workos",
                    "Connection Okta activated.", AuditEntry.Source.WORKOS, "priming").toItem());
        }
        return items;
    }

    /** A live directory user as the projection lists it (gsi1: every user; gsi2: the default role's). */
    private static Map<String, AttributeValue> user(String userId, List<String> groups) {
        Map<String, AttributeValue> user = item(Keys.directoryPk(DIRECTORY_ID), Keys.userSk(userId));
        user.put("email", Attr.s(userId + "@" + DOMAIN));
        user.put("firstName", Attr.s("Priming"));
        user.put("lastName", Attr.s("User"));
        user.put("state", Attr.s("active"));
        user.put("groups", Attr.strings(groups));
        user.put("rev", Attr.n(1));
        user.put("createdAt", Attr.s(CREATED));
        user.put("updatedAt", Attr.s(CREATED));
        user.put(Keys.GSI1_PK, Attr.s(Keys.usersPk(ID)));
        user.put(Keys.GSI1_SK, Attr.s(Keys.usersSk(userId)));
        user.put(Keys.GSI2_PK, Attr.s(Keys.usersDefaultRolePk(ID)));
        user.put(Keys.GSI2_SK, Attr.s(Keys.usersSk(userId)));
        return user;
    }

    /** The organization as WorkOS's API renders it ({@code GET /organizations/{id}}). */
    static ObjectNode workOsOrganization() {
        ObjectNode organization = Json.object();
        organization.put("object", "organization");
        organization.put("id", ID);
        organization.put("name", "Gatekeep priming");
        ObjectNode domain = organization.putArray("domains").addObject();
        domain.put("object", "organization_domain");
        domain.put("id", DOMAIN_ID);
        domain.put("organization_id", ID);
        domain.put("domain", DOMAIN);
        domain.put("state", "verified");
        domain.put("verification_prefix", "superapp-domain-verification-priming");
        domain.put("verification_token", "priming");
        domain.put("verification_strategy", "dns");
        domain.put("created_at", CREATED);
        domain.put("updated_at", CREATED);
        organization.putObject("metadata");
        organization.putNull("external_id");
        organization.put("created_at", CREATED);
        organization.put("updated_at", CREATED);
        organization.put("allow_profiles_outside_organization", false);
        return organization;
    }

    /** The SAML connection as WorkOS's API lists it ({@code GET /connections?organization_id=}). */
    static ObjectNode workOsConnection() {
        ObjectNode connection = Json.object();
        connection.put("object", "connection");
        connection.put("id", CONNECTION_ID);
        connection.put("organization_id", ID);
        connection.put("connection_type", "OktaSAML");
        connection.put("name", "Okta");
        connection.put("state", "active");
        connection.put("status", "linked");
        ObjectNode domain = connection.putArray("domains").addObject();
        domain.put("id", DOMAIN_ID);
        domain.put("object", "connection_domain");
        domain.put("domain", DOMAIN);
        connection.put("created_at", CREATED);
        connection.put("updated_at", CREATED);
        return connection;
    }

    /** The directory as WorkOS's API lists it ({@code GET /directories?organization_id=}). */
    static ObjectNode workOsDirectory() {
        ObjectNode directory = Json.object();
        directory.put("object", "directory");
        directory.put("id", DIRECTORY_ID);
        directory.put("organization_id", ID);
        directory.put("external_key", "gatekeep-priming");
        directory.put("type", "okta scim v2.0");
        directory.put("state", "linked");
        directory.put("name", "Okta SCIM");
        directory.put("domain", DOMAIN);
        ObjectNode metadata = directory.putObject("metadata");
        ObjectNode users = metadata.putObject("users");
        users.put("active", 2);
        users.put("inactive", 0);
        metadata.put("groups", 1);
        directory.put("created_at", CREATED);
        directory.put("updated_at", CREATED);
        return directory;
    }

    /** One Events API event (the connection's activation, with the full connection as WorkOS sends it). */
    static ObjectNode workOsEvent() {
        ObjectNode event = Json.object();
        event.put("object", "event");
        event.put("id", "event_gatekeep_priming");
        event.put("event", "connection.activated");
        ObjectNode data = workOsConnection();
        data.put("external_key", "gatekeep-priming");
        event.set("data", data);
        event.put("created_at", CREATED);
        return event;
    }

    private static Map<String, AttributeValue> item(String pk, String sk) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Keys.PK, Attr.s(pk));
        item.put(Keys.SK, Attr.s(sk));
        return item;
    }
}
