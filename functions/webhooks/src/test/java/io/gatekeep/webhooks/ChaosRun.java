package io.gatekeep.webhooks;

import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.testsupport.WebhookEndpoint;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One run of the webhook chaos that {@link ChaosTest} and {@link RoleChaosTest} both play, for one seed: the WorkOS
 * emulator, and the webhook function against a fresh table whose store fails a share of its transactions at random.
 * It starts one of two ways: {@link #emulatorDelivered} (the emulator itself delivers, over HTTP, with retries) or
 * {@link #testDelivered} (the test delivers the events it takes from the emulator). {@link #forSeed} and
 * {@link #forEachSeed} run a check so that its failure names the seed and the property that reruns it.
 */
record ChaosRun(long seed, double failures, StoreFault fault, WebhookFixture webhooks, WorkOsEmulator emulator,
                WebhookEndpoint receiver, Random random) implements AutoCloseable {
    /** A check of one seed with this many users in the history. */
    interface Check {
        void run(long seed, int users) throws Exception;
    }

    /**
     * Starts a run: the store fails {@code failures} of the function's transactions at random (from the seed); when
     * {@code emulatorDelivers}, the emulator delivers to the function behind a loopback endpoint ({@link #receiver},
     * else null). {@link #random} is seeded with the seed too: the history's choices and the test's shuffles.
     */
    private static ChaosRun start(long seed, double failures, boolean emulatorDelivers) {
        StoreFault fault = new StoreFault("TransactWriteItems").failAtRandom(failures, seed);
        WebhookFixture webhooks = new WebhookFixture(fault);
        WorkOsEmulator.Builder builder = WorkOsEmulator.builder().seed(seed);
        WorkOsEmulator emulator = (emulatorDelivers ? builder.webhookRetry(30, Duration.ofMillis(5), Duration.ofMillis(80)) : builder).start();
        WebhookEndpoint receiver = null;
        try {
            if (emulatorDelivers) {
                receiver = webhooks.endpoint();
                emulator.control().registerWebhook(receiver.url(), WebhookFixture.SECRET);
                emulator.control().faultSeed(seed).webhookShuffleWindow(25);
            }
        } catch (RuntimeException e) {
            if (receiver != null) {
                receiver.close();
            }
            emulator.close();
            throw e;
        }
        return new ChaosRun(seed, failures, fault, webhooks, emulator, receiver, new Random(seed));
    }

    /**
     * The emulator delivers over HTTP, signed, to the function behind a loopback endpoint, shuffled in windows of 25,
     * and retries (30 attempts, backoff 5-80 ms) every delivery the function answers 5xx; 10% of its transactions
     * fail. The copies per event are the test's to set as the history plays.
     */
    static ChaosRun emulatorDelivered(long seed) {
        return start(seed, 0.10, true);
    }

    /** No webhook is registered: the test delivers the emulator's events itself; 15% of the function's transactions fail. */
    static ChaosRun testDelivered(long seed) {
        return start(seed, 0.15, false);
    }

    /** The emulator's control API: WorkOS as the test drives and reads it. */
    EmulatorControl workos() {
        return emulator.control();
    }

    /** The store fails at random again as at the start (its random sequence from the seed again), after {@code fault.off()}. */
    void failAtRandomAgain() {
        fault.failAtRandom(failures, seed);
    }

    /** Runs {@code check}; a failure is reported with the seed and {@code -D<property>=<seed>} to rerun it alone. */
    static void forSeed(String name, String property, long seed, int users, Check check) throws Exception {
        try {
            check.run(seed, users);
        } catch (AssertionError | RuntimeException e) {
            fail(name + " seed " + seed + " (rerun with -D" + property + "=" + seed + "): " + e.getMessage(), e);
        }
    }

    /** {@link #forSeed} for each seed of the comma-separated list {@code property} names, else {@code defaults}. */
    static void forEachSeed(String name, String property, String defaults, int users, Check check) throws Exception {
        long[] seeds = Arrays.stream(System.getProperty(property, defaults).split(","))
                .mapToLong(s -> Long.parseLong(s.trim())).toArray();
        for (long seed : seeds) {
            forSeed(name, property, seed, users, check);
        }
    }

    @Override
    public void close() {
        if (receiver != null) {
            receiver.close();
        }
        emulator.close();
    }
}
