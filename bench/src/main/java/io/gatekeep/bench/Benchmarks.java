package io.gatekeep.bench;

import io.gatekeep.localaws.ProjectFiles;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bin/bench}: runs every benchmark once against one DynamoDB Local and one WorkOS emulator on
 * loopback and prints Markdown tables (the figures go into BENCHMARKS.md with the machine line). Every
 * figure is a ratio or a count measured within the run, so runs on different or busy machines compare.
 * Benchmarks report; they do not pass or fail on timing (the test suite checks behaviour), except that a
 * broken measurement or a forbidden HTTP client in a jar makes the exit status 1.
 *
 * <pre>
 * --only=cold,warm,counts,throughput,hot,reconcile   (default: all)
 * --requests=10000 --portal-requests=2000        warm latency samples per handler
 * --cold-runs=5                                  fresh JVMs per function (the best run is reported, and the worst)
 * --functions=NoticesFunction,SweepFunction      cold start of these functions of template.yaml only (default: all)
 * --senders=4 --events=1000                      webhook throughput (events per sender)
 * --users=10000                                  reconcile size
 * --hot-users=5000 --hot-senders=16 --hot-hold-ms=10   hot directory: a first sync's size, senders, held window
 * --target=target                                Maven output directory holding the shaded jars
 * --quick                                        small numbers: a smoke run of every benchmark
 * </pre>
 */
public final class Benchmarks {
    static final List<String> ALL = List.of("counts", "warm", "throughput", "hot", "cold", "reconcile");

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        boolean quick = options.containsKey("quick");
        Set<String> only = Set.copyOf(Arrays.asList(options.getOrDefault("only", String.join(",", ALL)).split(",")));
        int requests = intOption(options, "requests", quick ? 500 : 10_000);
        int portalRequests = intOption(options, "portal-requests", quick ? 100 : 2_000);
        int coldRuns = intOption(options, "cold-runs", quick ? 1 : 5);
        int senders = intOption(options, "senders", 4);
        int events = intOption(options, "events", quick ? 100 : 1_000);
        int users = intOption(options, "users", quick ? 500 : 10_000);
        int hotUsers = intOption(options, "hot-users", quick ? 500 : 5_000);
        int hotSenders = intOption(options, "hot-senders", 16);
        int hotHoldMs = intOption(options, "hot-hold-ms", 10);
        String target = options.getOrDefault("target", "target");
        Set<String> functions = options.containsKey("functions") ? Set.of(options.get("functions").split(",")) : Set.of();
        Path root = options.containsKey("root") ? Path.of(options.get("root")).toAbsolutePath().normalize() : ProjectFiles.root();

