package io.gatekeep.shared.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatekeep.catalogue.WorkOsCatalogue;
import io.gatekeep.shared.Json;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The registry of handled event types against the WorkOS catalogue (catalogue/, from WorkOS's OpenAPI
 * spec): every type is a WorkOS event whose data is the object the registry says; every one has audit
 * words of its own. That each is dispatched and emitted by the emulator: webhooks' EventTypesTest.
 */
class WorkOsEventTypeTest {
    private static final WorkOsCatalogue CATALOGUE = WorkOsCatalogue.get();

    @Test
    void everyHandledTypeIsAWorkOsEventWithTheDataTheRegistrySays() {
        for (WorkOsEventType type : WorkOsEventType.values()) {
            WorkOsCatalogue.EventType workos = CATALOGUE.events().get(type.wireName());
            assertTrue(workos != null, type.wireName() + " is not a WorkOS event (workos-catalogue.json)");
            assertEquals(workos.object(), type.object(), type.wireName() + ": the object its data is");
        }
    }

    @Test
    void namesAreTheRegistryInOrderAndEachLooksUpItsType() {
        assertEquals(WorkOsEventType.values().length, WorkOsEventType.NAMES.size());
        assertEquals(WorkOsEventType.NAMES.size(), new HashSet<>(WorkOsEventType.NAMES).size(), "no name twice");
        for (WorkOsEventType type : WorkOsEventType.values()) {
            assertSame(type, WorkOsEventType.of(type.wireName()));
            assertSame(type, event(type.wireName()).type());
        }
        assertNull(WorkOsEventType.of("user.created"), "a WorkOS event Gatekeep does not handle");
        assertNull(WorkOsEventType.of("dsync.deactivated"), "not a WorkOS event at all");
        assertNull(WorkOsEventType.of(null));
    }

    @Test
    void everyHandledTypeHasAuditWordsOfItsOwnAndOthersSayTheyWereNotApplied() {
        String fallback = "received (not applied by this version)";
        for (WorkOsEventType type : WorkOsEventType.values()) {
            String summary = Summaries.summary(event(type.wireName()));
            assertFalse(summary.contains(fallback), type.wireName() + ": " + summary);
        }
        for (String other : List.of("user.created", "session.created", "dsync.deactivated")) {
            assertTrue(Summaries.summary(event(other)).endsWith(fallback), other);
        }
    }

    private static WorkOsEvent event(String name) {
        return new WorkOsEvent("event_01TEST", name, Instant.parse("2026-03-01T10:00:00Z"), Json.object());
    }
}
