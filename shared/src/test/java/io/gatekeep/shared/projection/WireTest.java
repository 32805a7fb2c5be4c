package io.gatekeep.shared.projection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.table.Attr;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading WorkOS events and wire objects into items, and the audit log's words for them. */
class WireTest {

    @Test
    void anEventNeedsAnIdAndANameAndNothingElse() {
        WorkOsEvent event = WorkOsEvent.parse("{\"object\":\"event\",\"id\":\"event_1\",\"event\":\"dsync.user.created\","
                + "\"data\":{\"id\":\"directory_user_1\"},\"created_at\":\"2026-01-15T12:00:00Z\"}");
        assertEquals("event_1", event.id());
        assertEquals("dsync.user.created", event.name());
        assertEquals("dsync", event.category());
        assertEquals(Instant.parse("2026-01-15T12:00:00Z"), event.createdAt());
        assertEquals("directory_user_1", event.data().get("id").asText());

        WorkOsEvent bare = WorkOsEvent.parse("{\"id\":\"wh_1\",\"event\":\"something.new\"}");
        assertTrue(bare.data().isObject() && bare.data().isEmpty());
        assertNull(bare.createdAt());

        assertThrows(IllegalArgumentException.class, () -> WorkOsEvent.parse("{\"event\":\"x\"}"));
        assertThrows(IllegalArgumentException.class, () -> WorkOsEvent.parse("{\"id\":\"e\"}"));
        assertThrows(IllegalArgumentException.class, () -> WorkOsEvent.parse("{\"id\":\"e\",\"event\":\"\"}"));
        assertThrows(IllegalArgumentException.class, () -> WorkOsEvent.parse("[]"));
        assertThrows(IllegalArgumentException.class, () -> WorkOsEvent.parse("{\"id\":1,\"id\":2,\"event\":\"x\"}"));
        assertThrows(IllegalArgumentException.class, () -> WorkOsEvent.parse("{\"id\":\"" + "e".repeat(257) + "\",\"event\":\"x\"}"));
    }

    @Test
    void wireObjectsBecomeTheReadmeAttributesOnly() {
        ObjectNode user = Json.object().put("id", "directory_user_1").put("directory_id", "directory_1")
                .put("organization_id", "org_1").put("first_name", "Ada").putNull("last_name").put("state", "active")
                .put("job_title", "Engineer").put("updated_at", "2026-01-15T12:00:00Z");
        user.putArray("emails").addObject().put("primary", false).put("value", "second@acme.test");
        user.withArray("emails").addObject().put("primary", true).put("value", "ada@acme.test");
        var write = WireObjects.user(user, null);
        assertEquals("DIR#directory_1", write.pk());
        assertEquals("USER#directory_user_1", write.sk());
        assertEquals("ada@acme.test", Attr.str(write.fields(), "email"), "the primary email when there is no email field");
        assertEquals("Ada", Attr.str(write.fields(), "firstName"));
        assertFalse(write.fields().containsKey("lastName"), "null leaves the stored value alone");
        assertFalse(write.fields().containsKey("jobTitle"));
        assertEquals("2026-01-15T12:00:00.000Z", write.updatedAt(), "normalised to the fixed-width form");
        assertEquals("org_1", write.organizationId());

        var directory = WireObjects.directory(Json.object().put("id", "directory_1").put("organization_id", "org_1")
                .put("state", "inactive").put("type", "azure scim v2.0").put("updated_at", "2026-01-15T12:00:00.5Z"), null);
        assertEquals("unlinked", Attr.str(directory.fields(), "state"));
        assertEquals("2026-01-15T12:00:00.500Z", directory.updatedAt());
        assertEquals("linked", WireObjects.directoryState("active"));
        assertEquals("invalid_credentials", WireObjects.directoryState("invalid_credentials"));

        Instant eventTime = Instant.parse("2026-02-01T00:00:00Z");
        assertEquals("2026-02-01T00:00:00.000Z",
                WireObjects.connection(Json.object().put("id", "conn_1").put("organization_id", "org_1"), eventTime).updatedAt(),
                "an event's object without updated_at is ordered by the event's time");
        assertThrows(IllegalArgumentException.class,
                () -> WireObjects.connection(Json.object().put("id", "conn_1").put("organization_id", "org_1"), null));
        assertThrows(IllegalArgumentException.class,
                () -> WireObjects.domain(Json.object().put("id", "org_domain_1"), eventTime), "a domain needs its organization");
        assertThrows(IllegalArgumentException.class,
                () -> WireObjects.group(Json.object().put("id", "g#1").put("directory_id", "d"), eventTime), "ids are parts of keys");
    }

    @Test
    void summariesReadLikeTheProduct() {
        assertEquals("Okta SAML connection activated", summary("connection.activated", "{\"connection_type\":\"OktaSAML\",\"name\":\"Acme\"}"));
        assertEquals("Acme", Summaries.actor(event("connection.activated", "{\"name\":\"Acme\"}")));
        assertEquals("Generic OIDC connection deleted", summary("connection.deleted", "{\"connection_type\":\"GenericOIDC\"}"));
        assertEquals("SSO connection deactivated", summary("connection.deactivated", "{}"));
        assertEquals("Directory user ada@acme.test created", summary("dsync.user.created", "{\"email\":\"ada@acme.test\"}"));
        assertEquals("Directory user Ada Lovelace deleted", summary("dsync.user.deleted", "{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"}"));
        assertEquals("WorkOS Directory Sync", Summaries.actor(event("dsync.user.created", "{}")));
        assertEquals("Domain acme.test verified", summary("organization_domain.verified", "{\"domain\":\"acme.test\"}"));
        assertEquals("Domain acme.test verification failed: another organization verified it",
                summary("organization_domain.verification_failed",
                        "{\"reason\":\"domain_verified_by_other_organization\",\"organization_domain\":{\"domain\":\"acme.test\"}}"));
        assertEquals("SAML certificate expired on 2026-01-15: renewal required",
                summary("connection.saml_certificate_renewal_required",
                        "{\"certificate\":{\"expiry_date\":\"2026-01-15T12:00:00Z\",\"is_expired\":true},\"days_until_expiry\":0}"));
        assertEquals("ada@acme.test added to a group", summary("dsync.group.user_added", "{\"user\":{\"email\":\"ada@acme.test\"}}"));
        assertEquals("Organization \"Evil Co\" created", summary("organization.created", "{\"name\":\"Evil\\nCo\"}"),
                "one line whatever the identity provider sends");
        assertEquals(121, Summaries.clean("x".repeat(500)).length());
        assertEquals("WorkOS event user.created received (not applied by this version)", summary("user.created", "{}"));
        assertEquals("WorkOS", Summaries.actor(event("user.created", "{}")));
    }

    private static WorkOsEvent event(String name, String data) {
        return WorkOsEvent.parse("{\"id\":\"event_1\",\"event\":\"" + name + "\",\"data\":" + data + "}");
    }

    private static String summary(String name, String data) {
        return Summaries.summary(event(name, data));
    }
}