        PrintStream console = System.out;
        double loadAtStart = Machine.load();
        console.printf("Gatekeep benchmarks: %s%n", String.join(", ", ALL.stream().filter(only::contains).toList()));
        Report report = new Report();
        Path work = Files.createTempDirectory("gatekeep-bench");
        // DynamoDB Local runs in a JVM of its own: its garbage collections are not the handlers' time.
        try (BenchWorld world = BenchWorld.start(DynamoService.childProcess())) {
            console.printf("DynamoDB Local %s, WorkOS emulator %s, table %s, organization %s%n",
                    world.local().endpoint(), world.emulator().baseUrl(), world.table(), world.organizationId());
            if (only.contains("counts")) {
                counts(world, report);
            }
            if (only.contains("warm")) {
                warm(world, report, requests, portalRequests, console);
            }
            if (only.contains("throughput")) {
                throughput(world, report, senders, events, console);
            }
            if (only.contains("hot")) {
                hot(world, report, hotUsers, hotSenders, hotHoldMs, console);
            }
            if (only.contains("cold")) {
                cold(world, report, root, target, coldRuns, work, console, functions);
            }
            if (only.contains("reconcile")) {
                reconcile(world, report, root, target, users, work, console);
            }
        }
        report.print(console, Machine.describe(loadAtStart));
        console.flush();
        System.exit(report.failed() ? 1 : 0);
    }

    // ------------------------------------------------------------------ request counts

    static void counts(BenchWorld world, Report report) {
        List<List<String>> rows = new ArrayList<>();
        try {
            for (RequestCounts.Count c : RequestCounts.measure(world)) {
                rows.add(List.of(c.operation(), Integer.toString(c.requests()), String.join(" + ", c.calls()),
                        c.min() == c.budget() ? Integer.toString(c.budget()) : c.min() + ".." + c.budget(), c.note()));
                report.target("requests", c.operation(), Integer.toString(c.requests()), "<= " + c.budget(), c.withinBudget());
            }
        } catch (RuntimeException e) {
            report.fail("requests", "request counts", e.toString());
        }
        report.table(new Report.Table("DynamoDB requests per operation (RequestCounter; also RequestBudgetTest in bin/test)",
                List.of("operation", "requests", "calls", "budget", "why"), rows, List.of(
                "The audit log's first page is GetItem + Query by design: entries alone cannot prove the organization exists "
                        + "(webhooks file events of organizations not known yet; a deleted organization keeps its log). Later "
                        + "pages are one Query: their signed cursor is the proof.")));
    }

    // ------------------------------------------------------------------ warm latency

    static void warm(BenchWorld world, Report report, int requests, int portalRequests, PrintStream console) {
        List<List<String>> rows = new ArrayList<>();
        List<WarmLatency.Result> results;
        try {
            results = new WarmLatency(world, requests, portalRequests, console).run();
        } catch (RuntimeException e) {
            report.fail("warm", "warm latency", e.toString());
            return;
        }
        WarmLatency.Result emulator = results.stream().filter(r -> r.function().equals("(emulator)")).findFirst().orElse(null);
        for (WarmLatency.Result r : results) {
            rows.add(List.of(r.function(), r.request(), String.format(Locale.ROOT, "%,d", r.requests()),
                    Report.ms(r.total().p50()), Report.ms(r.total().p99()), Report.ms(r.dynamo().p50()), Report.ms(r.dynamo().p99()),
                    Report.ms(r.own().p50()), Report.ms(r.own().p99()), Report.num(r.dynamoCallsPerRequest(), 1),
                    r.gcCount() + " / " + r.gcMillis() + " ms", r.note()));
            if (r.function().equals("(emulator)")) {
                continue;
            }
            if (r.function().equals("portal-links")) {
                report.info("warm", "portal-links own p99 (WorkOS call included)", Report.ms(r.own().p99()) + " ms; own p50 "
                        + Report.ms(r.own().p50()) + " ms - emulator p50 " + (emulator == null ? "?" : Report.ms(emulator.total().p50()))
                        + " ms");
                continue;
            }
            report.target("warm", r.function() + ": " + r.request() + " own p99", Report.ms(r.own().p99()) + " ms", "< 2 ms",
                    r.own().p99() < 2.0);
        }
        report.table(new Report.Table("Warm latency in-process (ms; own = total - DynamoDB time on the wire)",
                List.of("function", "request", "n", "p50", "p99", "DynamoDB p50", "DynamoDB p99", "own p50", "own p99",
                        "DynamoDB calls/req", "GCs / pause", "note"), rows, List.of(
                "One handler instance, one request at a time, after a warm-up of max(200, n/5) requests; the JSON log line of "
                        + "each request is formatted and written to a discarding stream.",
                "DynamoDB time = beforeTransmission..afterTransmission of every HTTP attempt (DynamoDB Local, in a JVM of its "
                        + "own, plus loopback). Own = the handler's code, the SDK's marshalling and signing, logging, and any GC "
                        + "pause or CPU wait that falls inside it. This JVM runs with the functions' flags (C1 only, SerialGC).",
                "Portal links: " + String.format(Locale.ROOT, "%,d", portalRequests) + " requests (each one is a WorkOS call to "
                        + "the emulator, which keeps every link); their own time includes that call: compare with the raw emulator row.")));
    }

    // ------------------------------------------------------------------ throughput

    static void throughput(BenchWorld world, Report report, int senders, int events, PrintStream console) {
        WebhookThroughput.Result r;
        try {
            r = new WebhookThroughput(world, senders, events, console).run();
        } catch (Exception e) {
            report.fail("throughput", "webhook ingest", e.toString());
            return;
        }
        report.table(new Report.Table("Webhook ingest throughput (dsync.user.created, a new user each)",
                List.of("senders", "events", "handler events/s", "raw TransactWriteItems events/s", "ratio", "transactions",
                        "other calls", "non-200"),
                List.of(List.of(Integer.toString(r.senders()), String.format(Locale.ROOT, "%,d", r.events()),
                        Report.num(r.handlerPerSecond(), 0), Report.num(r.rawPerSecond(), 0), Report.num(r.ratio(), 2),
                        String.format(Locale.ROOT, "%,d", r.transactions()), Integer.toString(r.otherCalls()),
                        Integer.toString(r.rejected()))),
                List.of("Each sender is its own handler instance and client, on its own directory. Raw = the very "
                        + "TransactWriteItems requests the handler made (captured), replayed by as many threads on a twin table.")));
        if (r.rejected() > 0) {
            report.fail("throughput", "webhook ingest", r.rejected() + " deliveries were not answered 200 (the first: "
                    + r.firstRejection() + ")");
        }
        report.target("throughput", "handler / raw TransactWriteItems, " + senders + " senders", Report.num(r.ratio(), 2), ">= 0.7",
                r.ratio() >= 0.7);
    }

    // ------------------------------------------------------------------ hot directory

    static void hot(BenchWorld world, Report report, int users, int senders, int holdMs, PrintStream console) {
        HotDirectoryBurst.Result r;
        try {
            r = new HotDirectoryBurst(world, users, senders, java.time.Duration.ofMillis(holdMs), 2, 20_261_204L, console).run();
        } catch (Exception e) {
            report.fail("hot", "hot directory", e.toString());
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (HotDirectoryBurst.Run run : List.of(r.oneDirectory(), r.spread())) {
            rows.add(List.of(run.layout(), String.format(Locale.ROOT, "%,d", run.events()), String.format(Locale.ROOT, "%,d", run.deliveries()),
                    Report.num(100 * run.firstTryShare(), 1) + "%", Integer.toString(run.answered503()), Integer.toString(run.deadLetters()),
                    Report.num(run.deliveriesPerSecond(), 0), String.format(Locale.ROOT, "%,d", run.transactions()),
                    Report.num((double) run.transactions() / run.deliveries(), 2),
                    String.format(Locale.ROOT, "%,d", run.conflicts().transactionsCancelled()),
                    run.differences().isEmpty() ? "equal" : run.differences().size() + " differences: " + run.differences().get(0)));
        }
        report.table(new Report.Table("Hot directory: a " + String.format(Locale.ROOT, "%,d", users) + "-user first sync from "
                + senders + " senders through ConflictFaithfulDynamo (DynamoDB's transaction conflicts, held window + " + holdMs + " ms)",
                List.of("layout", "events", "deliveries", "first-try 200", "503s", "dead letters", "deliveries/s", "TransactWriteItems",
                        "per delivery", "cancelled by a conflict", "projection vs emulator"), rows, List.of(
                "Users, groups (one per 250 users) and memberships (every user in one group, half in two), shuffled, 10% "
                        + "delivered twice; each sender is its own WebhookHandler (a Lambda instance); a 503 goes to the back "
                        + "of the queue (WorkOS retries). Spread = the same number of users over " + senders + " directories of "
                        + "one organization, in the same run; the layouts ran as one, spread, spread, one (a fresh organization "
                        + "and table each), and each row sums its two bursts. Conflicts: DynamoDB's documented rules over DynamoDB Local "
                        + "(test-support ConflictFaithfulDynamo), each transaction holding its items for its call plus the hold.",
                "Bursts in the order they ran, deliveries/s: " + r.bursts().stream()
                        .map(b -> b.layout() + " " + Report.num(b.deliveriesPerSecond(), 0)).collect(java.util.stream.Collectors.joining(", "))
                        + "; item conflicts by kind of item, one directory " + r.oneDirectory().conflictsByKind() + ", spread "
                        + r.spread().conflictsByKind() + ".",
                "Correctness: users (fields and groups), groups and memberships equal the emulator's, the counters and the "
                        + "last sync as the health Query reads them (directory item plus counter shards) exact, one marker and "
                        + "one audit entry per event.")));
        HotDirectoryBurst.Run one = r.oneDirectory();
        report.target("hot", "one directory: first-try success", Report.num(100 * one.firstTryShare(), 1) + "%", ">= 95%",
                one.firstTryShare() >= 0.95);
        report.target("hot", "dead letters (one directory, spread)", one.deadLetters() + ", " + r.spread().deadLetters(), "0",
                one.deadLetters() == 0 && r.spread().deadLetters() == 0);
        report.target("hot", "one directory / spread over " + senders + " directories, deliveries/s", Report.num(r.ratio(), 2)
                + " (" + Report.num(one.deliveriesPerSecond(), 0) + " / " + Report.num(r.spread().deliveriesPerSecond(), 0) + ")",
                ">= 0.8", r.ratio() >= 0.8);
        report.target("hot", "projection equals the emulator (one directory, spread)", one.differences().size() + ", "
                + r.spread().differences().size() + " differences", "0", one.differences().isEmpty() && r.spread().differences().isEmpty());
    }

    // ------------------------------------------------------------------ cold start

    static void cold(BenchWorld world, Report report, Path root, String target, int runs, Path work, PrintStream console,
            Set<String> functions) {
        List<ColdStart.Result> results = new ColdStart(world, root, target, runs, console, functions).run(work);
        ColdStart.Result hello = results.stream().filter(r -> r.subject().name().equals(ColdStart.HELLO)).findFirst().orElseThrow();
        double helloInit = hello.bestOf(ChildJvm.Result::initMillis);
        double floorInit = results.stream().filter(r -> r.subject().name().equals(ColdStart.SDK_FLOOR)).findFirst()
                .map(r -> r.bestOf(ChildJvm.Result::initMillis)).orElse(Double.NaN);
        Map<String, ColdStart.Result> primed = new LinkedHashMap<>();
        results.stream().filter(r -> r.subject().primed()).forEach(r -> primed.put(
                r.subject().name().substring(0, r.subject().name().length() - ColdStart.PRIMED.length()), r));
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> primingRows = new ArrayList<>();
        for (ColdStart.Result r : results) {
            String name = r.subject().name();
            if (r.subject().primed()) {
                continue; // in the priming table, beside its unprimed row
            }
            boolean isHello = r.subject().baseline(); // hello and the SDK floors: no targets
            if (r.error() != null || r.runs().isEmpty()) {
                rows.add(List.of(name, mb(r.jarBytes()), clients(r), "-", "-", "-", "-", "-", "-", "-", "-", "-", "FAILED: " + firstLine(r.error())));
                report.fail("cold", name, firstLine(String.valueOf(r.error())));
                continue;
            }
            double boot = r.bestOf(ChildJvm.Result::bootMillis);
            double handlerInit = r.bestOf(ChildJvm.Result::handlerInitMillis);
            double init = r.bestOf(ChildJvm.Result::initMillis);
            double initWorst = r.worstOf(ChildJvm.Result::initMillis);
            double first = r.bestOf(ChildJvm.Result::firstMillis);
            double steady = r.bestOf(ChildJvm.Result::steadyMillis);
            double ratio = init / helloInit;
            double floorRatio = init / floorInit;
            rows.add(List.of(name, isHello ? "-" : mb(r.jarBytes()), isHello ? "-" : clients(r), Report.num(boot, 0),
                    Report.num(handlerInit, 0), Report.num(init, 0), Report.num(initWorst, 0), Report.num(ratio, 2),
                    Report.num(floorRatio, 2),
                    Report.num(first, 0),
                    Report.ms(steady), Report.num(first - steady, 0), Integer.toString(r.runs().size())));
            if (isHello) {
                continue;
            }
            // The SDK's DynamoDB client is the whole Init (issue 19): our constructors must add nothing to it.
            // Providers builds no client, so its Init is below the floor.
            report.target("cold", name + " init / SDK floor init", Report.num(floorRatio, 2) + " (" + Report.num(init, 0) + " / "
                    + Report.num(floorInit, 0) + " ms)", "<= 1.05", floorRatio <= 1.05);
            report.target("cold", name + " jar size", mb(r.jarBytes()) + " MiB", "< 15 MiB", r.jarBytes() < ColdStart.JAR_LIMIT_BYTES);
            if (!r.forbidden().isEmpty()) {
                report.fail("cold", name + " jar", "holds " + String.join(", ", r.forbidden()) + " (an Apache or Netty HTTP client)");
            }
            primingRow(report, name, r, primed.get(name), primingRows);
        }
        report.table(new Report.Table("Cold start (fresh JVM per run, " + String.join(" ", ChildJvm.LAMBDA_FLAGS) + "; best of "
                + runs + " runs, interleaved; ms)",
                List.of("function", "jar MiB", "Apache/Netty in jar", "JVM boot", "handler init", "Init (boot + init)",
                        "Init, worst run", "Init / hello", "Init / SDK floor", "first request", "steady request", "first - steady", "runs"), rows, List.of(
                "'" + ColdStart.SDK_FLOOR + "' = a handler that only builds the DynamoDB client as Dynamo.client does and makes "
                        + "one GetItem, from identity-health's jar: the part of a cold start that is the AWS SDK, not our code "
                        + "(Init / SDK floor near 1 means the function's own init costs next to nothing). The 'region + credentials "
                        + "named' row builds it with Region.of(..) and a fixed credentials provider instead of the provider chains.",
                "Init = process start to a constructed handler (the public no-arg constructor: configuration from system "
                        + "properties, SDK clients built), what Lambda reports as Init Duration; hello = a handler with no SDK, "
                        + "no Jackson and no logging on only the Lambda core and events jars (for reference: no target, the SDK "
                        + "floor alone is many times hello on the JVM).",
                "First request: against DynamoDB Local and the emulator over loopback (no TLS: in AWS the first request also "
                        + "pays a TLS handshake to DynamoDB and to WorkOS). Steady = the best of 10 repeats of the same request in "
                        + "the same JVM (C1 only, as in Lambda); for the webhook the repeats are duplicate deliveries.")));
        report.table(new Report.Table("SnapStart priming (the same cold starts with each function's priming run in Init, "
                + "as Lambda runs it before the snapshot; best of " + runs + " runs, interleaved with the unprimed ones; ms)",
                List.of("function", "unprimed first", "unprimed steady", "unprimed first - steady", "primed first", "primed steady",
                        "primed first - steady", "primed / unprimed (first - steady)", "priming in Init (publish time)",
                        "priming, worst run", "runs"), primingRows, List.of(
                "Primed: the handler is built through its no-arg constructor, which registers its priming (an org.crac Resource); "
                        + "the CRaC hooks then run as Lambda runs them at publish time (beforeCheckpoint: a synthetic success-path "
                        + "request through a twin of the handler on loopback stand-ins of DynamoDB and WorkOS; afterRestore), and "
                        + "only then comes the first real request. SnapStart snapshots the JVM after Init and restores that memory, "
                        + "so the primed first request stands for a restored instance's first request.",
                "Not in the primed figure: the restore itself (Lambda's Restore Duration: loading the snapshot, which this "
                        + "machine cannot do), the memory pages of the snapshot touched for the first time, and the TLS handshake to "
                        + "DynamoDB and WorkOS (loopback here, no TLS). 'Priming in Init' is time added once per published version, "
                        + "never to a request.")));
    }

    /** One function's priming row and its target: primed (first - steady) <= 0.05 x unprimed (first - steady). */
    private static void primingRow(Report report, String name, ColdStart.Result unprimed, ColdStart.Result primed,
                                   List<List<String>> rows) {
        if (primed == null || primed.error() != null || primed.runs().isEmpty()) {
            String why = primed == null ? "no primed row" : firstLine(String.valueOf(primed.error()));
            rows.add(List.of(name, "-", "-", "-", "-", "-", "-", "-", "-", "-", "FAILED: " + why));
            report.fail("cold", name + " primed", why);
            return;
        }
        double first = unprimed.bestOf(ChildJvm.Result::firstMillis);
        double steady = unprimed.bestOf(ChildJvm.Result::steadyMillis);
        double primedFirst = primed.bestOf(ChildJvm.Result::firstMillis);
        double primedSteady = primed.bestOf(ChildJvm.Result::steadyMillis);
        double ratio = (primedFirst - primedSteady) / (first - steady);
        rows.add(List.of(name, Report.num(first, 0), Report.ms(steady), Report.num(first - steady, 0), Report.ms(primedFirst),
                Report.ms(primedSteady), Report.ms(primedFirst - primedSteady), Report.num(ratio, 3),
                Report.num(primed.bestOf(ChildJvm.Result::primingMillis), 0),
                Report.num(primed.worstOf(ChildJvm.Result::primingMillis), 0), Integer.toString(primed.runs().size())));
        report.target("cold", name + " primed (first - steady) / unprimed (first - steady)", Report.num(ratio, 3) + " ("
                + Report.ms(primedFirst - primedSteady) + " / " + Report.num(first - steady, 0) + " ms)", "<= 0.05", ratio <= 0.05);
    }

    private static String clients(ColdStart.Result r) {
        return r.forbidden().isEmpty() ? "none" : "FOUND " + String.join(" ", r.forbidden());
    }

    private static String mb(long bytes) {
        return bytes <= 0 ? "-" : Report.num(bytes / (1024.0 * 1024), 1);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    // ------------------------------------------------------------------ reconcile

    static void reconcile(BenchWorld world, Report report, Path root, String target, int users, Path work, PrintStream console) {
        Path jar = root.resolve("functions/operator").resolve(target).resolve("operator.jar");
        if (!Files.exists(jar)) {
            report.fail("reconcile", users + " users", "no jar at " + root.relativize(jar) + " (./mvnw package)");
            return;
        }
        ReconcileBench.Result r = new ReconcileBench(world, users, console).run(new ChildJvm(work), jar);
        double heapMb = r.heapPeakBytes() / (1024.0 * 1024);
        double liveMb = r.liveAfterGcBytes() / (1024.0 * 1024);
        report.table(new Report.Table("Reconcile (operator, child JVM -Xmx256m, every webhook of the directory missed)",
                List.of("users", "time s", "peak heap MiB", "max heap after a GC MiB", "GC count", "GC ms", "complete", "users in table",
                        "error"),
                List.of(List.of(String.format(Locale.ROOT, "%,d", r.users()), Report.num(r.seconds(), 1), Report.num(heapMb, 0),
                        Report.num(liveMb, 0),
                        Long.toString(r.gcCount()), Long.toString(r.gcMillis()), Boolean.toString(r.complete()),
                        String.format(Locale.ROOT, "%,d", r.usersInTable()), r.error() == null ? "" : firstLine(r.error()))),
                List.of("Peak heap = sum of the heap pools' peak usage (MemoryPoolMXBean): an upper bound of the true peak; with "
                        + "SerialGC it is mostly the young generation's size. Max heap after a GC = the most in use right after "
                        + "any collection (GC notifications): an upper bound of the live data (old-generation garbage not yet "
                        + "collected counts too). The run has -Xmx256m: it cannot use more, and a run that needed more would fail.",
                        "The operator's report: " + (r.report() == null ? "none" : r.report()))));
        if (r.error() != null) {
            report.fail("reconcile", users + " users", firstLine(r.error()));
            return;
        }
        report.target("reconcile", users + " users: peak heap (max after a GC)", Report.num(heapMb, 0) + " MiB ("
                + Report.num(liveMb, 0) + " MiB)", "< 256 MiB", heapMb < 256);
        report.target("reconcile", users + " users: complete, all users in the table", r.complete() + ", "
                + r.usersInTable(), "true, " + users, r.complete() && r.usersInTable() == users);
        report.info("reconcile", users + " users: time", Report.num(r.seconds(), 1) + " s");
    }

    // ------------------------------------------------------------------ options

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String a : args) {
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + a + " (options look like --requests=1000)");
            }
            int eq = a.indexOf('=');
            options.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "" : a.substring(eq + 1));
        }
        return options;
    }

    private static int intOption(Map<String, String> options, String name, int fallback) {
        return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
    }
}
