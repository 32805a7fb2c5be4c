package io.gatekeep.emulator;

/**
 * The webhook fault modes {@link WebhookDispatcher} applies to every delivery: each event delivered
 * {@code duplicates} times, shuffled within windows of {@code shuffleWindow} deliveries (0 or 1 = in order),
 * each delivery delayed {@code delayMs}, a {@code dropFraction} never delivered; {@code seed} seeds the Random
 * behind drops and shuffles (reset whenever the faults are set). One home for them: the dispatcher holds the
 * current value, {@link EmulatorControl} (and through it {@code /_emulator/faults}) changes one mode at a time.
 */
record WebhookFaults(int duplicates, int shuffleWindow, long delayMs, double dropFraction, long seed) {
    /** Faithful delivery with the default seed. */
    static final WebhookFaults NONE = new WebhookFaults(1, 0, 0, 0, 42);

    WebhookFaults {
        if (duplicates < 1) {
            throw new IllegalArgumentException("duplicates must be >= 1");
        }
        if (shuffleWindow < 0 || delayMs < 0) {
            throw new IllegalArgumentException("shuffle window and delay must be >= 0");
        }
        if (dropFraction < 0 || dropFraction > 1) {
            throw new IllegalArgumentException("drop fraction must be within 0..1");
        }
    }

    WebhookFaults withDuplicates(int k) {
        return new WebhookFaults(k, shuffleWindow, delayMs, dropFraction, seed);
    }

    WebhookFaults withShuffleWindow(int n) {
        return new WebhookFaults(duplicates, n, delayMs, dropFraction, seed);
    }

    WebhookFaults withDelayMs(long ms) {
        return new WebhookFaults(duplicates, shuffleWindow, ms, dropFraction, seed);
    }

    WebhookFaults withDropFraction(double fraction) {
        return new WebhookFaults(duplicates, shuffleWindow, delayMs, fraction, seed);
    }

    WebhookFaults withSeed(long s) {
        return new WebhookFaults(duplicates, shuffleWindow, delayMs, dropFraction, s);
    }

    /** Faithful delivery, keeping the seed. */
    WebhookFaults cleared() {
        return NONE.withSeed(seed);
    }
}
