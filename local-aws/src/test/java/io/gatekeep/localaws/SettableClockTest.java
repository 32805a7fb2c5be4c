package io.gatekeep.localaws;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

class SettableClockTest {
    private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");

    @Test
    void standsWhereSetMovesWhenAdvancedFollowsASourceAndReleasesToTheWallClock() {
        SettableClock clock = new SettableClock(T);
        assertEquals(T, clock.instant());
        assertEquals(T, clock.instant(), "it stands still");
        clock.advance(Duration.ofMinutes(5));
        assertEquals(T.plusSeconds(300), clock.instant());
        clock.set(T);
        assertEquals(T, clock.instant());

        AtomicReference<Instant> source = new AtomicReference<>(T.plusSeconds(60));
        clock.follow(source::get);
        assertEquals(T.plusSeconds(60), clock.instant());
        source.set(T.plusSeconds(120));
        assertEquals(T.plusSeconds(120), clock.instant(), "read at every call");
        clock.advance(Duration.ofSeconds(1));
        source.set(T);
        assertEquals(T.plusSeconds(121), clock.instant(), "advancing stops following");

        clock.release();
        assertFalse(clock.instant().isBefore(Instant.now().minusSeconds(5)), "the wall clock");
        assertEquals(ZoneOffset.UTC, clock.getZone());
        assertSame(clock, clock.withZone(ZoneOffset.ofHours(2)));
        assertEquals(T.plusSeconds(1), SettableClock.following(() -> T.plusSeconds(1)).instant());
    }
}
