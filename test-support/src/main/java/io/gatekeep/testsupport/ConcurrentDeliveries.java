package io.gatekeep.testsupport;

import io.gatekeep.emulator.StoredEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Deliveries in any order, several at a time, as WorkOS's at-least-once delivery can make them: items
 * (event bodies, or any writes) taken from one queue by a number of senders at once; an item the
 * receiver refuses for now (a 503: WorkOS retries it later) goes to the back of the queue, until every
 * item is taken or answered unexpectedly. The one concurrent-delivery harness of the chaos tests and of the
 * hot-directory benchmark (which counts what was taken at its first attempt).
 */
public final class ConcurrentDeliveries<T> {
    /** What became of one attempt. */
    public enum Answer {
        TAKEN, AGAIN, UNEXPECTED;

        /** 200 taken, 503 again (WorkOS retries a 503), anything else unexpected. */
        public static Answer ofStatus(int status) {
            return status == 200 ? TAKEN : status == 503 ? AGAIN : UNEXPECTED;
        }
    }

    /** An item in the queue, and whether it was refused before. */
    private record Queued<T>(T item, boolean again) {}

    private final ConcurrentLinkedDeque<Queued<T>> queue = new ConcurrentLinkedDeque<>();
    private final int size;
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicInteger takenFirstTime = new AtomicInteger();
    private final AtomicInteger again = new AtomicInteger();
    private final AtomicInteger unexpected = new AtomicInteger();

    private ConcurrentDeliveries(List<T> items) {
        items.forEach(item -> queue.add(new Queued<>(item, false)));
        this.size = items.size();
    }

    /** Every event's body one to three times (WorkOS delivers at least once), the whole lot shuffled. */
    public static ConcurrentDeliveries<String> shuffledCopies(List<StoredEvent> events, Random random) {
        List<String> bodies = new ArrayList<>();
        for (StoredEvent e : events) {
            for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
                bodies.add(e.json());
            }
        }
        return shuffled(bodies, random);
    }

    public static <T> ConcurrentDeliveries<T> shuffled(List<T> items, Random random) {
        List<T> order = new ArrayList<>(items);
        Collections.shuffle(order, random);
        return new ConcurrentDeliveries<>(order);
    }

    /** Sends from {@code senders} threads until the queue is empty; a sender's exception fails the run. */
    public void run(int senders, Function<T, Answer> send) throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < senders; w++) {
                workers.add(pool.submit(() -> {
                    Queued<T> next;
                    while ((next = queue.pollFirst()) != null) {
                        Answer answer = send.apply(next.item());
                        attempts.incrementAndGet();
                        switch (answer) {
                            case TAKEN -> {
                                taken.incrementAndGet();
                                if (!next.again()) {
                                    takenFirstTime.incrementAndGet();
                                }
                            }
                            case AGAIN -> {
                                again.incrementAndGet();
                                queue.addLast(new Queued<>(next.item(), true));
                            }
                            case UNEXPECTED -> unexpected.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Items queued at the start (copies included). */
    public int size() {
        return size;
    }

    public int attempts() {
        return attempts.get();
    }

    public int taken() {
        return taken.get();
    }

    /** Items taken at their first attempt (never refused before). */
    public int takenFirstTime() {
        return takenFirstTime.get();
    }

    /** Attempts refused for now (answered 503) and queued again. */
    public int refused() {
        return again.get();
    }

    public int unexpected() {
        return unexpected.get();
    }
}
