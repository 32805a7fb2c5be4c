package io.gatekeep.shared;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one rule for a WorkOS id taken from outside, and the product's own ids. */
class IdsTest {
    @Test
    void workOsIdsAreWhatWorkOsMakesAndNothingThatCouldBreakAKey() {
        for (String id : new String[] {"org_01EHZNVPK3SFK441A1RGBFSHRT", "conn_01E4ZCR3C56J083X43JQXF3JK5", "directory_user-1", "x",
                "a".repeat(128)}) {
            assertTrue(Ids.isWorkOsId(id), id);
        }
        for (String id : new String[] {null, "", "org#1", "org 1", "org/1", "org_é", "org_1\n", "a".repeat(129), "ORG#SK"}) {
            assertFalse(Ids.isWorkOsId(id), String.valueOf(id));
        }
    }

    @Test
    void ownIdsSortByTimeAndNeverRepeat() {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");
        String first = Ids.newId("audit", now);
        String later = Ids.newId("audit", now.plusMillis(1));
        assertTrue(first.startsWith("audit_"));
        assertTrue(first.compareTo(later) < 0, first + " sorts before " + later);
        assertNotEquals(first, Ids.newId("audit", now));
        assertTrue(Ids.isWorkOsId(first), "the product's own ids fit the same keys");
    }
}
