package io.gatekeep.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ClockAndIdsTest {

    @Test
    void idsAreUlidLikeAndSortInCreationOrderWithinOneMillisecond() {
        Ids ids = new Ids(new Random(1));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            made.add(ids.next("conn_", 1_795_000_000_000L));
        }
        made.add(ids.next("conn_", 1_795_000_000_001L));
        made.add(ids.next("conn_", 1_794_000_000_000L)); // a clock going backwards still sorts after
        List<String> sorted = new ArrayList<>(made);
        Collections.sort(sorted);
        assertEquals(made, sorted);
        assertEquals(1002, made.stream().distinct().count());
        assertTrue(made.get(0).matches("conn_[0-9A-HJKMNP-TV-Z]{26}"), made.get(0));
    }

    @Test
    void stampsAreStrictlyIncreasingAcrossThreadsEvenWithAFrozenClock() throws Exception {
        EmuClock clock = new EmuClock(Clock.fixed(Instant.parse("2026-11-23T19:00:00Z"), ZoneOffset.UTC));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<Instant>>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            futures.add(pool.submit(() -> {
                List<Instant> mine = new ArrayList<>();
                for (int i = 0; i < 250; i++) {
                    mine.add(clock.stamp());
                }
                return mine;
            }));
        }
        List<Instant> all = new ArrayList<>();
        for (Future<List<Instant>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        assertEquals(1000, all.stream().distinct().count());
        assertEquals("2026-11-23T19:00:00.000Z", EmuClock.format(Collections.min(all)));
        assertEquals("2026-11-23T19:00:00.999Z", EmuClock.format(Collections.max(all)));
        clock.advance(Duration.ofDays(1));
        assertEquals(Instant.parse("2026-11-24T19:00:00Z"), clock.now());
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
    }

    @Test
    void webhookSignatureMatchesTheDocumentedFormula() {
        String header = WebhookDispatcher.signatureHeader(1_700_000_000_123L, "{\"a\":1}", "secret");
        assertEquals("t=1700000000123, v1=" + WebhookDispatcher.sign("1700000000123.{\"a\":1}", "secret"), header);
        assertEquals(64, WebhookDispatcher.sign("x", "y").length());
    }
}
