package io.gatekeep.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.webhooks.WebhookHandler;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Webhook ingest with {@code senders} concurrent senders, each its own handler instance and client (as
 * separate Lambda instances are), each on its own directory: events per second through the handler
 * (signature check, parse, projection, response), and the same run's raw ceiling: the very
 * TransactWriteItems requests the handler made, captured and replayed by as many threads against a
 * second table seeded the same way. The ratio (handler / raw) is what the handler keeps of what
 * DynamoDB Local can take.
 */
public final class WebhookThroughput {
    public record Result(int senders, int events, double handlerSeconds, double rawSeconds, int transactions, int otherCalls,
                         int rejected, String firstRejection) {
        public double handlerPerSecond() {
            return events / handlerSeconds;
        }

        public double rawPerSecond() {
            return events / rawSeconds;
        }

        public double ratio() {
            return rawSeconds / handlerSeconds;
        }
    }

    /** Captures the TransactWriteItems requests of one sender, counts any other call. */
    private static final class Capture implements ExecutionInterceptor {
        final List<TransactWriteItemsRequest> transactions = new CopyOnWriteArrayList<>();
        final AtomicInteger others = new AtomicInteger();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof TransactWriteItemsRequest t) {
                transactions.add(t);
            } else {
                others.incrementAndGet();
            }
        }
    }

    private final BenchWorld world;
    private final int senders;
    private final int eventsPerSender;
    private final PrintStream console;

    public WebhookThroughput(BenchWorld world, int senders, int eventsPerSender, PrintStream console) {
        this.world = world;
        this.senders = senders;
        this.eventsPerSender = eventsPerSender;
        this.console = console;
    }

    public Result run() throws Exception {
        int warmup = Math.max(50, eventsPerSender / 5);
        // One directory per sender, known to both tables (as the projection learnt it from WorkOS).
        var control = world.emulator().control();
        List<String> directories = new ArrayList<>();
        int before = control.events().size();
        for (int i = 0; i < senders; i++) {
            directories.add(control.createDirectory(world.organizationId(), "generic scim v2.0", "Throughput " + i, "linked").id());
        }
        var seedEvents = control.events();
        // Writers only: without the stream, which in DynamoDB Local (not in AWS) makes every write slower in
        // proportion to the stream records of the run's earlier writes (see createTableWithoutStream).
        String handlerTable = world.local().createTableWithoutStream();
        String rawTable = world.local().createTableWithoutStream();
        try (DynamoDbClient seeder = world.client()) {
            projectInto(seeder, handlerTable, seedEvents);
            projectInto(seeder, rawTable, seedEvents); // the same events, in the same order
        }
        console.printf("  throughput: %d senders x %,d events (+%,d warm-up each), %d directories seeded (%d events)%n",
                senders, eventsPerSender, warmup, directories.size(), seedEvents.size() - before);

        // 1. Through the handler.
        List<Capture> captures = new ArrayList<>();
        List<DynamoDbClient> clients = new ArrayList<>();
        List<WebhookHandler> handlers = new ArrayList<>();
        List<List<APIGatewayV2HTTPEvent>> work = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            Capture capture = new Capture();
            DynamoDbClient client = world.client(capture);
            captures.add(capture);
            clients.add(client);
            handlers.add(new WebhookHandler(world.config(handlerTable), client, Clock.systemUTC()));
            List<APIGatewayV2HTTPEvent> events = new ArrayList<>();
            for (int e = 0; e < warmup + eventsPerSender; e++) {
                events.add(world.webhook(world.userCreated(directories.get(i), world.nextId("directory_user"),
                        world.nextInstant())).event());
            }
            work.add(events);
        }
        AtomicInteger rejected = new AtomicInteger();
        AtomicReference<String> firstRejection = new AtomicReference<>(); // what the first non-200 answer said
        int[] boundaries = new int[senders]; // transactions made during each sender's warm-up
        PrintStream realOut = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        double handlerSeconds;
        try {
            handlerSeconds = timed(same(warmup), same(eventsPerSender), (sender, index) -> {
                if (index == warmup) {
                    boundaries[sender] = captures.get(sender).transactions.size();
                }
                var response = handlers.get(sender).handleRequest(work.get(sender).get(index), LocalContext.of("webhooks"));
                if (response.getStatusCode() != 200) {
                    rejected.incrementAndGet();
                    firstRejection.compareAndSet(null, response.getStatusCode() + " " + response.getBody());
                }
            });
        } finally {
            System.setOut(realOut);
            clients.forEach(DynamoDbClient::close);
        }
        int transactions = captures.stream().mapToInt(c -> c.transactions.size()).sum();
        int others = captures.stream().mapToInt(c -> c.others.get()).sum();

        // 2. The same transactions, straight to DynamoDB Local, on the twin table.
        List<List<TransactWriteItemsRequest>> replay = new ArrayList<>();
        for (Capture c : captures) {
            replay.add(c.transactions.stream().map(t -> retarget(t, rawTable)).toList());
        }
        List<DynamoDbClient> rawClients = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            rawClients.add(world.client());
        }
        double rawSeconds;
        try {
            int[] measured = new int[senders];
            for (int i = 0; i < senders; i++) {
                measured[i] = replay.get(i).size() - boundaries[i];
            }
            rawSeconds = timed(boundaries, measured, (sender, index) -> {
                try {
                    rawClients.get(sender).transactWriteItems(replay.get(sender).get(index));
                } catch (TransactionCanceledException sameAsTheHandlerSaw) {
                    // a transaction the handler saw cancelled is cancelled again: the same work
                }
            });
        } finally {
            rawClients.forEach(DynamoDbClient::close);
        }
        return new Result(senders, senders * eventsPerSender, handlerSeconds, rawSeconds, transactions, others, rejected.get(),
                firstRejection.get());
    }

    private void projectInto(DynamoDbClient client, String table, List<io.gatekeep.emulator.StoredEvent> events) {
        var projection = new io.gatekeep.shared.projection.Projection(client, table, Clock.systemUTC());
        for (var e : events.stream().sorted(java.util.Comparator.comparing(io.gatekeep.emulator.StoredEvent::createdAt)).toList()) {
            projection.apply(io.gatekeep.shared.projection.WorkOsEvent.parse(e.json()));
        }
    }

    @FunctionalInterface
    private interface Step {
        void run(int sender, int index) throws Exception;
    }

    private int[] same(int n) {
        int[] values = new int[senders];
        java.util.Arrays.fill(values, n);
        return values;
    }

    /** Runs each sender's warm-up steps untimed, then its measured steps, all senders at once; returns the measured seconds. */
    private double timed(int[] warmup, int[] measured, Step step) throws Exception {
        CyclicBarrier start = new CyclicBarrier(senders + 1);
        CyclicBarrier warmed = new CyclicBarrier(senders + 1);
        CountDownLatch done = new CountDownLatch(senders);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < warmup[sender]; i++) {
                        step.run(sender, i);
                    }
                    warmed.await();
                    for (int i = warmup[sender]; i < warmup[sender] + measured[sender]; i++) {
                        step.run(sender, i);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "bench-sender-" + s);
            t.setDaemon(true);
            t.start();
        }
        start.await();
        warmed.await();
        long began = System.nanoTime();
        done.await();
        long elapsed = System.nanoTime() - began;
        if (failure.get() != null) {
            throw new IllegalStateException("a sender failed: " + failure.get(), failure.get());
        }
        return elapsed / 1e9;
    }

    /** The same request against another table (every item of a transaction names its table). */
    static TransactWriteItemsRequest retarget(TransactWriteItemsRequest request, String table) {
        List<TransactWriteItem> items = new ArrayList<>();
        for (TransactWriteItem item : request.transactItems()) {
            var b = item.toBuilder();
            if (item.put() != null) {
                b.put(item.put().toBuilder().tableName(table).build());
            }
            if (item.update() != null) {
                b.update(item.update().toBuilder().tableName(table).build());
            }
            if (item.delete() != null) {
                b.delete(item.delete().toBuilder().tableName(table).build());
            }
            if (item.conditionCheck() != null) {
                b.conditionCheck(item.conditionCheck().toBuilder().tableName(table).build());
            }
            items.add(b.build());
        }
        return TransactWriteItemsRequest.builder().transactItems(items)
                .returnConsumedCapacity(request.returnConsumedCapacity())
                .returnItemCollectionMetrics(request.returnItemCollectionMetrics())
                .build();
    }
}
