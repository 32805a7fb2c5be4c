package io.gatekeep.shared.projection;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Write sharding for a hot directory. Every user, group and membership event of a directory also
 * writes its directory's share (counters, last sync, the "not deleted" condition), and a membership
 * checks its group and the organization's role mapping; in a burst (a directory's first sync: WorkOS
 * pushes thousands of events at once) those few items are in every transaction, and DynamoDB cancels
 * a transaction that meets another one on any item ({@code TransactionConflict}).
 *
 * <p>So a writer starts on the usual items (shard 0: the directory item, the group item, the mapping
 * item), and once it meets a conflict on one of them it moves the organization's directory shares to one of
 * {@link #COUNT} counter shards ({@code DIRCOUNT#{directoryId}#{k}} in the organization's partition,
 * summed by the health Query) and checks copy {@code k} of the role mapping ({@code ROLEMAP#{orgId} /
 * COPY#{k}}, written with the mapping). It keeps its shard while it works (a Lambda instance handles
 * one event at a time: per thread is per instance) and picks another at random when it meets a
 * conflict there too, so concurrent writers spread over the shards and settle on different ones.
 * A shard also holds what the checks need: {@code deleted} (written on every shard when the directory
 * is deleted) and {@code deadGroups} (a deleted group is added on every shard).
 */
final class DirectoryShards {
    /** Shards per directory: twice the concurrency of a burst (16 senders) lets writers settle apart. */
    static final int COUNT = 32;
    static final String DEAD_GROUPS = "deadGroups";
    private static final int REMEMBERED = 1_000;

    /** This thread's shard (0: none chosen yet) and the organizations it found hot. */
    private final ThreadLocal<int[]> shard = ThreadLocal.withInitial(() -> new int[1]);
    private final ThreadLocal<Set<String>> hot = ThreadLocal.withInitial(HashSet::new);
    /** The latest lastSyncAt known to be stored for a directory (on any shard): lastSyncAt is their maximum. */
    private final Map<String, String> syncStored = new ConcurrentHashMap<>();

    /**
     * The shard this thread writes the share of an organization's directories to: 0 (the directory
     * item, the group item, the mapping item) until it meets a conflict on one of them, then this
     * thread's shard, which moves at random after each conflict. Hot by organization and one shard per
     * thread: the mapping's copies are the organization's, so writers on different directories of one
     * organization must settle apart on those too.
     */
    int choose(String organizationId, boolean conflicted) {
        int[] mine = shard.get();
        Set<String> hotHere = hot.get();
        if (conflicted) {
            int next;
            do {
                next = 1 + ThreadLocalRandom.current().nextInt(COUNT);
            } while (next == mine[0]);
            mine[0] = next;
            if (hotHere.size() >= REMEMBERED) {
                hotHere.clear();
            }
            hotHere.add(organizationId);
            return next;
        }
        return hotHere.contains(organizationId) ? mine[0] : 0;
    }

    /** True when a lastSyncAt at or after {@code sync} is known to be stored: the event cannot move it. */
    boolean syncAlreadyAtLeast(String directoryId, String sync) {
        String stored = syncStored.get(directoryId);
        return stored != null && stored.compareTo(sync) >= 0;
    }

    /** A lastSyncAt now stored (written by a committed transaction, or read from a cancellation's item). */
    void syncStored(String directoryId, String sync) {
        if (sync != null) {
            syncStored.merge(directoryId, sync, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
    }
}
