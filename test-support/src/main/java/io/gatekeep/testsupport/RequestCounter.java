package io.gatekeep.testsupport;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the DynamoDB requests a piece of code makes, by operation name (Query, TransactWriteItems...). */
public final class RequestCounter implements ExecutionInterceptor {
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<String> operations = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counts.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        operations.add(operation);
    }

    public int total() {
        return operations.size();
    }

    public int count(String operation) {
        AtomicInteger c = counts.get(operation);
        return c == null ? 0 : c.get();
    }

    public List<String> operations() {
        return List.copyOf(operations);
    }

    public void reset() {
        counts.clear();
        operations.clear();
    }
}
