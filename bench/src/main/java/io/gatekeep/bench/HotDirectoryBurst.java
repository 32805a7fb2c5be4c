package io.gatekeep.bench;

import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.WorkOsEvent;
import io.gatekeep.testsupport.ConcurrentDeliveries;
import io.gatekeep.testsupport.ConflictFaithfulDynamo;
import io.gatekeep.testsupport.ProjectionCheck;
import io.gatekeep.testsupport.RequestCounter;
import io.gatekeep.webhooks.WebhookHandler;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A directory's first sync as WorkOS pushes it: users, groups and group memberships of {@code users}
 * directory users, shuffled, 10% of them delivered twice, from {@code senders} concurrent senders (each its
 * own webhook handler, as Lambda instances are), through {@link ConflictFaithfulDynamo} (DynamoDB Local with
 * DynamoDB's transaction conflicts). Run twice in one run: all on one directory, then the same number of
 * events spread over {@code senders} directories. A delivery answered 503 goes to the back of the queue (WorkOS
 * delivers it again later). Afterwards the projection is compared with the emulator's state (test-support's
 * {@link ProjectionCheck}, counter shards summed as the health Query does) and every user counts as a member
 * (no role mapping).
 */
public final class HotDirectoryBurst {
    /** One burst: deliveries (events and their duplicates), how they were answered, and what DynamoDB saw. */
    public record Run(String layout, int directories, int events, int deliveries, int firstTry, int answered503,
                      int deadLetters, double seconds, int transactions, ConflictFaithfulDynamo.Conflicts conflicts,
                      java.util.Map<String, Long> conflictsByKind, List<String> differences) {
        public double firstTryShare() {
            return (double) firstTry / deliveries;
        }

        public double deliveriesPerSecond() {
            return deliveries / seconds;
        }
    }

    /** The bursts in the order they ran (one, spread, spread, one, ...). */
    public record Result(List<Run> bursts) {
        public Run oneDirectory() {
            return sum(bursts.stream().filter(b -> b.directories() == 1).toList());
        }

        public Run spread() {
            return sum(bursts.stream().filter(b -> b.directories() > 1).toList());
        }

        public double ratio() {
            return oneDirectory().deliveriesPerSecond() / spread().deliveriesPerSecond();
        }

        private static Run sum(List<Run> runs) {
            Run first = runs.get(0);
            java.util.Map<String, Long> byKind = new java.util.TreeMap<>();
            List<String> differences = new ArrayList<>();
            int events = 0, deliveries = 0, firstTry = 0, answered503 = 0, deadLetters = 0, transactions = 0;
            long cancelled = 0, rejected = 0, reads = 0, items = 0;
            double seconds = 0;
            for (Run r : runs) {
                events += r.events();
                deliveries += r.deliveries();
                firstTry += r.firstTry();
                answered503 += r.answered503();
                deadLetters += r.deadLetters();
                transactions += r.transactions();
                seconds += r.seconds();
                cancelled += r.conflicts().transactionsCancelled();
                rejected += r.conflicts().writesRejected();
                reads += r.conflicts().readsCancelled();
                items += r.conflicts().itemConflicts();
                r.conflictsByKind().forEach((kind, n) -> byKind.merge(kind, n, Long::sum));
                differences.addAll(r.differences());
            }
            return new Run(first.layout(), first.directories(), events, deliveries, firstTry, answered503, deadLetters, seconds,
                    transactions, new ConflictFaithfulDynamo.Conflicts(cancelled, rejected, reads, items), byKind, differences);
        }
    }

    private final BenchWorld world;
    private final int users;
    private final int senders;
    private final Duration hold;
    private final int pairs;
    private final long seed;
    private final PrintStream console;

    public HotDirectoryBurst(BenchWorld world, int users, int senders, Duration hold, int pairs, long seed, PrintStream console) {
        this.world = world;
        this.users = users;
        this.senders = senders;
        this.hold = hold;
        this.pairs = pairs;
        this.seed = seed;
        this.console = console;
    }

    public Result run() throws Exception {
        List<Run> bursts = new ArrayList<>();
        for (int pair = 0; pair < pairs; pair++) {
            for (int directories : pair % 2 == 0 ? List.of(1, senders) : List.of(senders, 1)) {
                bursts.add(burst(directories, bursts.size()));
            }
        }
        return new Result(bursts);
    }

