package io.gatekeep.shared.projection;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a change as one TransactWriteItems whose conditions spell out what the planner assumed about
 * each item. When DynamoDB cancels it, the cancellation reasons (one per item, in request order,
 * with the item as it was) say which assumptions were wrong; the planner is asked again with those
 * facts and the one correct transaction is sent. A failed condition on the event marker means the
 * event was applied before: a duplicate, and nothing more is written. (DynamoDB checks every item's
 * condition and reports each one, {@code None} for those that held; DynamoDB Local does the same.)
 * A {@code TransactionConflict} reason (another transaction held that item: DynamoDB Local never says
 * so, {@code ConflictFaithfulDynamo} in test-support does) is retried after a backoff.
 */
final class Transactions {
    static final String MARKER = "marker";

    /** The items of one transaction, each with the role its planner gave it, and what it achieves. */
    static final class Plan<R> {
        private final List<TransactWriteItem> items = new ArrayList<>();
        private final List<String> roles = new ArrayList<>();
        private final List<Runnable> committed = new ArrayList<>();
        private R result;

        /** Something to remember once this plan is written (never when it is cancelled). */
        Plan<R> onCommit(Runnable action) {
            committed.add(action);
            return this;
        }

        Plan<R> add(String role, TransactWriteItem item) {
            roles.add(role);
            items.add(item);
            return this;
        }

        Plan<R> result(R result) {
            this.result = result;
            return this;
        }

        R result() {
            return result;
        }

        boolean isEmpty() {
            return items.isEmpty();
        }
    }

    /**
     * What the planner knows for certain about items, by role: the item as it was (empty: absent);
     * and the roles of the items that the last cancellation found held by another transaction.
     */
    static final class Known {
        private final Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        private final java.util.Set<String> conflicted = new java.util.HashSet<>();

        /** True when the last attempt met another transaction on the item of this role. */
        boolean conflicted(String role) {
            return conflicted.contains(role);
        }

        Map<String, AttributeValue> get(String role) {
            return items.get(role);
        }

        void put(String role, Map<String, AttributeValue> item) {
            items.put(role, item == null ? Map.of() : item);
        }
    }

    /** Either the planned result, or the word that the event was applied before. */
    record Outcome<R>(R result, boolean duplicate) {}

    /**
     * Backoff between attempts that met a conflict: "full jitter" (a random wait up to an exponentially
     * growing cap, AWS Architecture Blog, "Exponential Backoff And Jitter"), so that transactions that
     * collided do not collide again in step. Bounded by the caller's deadline.
     */
    static final long BACKOFF_BASE_MILLIS = 8;
    static final long BACKOFF_CAP_MILLIS = 500;
    /** Without a deadline from the caller (reconcile, replay): how long conflicts may be retried per change. */
    static final Duration DEFAULT_TIME = Duration.ofSeconds(10);

    private final DynamoDbClient dynamo;
    /** The caller's deadline (System.nanoTime) for the change being written on this thread, if it gave one. */
    private final ThreadLocal<Long> deadline = new ThreadLocal<>();

