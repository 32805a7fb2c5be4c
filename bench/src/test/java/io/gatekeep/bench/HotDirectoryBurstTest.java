package io.gatekeep.bench;

import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot-directory benchmark's burst, smaller (bin/bench carries the 5,000 users): 16 concurrent senders
 * deliver a directory's first sync (users, groups, memberships, shuffled, 10% twice) through DynamoDB's
 * transaction conflicts ({@code ConflictFaithfulDynamo}); then the same over 16 directories. The burst
 * must meet conflicts (else it proves nothing), lose no event to them (every conflict retried within the
 * Lambda's time: no dead letter), and end with the projection equal to WorkOS with exact counters.
 */
class HotDirectoryBurstTest {
    static BenchWorld world;

    @BeforeAll
    static void start() {
        world = BenchWorld.start();
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void aFirstSyncFromSixteenSendersOnOneDirectoryEndsExactWithNoDeadLetter() throws Exception {
        int users = Integer.getInteger("burst.users", 160);
        var result = new HotDirectoryBurst(world, users, 16, Duration.ofMillis(5), 1, 18L, System.out).run();
        for (HotDirectoryBurst.Run run : List.of(result.oneDirectory(), result.spread())) {
            System.out.printf("hot directory (%s): %d deliveries, first try %.1f%%, %d answered 503, %d dead letters, "
                            + "%d transactions, %d cancelled by a conflict, %.0f deliveries/s%n", run.layout(), run.deliveries(),
                    100 * run.firstTryShare(), run.answered503(), run.deadLetters(), run.transactions(),
                    run.conflicts().transactionsCancelled(), run.deliveriesPerSecond());
            System.out.println("hot directory (" + run.layout() + "): item conflicts by kind " + run.conflictsByKind());
            assertEquals(List.of(), run.differences().subList(0, Math.min(20, run.differences().size())),
                    run.layout() + ": " + run.differences().size() + " differences");
            assertEquals(0, run.deadLetters(), run.layout() + ": no dead letter for a conflict");
            assertEquals(0, run.answered503(), run.layout() + ": conflicts are retried within the function's time");
            assertEquals(run.deliveries(), run.firstTry(), run.layout());
        }
        HotDirectoryBurst.Run one = result.oneDirectory();
        assertTrue(one.conflicts().transactionsCancelled() > 0, "the burst met DynamoDB's conflicts: " + one.conflicts());
    }

    @Test
    void shardKeysAreNotDirectories() {
        String shard = Keys.directoryShardSk("directory_01ABC", 7);
        assertEquals("DIRCOUNT#directory_01ABC#7", shard);
        assertTrue(!shard.startsWith(Keys.DIRECTORY_PREFIX), "readers of DIR# items skip the shards");
        assertEquals("directory_01ABC", Keys.directoryOfShard(shard));
        assertEquals(Keys.directorySk("d"), Keys.directoryShardSk("d", 0));
    }
}
