package io.gatekeep.webhooks;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes DynamoDB fail on demand, inside the real SDK pipeline: an operation (e.g.
 * TransactWriteItems) answers like a 503 from the service, for the next n calls or at random, or
 * is cancelled for a conflicting transaction (which DynamoDB Local, serialising everything, never does).
 */
final class StoreFault implements ExecutionInterceptor {
    private final String operation;
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger skipNext = new AtomicInteger();
    private final AtomicInteger conflictNext = new AtomicInteger();
    private volatile double failFraction;
    private volatile Random random = new Random(0);
    final AtomicInteger injected = new AtomicInteger();

    StoreFault(String operation) {
        this.operation = operation;
    }

    /** The next {@code n} calls of the operation fail, after {@code skip} that pass. */
    StoreFault failNext(int n, int skip) {
        skipNext.set(skip);
        failNext.set(n);
        return this;
    }

    /** The next {@code n} calls are cancelled as DynamoDB cancels a transaction that met another one. */
    StoreFault conflictNext(int n) {
        conflictNext.set(n);
        return this;
    }

    /** Each call fails with this probability (seeded). */
    StoreFault failAtRandom(double fraction, long seed) {
        random = new Random(seed);
        failFraction = fraction;
        return this;
    }

    StoreFault off() {
        failNext.set(0);
        conflictNext.set(0);
        failFraction = 0;
        return this;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
            return;
        }
        boolean fail;
        synchronized (this) {
            if (conflictNext.get() > 0) {
                conflictNext.decrementAndGet();
                injected.incrementAndGet();
                throw TransactionCanceledException.builder().statusCode(400)
                        .message("Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]")
                        .cancellationReasons(CancellationReason.builder().code("TransactionConflict")
                                .message("Transaction is ongoing for the item").build())
                        .build();
            }
            if (skipNext.get() > 0) {
                skipNext.decrementAndGet();
                fail = false;
            } else if (failNext.get() > 0) {
                failNext.decrementAndGet();
                fail = true;
            } else {
                fail = failFraction > 0 && random.nextDouble() < failFraction;
            }
        }
        if (fail) {
            injected.incrementAndGet();
            throw DynamoDbException.builder().message("injected: service unavailable").statusCode(503).build();
        }
    }
}
