package io.gatekeep.bench;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Sums, per thread, the time DynamoDB requests spend on the wire: from just before the HTTP request is
 * sent to the moment its response arrives (every attempt, retries included). That is DynamoDB Local's
 * time plus loopback; what a handler spends around it (its own code, the SDK's marshalling and
 * signing, logging) is the handler's own overhead.
 */
public final class DynamoTimer implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> SENT = new ExecutionAttribute<>("gatekeep.bench.sent");

    private final ThreadLocal<long[]> totals = ThreadLocal.withInitial(() -> new long[2]);

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(SENT, System.nanoTime());
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        Long sent = attributes.getAttribute(SENT);
        if (sent != null) {
            long[] t = totals.get();
            t[0] += System.nanoTime() - sent;
            t[1]++;
        }
    }

    /** Starts a new sum on this thread. */
    public void reset() {
        long[] t = totals.get();
        t[0] = 0;
        t[1] = 0;
    }

    /** Nanoseconds on the wire since {@link #reset()}, on this thread. */
    public long nanos() {
        return totals.get()[0];
    }

    /** HTTP requests sent since {@link #reset()}, on this thread. */
    public long requests() {
        return totals.get()[1];
    }
}
