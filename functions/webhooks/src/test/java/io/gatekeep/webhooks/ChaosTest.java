package io.gatekeep.webhooks;

import io.gatekeep.emulator.DeliveryAttempt;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.testsupport.ConcurrentDeliveries;
import io.gatekeep.testsupport.OrganizationHistory;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emulator plays a realistic history ({@link OrganizationHistory}); its events reach the webhook function
 * one to three times each, out of order, while the store fails at random and deliveries are retried.
 * Afterwards the projection equals the emulator's own state, object for object, with exact counters.
 *
 * <p>Seeds: {@code -Dchaos.seed=N} (the emulator-delivered run, {@code -Dchaos.users} users, 500 by
 * default) and {@code -Dchaos.seeds=1,2,3} (the fully shuffled, concurrent runs). A failure names its seed.
 */
class ChaosTest {

    /**
     * The emulator itself delivers over HTTP, signed, to the function behind a loopback endpoint: each
     * step of the history with 1-3 copies per event, shuffled in windows of 25, and WorkOS-style
     * retries with backoff of every delivery the function answered 5xx (10% of transactions fail).
     */
    @Test
    void theEmulatorDeliversARealisticHistoryThroughFailures() throws Exception {
        long seed = Long.getLong("chaos.seed", 20_261_123L);
        int users = Integer.getInteger("chaos.users", 500);
        System.out.println("chaos (emulator delivery): seed " + seed + ", " + users + " users");
        ChaosRun.forSeed("chaos", "chaos.seed", seed, users, this::emulatorDelivered);
    }

    private void emulatorDelivered(long seed, int users) {
        try (ChaosRun run = ChaosRun.emulatorDelivered(seed)) {
            EmulatorControl workos = run.workos();
            WebhookFixture webhooks = run.webhooks();
            long started = System.nanoTime();
            OrganizationHistory history = OrganizationHistory.play(workos, users, run.random(),
                    () -> workos.webhookDuplicates(1 + run.random().nextInt(3)));
            long played = System.nanoTime();
            // A bound against a hang, not a timing goal: delivery takes 60-105 s on an idle 2-core machine
            // (about 6,000 deliveries, each a transaction; 10% fail and are retried with backoff).
            assertTrue(workos.awaitDeliveries(Duration.ofMinutes(5)), "the emulator finished delivering");
            System.out.printf("chaos (emulator delivery): history played in %d ms, delivered in %d ms (%d ms in the function)%n",
                    (played - started) / 1_000_000, (System.nanoTime() - played) / 1_000_000, run.receiver().busyNanos.get() / 1_000_000);

            List<DeliveryAttempt> attempts = workos.deliveries();
            assertEquals(List.of(), attempts.stream().filter(a -> a.outcome().equals("gave_up")).toList(), "no delivery gave up");
            long retried = attempts.stream().filter(a -> a.status() == 503).count();
            assertTrue(retried > 0 && run.fault().injected.get() > 0, "store failures were injected and answered 503");
            assertTrue(attempts.stream().anyMatch(a -> a.copy() > 1), "events were duplicated");
            assertTrue(outOfOrder(attempts, workos.events()), "deliveries were reordered");
            assertEquals(retried, new DeadLetters(webhooks.dynamo, webhooks.table, Clock.systemUTC()).all().size(),
                    "one dead letter per failed delivery");

            long checking = System.nanoTime();
            List<String> differences = webhooks.differences(workos.snapshot(), workos.events(),
                    history.organizationId());
            System.out.printf("chaos (emulator delivery): compared in %d ms%n", (System.nanoTime() - checking) / 1_000_000);
            assertEquals(List.of(), differences.subList(0, Math.min(20, differences.size())),
                    differences.size() + " differences");
            System.out.println("chaos (emulator delivery): " + workos.events().size() + " events, " + attempts.size()
                    + " delivery attempts, " + retried + " answered 503, " + webhooks.calls.count("TransactWriteItems")
                    + " transactions, seed " + seed + ": projection equals WorkOS");
        }
    }

    /** Several seeds: every event 1-3 times, the whole lot shuffled, two deliveries at a time. */
    @Test
    void shuffledConcurrentDeliveriesEndEqualForEverySeed() throws Exception {
        ChaosRun.forEachSeed("chaos", "chaos.seeds", "1,2,3", Integer.getInteger("chaos.smallUsers", 30), this::shuffledConcurrent);
    }

    private void shuffledConcurrent(long seed, int users) throws Exception {
        System.out.println("chaos (shuffled, concurrent): seed " + seed + ", " + users + " users");
        try (ChaosRun run = ChaosRun.testDelivered(seed)) {
            OrganizationHistory history = OrganizationHistory.play(run.workos(), users, run.random(), () -> { });
            List<StoredEvent> events = run.workos().events();

            ConcurrentDeliveries<String> deliveries = ConcurrentDeliveries.shuffledCopies(events, run.random());
            deliveries.run(2, body -> ConcurrentDeliveries.Answer.ofStatus(run.webhooks().deliver(body).status()));
            assertEquals(0, deliveries.unexpected(), "every delivery ends 200 or 503");
            assertTrue(deliveries.refused() > 0, "store failures were injected");

            List<String> differences = run.webhooks().differences(run.workos().snapshot(), events, history.organizationId());
            assertEquals(List.of(), differences.subList(0, Math.min(20, differences.size())),
                    differences.size() + " differences");
            System.out.println("chaos (shuffled, concurrent): " + events.size() + " events, " + deliveries.size()
                    + " deliveries, " + deliveries.refused() + " answered 503, seed " + seed + ": projection equals WorkOS");
        }
    }

    /** True when some event was first delivered after an event that happened later. */
    private static boolean outOfOrder(List<DeliveryAttempt> attempts, List<StoredEvent> events) {
        List<String> order = events.stream().map(StoredEvent::id).toList();
        Set<String> seen = new java.util.HashSet<>();
        List<Integer> firstDeliveries = attempts.stream().filter(a -> seen.add(a.eventId()))
                .map(a -> order.indexOf(a.eventId())).collect(Collectors.toList());
        for (int i = 1; i < firstDeliveries.size(); i++) {
            if (firstDeliveries.get(i) < firstDeliveries.get(i - 1)) {
                return true;
            }
        }
        return false;
    }
}