    Transactions(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /** Runs {@code work} with conflicts retried until {@code timeLeft} from now at most. */
    <T> T within(Duration timeLeft, java.util.function.Supplier<T> work) {
        Long outer = deadline.get();
        deadline.set(System.nanoTime() + Math.max(0, timeLeft.toNanos()));
        try {
            return work.get();
        } finally {
            if (outer == null) {
                deadline.remove();
            } else {
                deadline.set(outer);
            }
        }
    }

    /**
     * Plans and writes, at most {@code attempts} times. A plan without items is a result without a
     * call (e.g. a snapshot object already up to date). An attempt cancelled only because another
     * transaction held one of its items ({@code TransactionConflict}) is not counted: the planner is
     * asked again (it may move off a hot item, see {@link Known#conflicted}) after a backoff with full
     * jitter, until the caller's deadline ({@link #within}); a burst on one directory is absorbed here
     * instead of becoming a 503 and a dead letter.
     */
    <R> Outcome<R> run(int attempts, Known known, Function<Known, Plan<R>> planner) {
        return run(k -> attempts, known, planner);
    }

    /**
     * The same, with a number of attempts that depends on what is known: a membership of a mapped
     * group may take one more (the first transaction learns that the group is mapped).
     */
    <R> Outcome<R> run(java.util.function.ToIntFunction<Known> attempts, Known known, Function<Known, Plan<R>> planner) {
        TransactionCanceledException last = null;
        Long given = deadline.get();
        long until = given != null ? given : System.nanoTime() + DEFAULT_TIME.toNanos();
        int attempt = 1; // plans that learnt something (a failed condition); conflicts do not count
        int calls = 0;
        int conflicts = 0;
        while (attempt <= attempts.applyAsInt(known)) {
            Plan<R> plan = planner.apply(known);
            if (plan.isEmpty()) {
                return new Outcome<>(plan.result(), false);
            }
            calls++;
            try {
                dynamo.transactWriteItems(b -> b.transactItems(plan.items));
                plan.committed.forEach(Runnable::run);
                return new Outcome<>(plan.result(), false);
            } catch (TransactionCanceledException e) {
                last = e;
                known.conflicted.clear();
                boolean learnt = false;
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                for (int i = 0; i < reasons.size() && i < plan.roles.size(); i++) {
                    CancellationReason reason = reasons.get(i);
                    String code = reason.code();
                    if (code == null || code.equals("None")) {
                        continue;
                    }
                    if (code.equals("ConditionalCheckFailed")) {
                        if (plan.roles.get(i).equals(MARKER)) {
                            return new Outcome<>(null, true);
                        }
                        known.put(plan.roles.get(i), reason.hasItem() ? reason.item() : Map.of());
                        learnt = true;
                    } else if (code.equals("TransactionConflict")) {
                        // another transaction held the item: the same plan may pass once it is done
                        known.conflicted.add(plan.roles.get(i));
                    } else {
                        // throttling, validation, capacity: not something a second plan can fix
                        throw new StoreUnavailableException("DynamoDB cancelled the transaction: " + code, e, calls);
                    }
                }
                if (learnt || known.conflicted.isEmpty()) {
                    attempt++;
                } else if (!backOff(++conflicts, until)) {
                    throw new StoreUnavailableException("other transactions held its items until the deadline ("
                            + conflicts + " conflicts)", e, calls);
                }
            } catch (SdkException e) {
                throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e, calls);
            }
        }
        throw new StoreUnavailableException("the items changed again between the projection's attempts", last, calls);
    }

    /**
     * A TransactGetItems, tried again after a backoff while it meets a transaction writing one of its
     * items (DynamoDB cancels it: "a conflicting operation is in the process of updating an item to be read").
     */
    <T> T read(java.util.function.Supplier<T> call) {
        Long given = deadline.get();
        long until = given != null ? given : System.nanoTime() + DEFAULT_TIME.toNanos();
        for (int conflicts = 1; ; conflicts++) {
            try {
                return call.get();
            } catch (TransactionCanceledException e) {
                boolean conflict = e.hasCancellationReasons()
                        && e.cancellationReasons().stream().anyMatch(r -> "TransactionConflict".equals(r.code()));
                if (!conflict || !backOff(conflicts, until)) {
                    throw new StoreUnavailableException("DynamoDB cancelled the read", e, conflicts);
                }
            } catch (SdkException e) {
                throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e);
            }
        }
    }

    /** Waits before the next attempt after the n-th conflict; false when the deadline leaves no time for one. */
    private static boolean backOff(int n, long until) {
        long cap = Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << Math.min(n - 1, 16));
        long wait = java.util.concurrent.ThreadLocalRandom.current().nextLong(cap + 1);
        long left = (until - System.nanoTime()) / 1_000_000;
        if (left <= wait) {
            return false;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }
}
