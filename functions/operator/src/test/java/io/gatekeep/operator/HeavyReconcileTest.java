package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.localaws.LocalContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 10,000-user directory reconciled in one invocation, in a JVM limited to 256 MB of heap (the
 * function's memory size) that also holds the emulator's 10,000 users and DynamoDB Local. Run with
 * {@code -Pheavy}; excluded from the default suite for its length.
 */
@Tag("heavy")
class HeavyReconcileTest {
    private static final int USERS = 10_000;

    @Test
    void tenThousandUsersReconcileInBoundedMemory() throws Exception {
        assertTrue(Runtime.getRuntime().maxMemory() <= 300L * 1024 * 1024,
                "run with -Pheavy (-Xmx256m): max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        try (OperatorFixture fx = OperatorFixture.start()) {
            EmulatorControl workos = fx.emulator.control();
            Snapshot.Organization org = workos.createOrganization("Heavy Industries");
            Snapshot.Directory directory = workos.createDirectory(org.id(), "okta scim v2.0", "Okta", "linked");
            List<Snapshot.User> users = workos.addUsers(directory.id(), USERS);
            List<String> groups = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                groups.add(workos.createGroup(directory.id(), "Group " + i).id());
            }
            Random random = new Random(10);
            for (Snapshot.User user : users) {
                workos.addUserToGroup(groups.get(random.nextInt(groups.size())), user.id());
                if (random.nextBoolean()) {
                    workos.addUserToGroup(groups.get(random.nextInt(groups.size())), user.id());
                }
            }
            users = null;
            JsonNode onboard = fx.invoke("{\"action\": \"onboard\", \"organizationId\": \"" + org.id() + "\"}");
            assertEquals(org.id(), onboard.path("organizationId").asText(), onboard.toString());
            // No webhook ever arrived, and the Events API's 30 days are over: the lists carry it all.
            workos.advanceClock(Duration.ofDays(31));
            long memberships = workos.snapshot().memberships().size();

            HeapWatch watch = HeapWatch.start();
            long t0 = System.nanoTime();
            JsonNode first = fx.invoke("{\"action\": \"reconcile\", \"organizationId\": \"" + org.id() + "\"}",
                    new LocalContext("OperatorFunction", 900_000, 256));
            long firstMs = (System.nanoTime() - t0) / 1_000_000;
            String heapFirst = watch.stop();

            assertTrue(first.path("complete").asBoolean(), first.toString());
            assertEquals(USERS, first.path("byKind").path("users").path("created").asLong(), first.toString());
            assertEquals(20, first.path("byKind").path("groups").path("created").asLong());
            assertEquals(memberships, first.path("byKind").path("memberships").path("created").asLong());

            watch = HeapWatch.start();
            t0 = System.nanoTime();
            JsonNode second = fx.invoke("{\"action\": \"reconcile\", \"organizationId\": \"" + org.id() + "\"}",
                    new LocalContext("OperatorFunction", 900_000, 256));
            long secondMs = (System.nanoTime() - t0) / 1_000_000;
            String heapSecond = watch.stop();
            assertTrue(second.path("complete").asBoolean(), second.toString());
            assertEquals(0, second.path("created").asLong() + second.path("updated").asLong() + second.path("deleted").asLong(),
                    second.toString());
            assertEquals(USERS, second.path("byKind").path("users").path("unchanged").asLong());

            System.out.printf("HEAVY: %d users, %d memberships; first reconcile %d ms (live heap %s), second %d ms "
                            + "(live heap %s), max heap %d MB%nfirst: %s%nsecond: %s%n",
                    USERS, memberships, firstMs, heapFirst, secondMs, heapSecond,
                    Runtime.getRuntime().maxMemory() / (1024 * 1024), first, second);
            fx.assertProjectionMirrorsWorkOs(org.id());
        }
    }

    /**
     * The live heap: what the heap pools hold right after a collection, sampled every 20 ms (whole
     * JVM: the emulator's 10,000 users and DynamoDB Local included). {@code baseline} is the live
     * heap before the reconcile, {@code peak} the largest seen during it.
     */
    private static final class HeapWatch {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private final long baseline;
        private final Thread thread;

        private HeapWatch() {
            baseline = liveHeap();
            thread = new Thread(() -> {
                while (running.get()) {
                    peak.accumulateAndGet(liveHeap(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        private static long liveHeap() {
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
                used += afterGc == null ? 0 : afterGc.getUsed();
            }
            return used;
        }

        static HeapWatch start() {
            System.gc();
            HeapWatch watch = new HeapWatch();
            watch.thread.setDaemon(true);
            watch.thread.start();
            return watch;
        }

        /** "live heap before -> peak live heap during" in MB. */
        String stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return baseline / (1024 * 1024) + " MB -> " + peak.get() / (1024 * 1024) + " MB";
        }
    }
}
