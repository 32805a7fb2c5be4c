package io.gatekeep.localaws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/**
 * A UTC clock that tests (and the local runner) move by hand: it stands at a set instant, moves on
 * when advanced, or follows another source of time (the emulator's clock, the wall clock). The settable
 * clock of the functions' tests and the local runner: a handler, the projection or the emulator takes it as
 * any {@link Clock}. (shared's own tests cannot use it, local-aws depending on shared.)
 */
public final class SettableClock extends Clock {
    private volatile Supplier<Instant> source;

    /** Stands at {@code start} until set, advanced or told to follow something else. */
    public SettableClock(Instant start) {
        set(start);
    }

    /** Reads {@code source} at every call, e.g. {@code emulator.control()::now}. */
    public static SettableClock following(Supplier<Instant> source) {
        SettableClock clock = new SettableClock(Instant.EPOCH);
        clock.follow(source);
        return clock;
    }

    public void set(Instant now) {
        source = () -> now;
    }

    /** Moves the clock on by {@code duration} from where it is now (and stands there). */
    public synchronized void advance(Duration duration) {
        set(instant().plus(duration));
    }

    public void follow(Supplier<Instant> source) {
        this.source = source;
    }

    /** From now on, the wall clock. */
    public void release() {
        follow(Instant::now);
    }

    @Override
    public Instant instant() {
        return source.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
