package io.gatekeep.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The emulator's notion of "now": a base clock plus an offset that tests can advance (portal link expiry,
 * the Events API's 30-day window, certificate expiry). {@link #stamp()} hands out strictly increasing
 * millisecond instants so that two changes in the same millisecond still get increasing {@code updated_at}.
 */
final class EmuClock {
    static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Clock base;
    private volatile Duration offset = Duration.ZERO;
    private Instant last = Instant.EPOCH;

    EmuClock(Clock base) {
        this.base = base;
    }

    Instant now() {
        return base.instant().plus(offset).truncatedTo(ChronoUnit.MILLIS);
    }

    synchronized Instant stamp() {
        Instant n = now();
        if (!n.isAfter(last)) {
            n = last.plusMillis(1);
        }
        last = n;
        return n;
    }

    synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward");
        }
        offset = offset.plus(d);
    }

    static String format(Instant i) {
        return i == null ? null : ISO_MILLIS.format(i.truncatedTo(ChronoUnit.MILLIS));
    }
}