    private Run burst(int directories, int round) throws Exception {
        EmulatorControl workos = world.emulator().control();
        Random random = new Random(seed + 31L * round + directories);
        int before = workos.events().size();
        String tag = "burst" + directories + "x" + world.nextId("o").substring(10);
        Snapshot.Organization org = workos.createOrganization("Burst " + tag, DomainSpec.verified(tag + ".example"));
        List<String> directoryIds = new ArrayList<>();
        for (int d = 0; d < directories; d++) {
            directoryIds.add(workos.createDirectory(org.id(), "okta scim v2.0", "Burst directory " + d, "linked").id());
        }
        int syncStart = workos.events().size();
        for (int d = 0; d < directories; d++) {
            sync(workos, directoryIds.get(d), users / directories + (d < users % directories ? 1 : 0), random);
        }
        List<StoredEvent> all = workos.events();
        List<StoredEvent> setup = all.subList(before, syncStart);
        List<StoredEvent> syncEvents = all.subList(syncStart, all.size());

        String table = world.local().createTableWithoutStream(); // see there: DynamoDB Local's streams slow later writes
        try (DynamoDbClient seeder = world.client()) {
            Projection projection = new Projection(seeder, table, Clock.systemUTC());
            setup.stream().sorted(Comparator.comparing(StoredEvent::createdAt))
                    .forEach(e -> projection.apply(WorkOsEvent.parse(e.json())));
        }
        List<String> deliveries = new ArrayList<>();
        for (StoredEvent e : syncEvents) {
            deliveries.add(e.json());
        }
        for (int i = 0, n = syncEvents.size() / 10; i < n; i++) { // 10% delivered twice
            deliveries.add(syncEvents.get(random.nextInt(syncEvents.size())).json());
        }
        ConcurrentDeliveries<String> burst = ConcurrentDeliveries.shuffled(deliveries, random);
        console.printf("  hot directory: %,d users on %d director%s: %,d events, %,d deliveries, %d senders, hold %d ms%n",
                users, directories, directories == 1 ? "y" : "ies", syncEvents.size(), deliveries.size(), senders, hold.toMillis());

        RequestCounter calls = new RequestCounter();
        DynamoDbClient client = world.client(calls);
        ConflictFaithfulDynamo dynamo = new ConflictFaithfulDynamo(client, hold);
        // Each sender its own handler, as each Lambda instance has its own.
        ThreadLocal<WebhookHandler> handlers = ThreadLocal.withInitial(() -> new WebhookHandler(world.config(table), dynamo, Clock.systemUTC()));
        AtomicReference<String> unexpected = new AtomicReference<>();
        PrintStream realOut = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream())); // the handlers' log lines
        long began = System.nanoTime();
        try {
            burst.run(senders, body -> {
                int status = handlers.get().handleRequest(world.webhook(body).event(), LocalContext.of("webhooks")).getStatusCode();
                ConcurrentDeliveries.Answer answer = ConcurrentDeliveries.Answer.ofStatus(status);
                if (answer == ConcurrentDeliveries.Answer.UNEXPECTED) {
                    unexpected.compareAndSet(null, "a delivery was answered " + status);
                }
                return answer;
            });
        } finally {
            System.setOut(realOut);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        console.printf("  hot directory: %,d deliveries in %.1f s (%.0f/s), load average %.2f%n",
                deliveries.size(), seconds, deliveries.size() / seconds, Machine.load());
        if (unexpected.get() != null) {
            throw new IllegalStateException(unexpected.get());
        }
        int transactions = calls.count("TransactWriteItems");
        int deadLetters = new DeadLetters(client, table, Clock.systemUTC()).all().size();
        Snapshot after = workos.snapshot();
        List<String> differences = new ArrayList<>(ProjectionCheck.differences(client, table, after, all.subList(before, all.size()),
                org.id()));
        long users = after.directoriesOf(org.id()).stream().mapToLong(d -> after.usersOf(d.id()).size()).sum();
        Map<String, Long> roles = OrganizationView.load(client, table, org.id()).map(OrganizationView::roleCounts).orElse(Map.of());
        if (!roles.equals(Map.of("member", users))) { // no role mapping: every user is a member
            differences.add("users per role: WorkOS has " + Map.of("member", users) + ", projection has " + roles);
        }
        client.close();
        return new Run(directories == 1 ? "one directory" : directories + " directories", directories, syncEvents.size(),
                deliveries.size(), burst.takenFirstTime(), burst.refused(), deadLetters, seconds, transactions, dynamo.conflicts(),
                dynamo.conflictsByKind(), differences);
    }

    /**
     * A directory's initial sync in the emulator: its users, one group per 250 users (at least 2), every
     * user in one group and half of them in a second one.
     */
    private static void sync(EmulatorControl workos, String directoryId, int n, Random random) {
        List<Snapshot.User> created = workos.addUsers(directoryId, n);
        List<String> groups = new ArrayList<>();
        for (int g = 0, count = Math.max(2, n / 250); g < count; g++) {
            groups.add(workos.createGroup(directoryId, "Team " + g).id());
        }
        for (Snapshot.User user : created) {
            int first = random.nextInt(groups.size());
            workos.addUserToGroup(groups.get(first), user.id());
            if (random.nextBoolean()) {
                workos.addUserToGroup(groups.get((first + 1 + random.nextInt(groups.size() - 1)) % groups.size()), user.id());
            }
        }
    }
}
