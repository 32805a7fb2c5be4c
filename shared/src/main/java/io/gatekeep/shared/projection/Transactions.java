package io.gatekeep.shared.projection;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

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
 */
final class Transactions {
    static final String MARKER = "marker";

    /** The items of one transaction, each with the role its planner gave it, and what it achieves. */
    static final class Plan<R> {
        private final List<TransactWriteItem> items = new ArrayList<>();
        private final List<String> roles = new ArrayList<>();
        private R result;

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

    /** What the planner knows for certain about items, by role: the item as it was (empty: absent). */
    static final class Known {
        private final Map<String, Map<String, AttributeValue>> items = new HashMap<>();

        Map<String, AttributeValue> get(String role) {
            return items.get(role);
        }

        void put(String role, Map<String, AttributeValue> item) {
            items.put(role, item == null ? Map.of() : item);
        }
    }

    /** Either the planned result, or the word that the event was applied before. */
    record Outcome<R>(R result, boolean duplicate) {}

    private final DynamoDbClient dynamo;

    Transactions(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /**
     * Plans and writes, at most {@code attempts} times. A plan without items is a result without a
     * call (e.g. a snapshot object already up to date).
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
        int attempt;
        for (attempt = 1; attempt <= attempts.applyAsInt(known); attempt++) {
            Plan<R> plan = planner.apply(known);
            if (plan.isEmpty()) {
                return new Outcome<>(plan.result(), false);
            }
            try {
                dynamo.transactWriteItems(b -> b.transactItems(plan.items));
                return new Outcome<>(plan.result(), false);
            } catch (TransactionCanceledException e) {
                last = e;
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
                    } else if (!code.equals("TransactionConflict")) {
                        // throttling, validation, capacity: not something a second plan can fix
                        throw new StoreUnavailableException("DynamoDB cancelled the transaction: " + code, e, attempt);
                    }
                    // TransactionConflict: another transaction held the item; the next attempt may pass
                }
            } catch (SdkException e) {
                throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e, attempt);
            }
        }
        throw new StoreUnavailableException("the items changed again between the projection's attempts", last, attempt - 1);
    }
}
