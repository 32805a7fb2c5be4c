package io.gatekeep.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalogue reads as the facts it was written from (spot checks against the cited spec). */
class WorkOsCatalogueTest {
    private final WorkOsCatalogue catalogue = WorkOsCatalogue.get();

    @Test
    void holdsWorkOsEventTypesAndNotTheInventedOne() {
        assertEquals(111, catalogue.events().size(), "EventSchema.oneOf of the cited spec has 111 event types");
        for (String name : List.of("connection.activated", "dsync.activated", "dsync.deleted", "authentication.sso_succeeded",
                "organization_membership.created", "user.created", "session.created", "organization_domain.verified")) {
            assertTrue(catalogue.isEvent(name), name);
        }
        assertFalse(catalogue.isEvent("dsync.deactivated"), "never emitted by WorkOS (workos-node#1086)");
        assertFalse(catalogue.isEvent("api_key.deleted"), "WorkOS answers 400 to it (workos-node#1475)");
    }

    @Test
    void connectionEventsCarryTheFullConnection() {
        WorkOsCatalogue.EventType activated = catalogue.events().get("connection.activated");
        assertEquals("connection", activated.object());
        assertTrue(activated.requiredData().containsAll(List.of("external_key", "status", "domains", "state")));
        assertFalse(catalogue.events().get("connection.deleted").requiredData().contains("domains"));
        assertEquals(Set.of("active", "validating", "invalid_credentials", "inactive", "deleting"),
                catalogue.events().get("dsync.activated").states(), "directory events use the legacy state words");
    }

    @Test
    void enumsOfTheObjectsGatekeepReads() {
        assertEquals(Set.of("requires_type", "draft", "active", "validating", "inactive", "deleting"),
                catalogue.enumValues("connection.state"));
        assertEquals(Set.of("linked", "validating", "invalid_credentials", "unlinked", "deleting"),
                catalogue.enumValues("directory.state"));
        assertEquals(Set.of("failed", "legacy_verified", "pending", "unverified", "verified"),
                catalogue.enumValues("organization_domain.state"));
        assertThrows(IllegalArgumentException.class, () -> catalogue.enumValues("no.such"));
    }

    @Test
    void errorsListsAndIdempotency() {
        WorkOsCatalogue.ErrorAnswer unknown = catalogue.error("GET /events", "unknownEventName");
        assertEquals(400, unknown.status());
        assertEquals("invalid_events_request", unknown.code());
        assertEquals(409, catalogue.error("POST /organization_domains", "duplicateDomain").status());
        assertEquals("desc", catalogue.listRule("orderDefault"));
        assertEquals("10", catalogue.listRule("limitDefault"));
        assertEquals("created_at", catalogue.listRule("orderedBy"));
        assertEquals(Set.of("POST /audit_logs/events"), catalogue.idempotentOperations());
    }
}
