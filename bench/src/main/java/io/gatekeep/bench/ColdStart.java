package io.gatekeep.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.gatekeep.bench.harness.ColdStartHarness;
import io.gatekeep.bench.harness.DynamoClientFloorHandler;
import io.gatekeep.bench.harness.HelloHandler;
import io.gatekeep.localaws.SamTemplate;
import io.gatekeep.shared.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.jar.JarFile;

/**
 * Cold start of every function of template.yaml, each in a fresh JVM with the Lambda flags, from its
 * shaded jar ({@code functions/<f>/<target>/<f>.jar}, built by {@code ./mvnw package}): JVM boot, the
 * handler's init (public no-arg constructor: the Lambda path, configuration from system properties),
 * the first request against DynamoDB Local and the emulator (started once in this process), then the
 * best of a few repeats of the same request (what a warm instance takes). The baseline is
 * {@link HelloHandler} on only the Lambda core and events jars, measured in the same run, interleaved
 * round by round with the functions so that load on the machine falls on all of them alike.
 * Each jar's size is reported, and a jar that holds an Apache or Netty HTTP client fails its row.
 * Every function is started twice per round: as is, and with its SnapStart priming run in Init
 * ({@link #PRIMED}), so that its first request stands for a restored instance's.
 */
public final class ColdStart {
    public static final String HELLO = "hello (baseline)";
    public static final String SDK_FLOOR = "DynamoDB client only (floor)";
    public static final String SDK_FLOOR_EXPLICIT = "DynamoDB client only, region + credentials named";
    /** Entry prefixes of the HTTP clients the functions must not carry (the URL-connection client is the one). */
    public static final List<String> FORBIDDEN = List.of("org/apache/http/", "org/apache/hc/", "io/netty/",
            "software/amazon/awssdk/http/apache/", "software/amazon/awssdk/http/apache5/", "software/amazon/awssdk/http/nio/netty/");
    public static final long JAR_LIMIT_BYTES = 15L * 1024 * 1024;
    /** The name of a function's second row: the same cold start with its SnapStart priming run in Init. */
    public static final String PRIMED = " primed";

    /** One function to start: its jar, handler and first request (an HTTP call or a stream event). */
    public record Subject(String name, String handlerClass, List<Path> classpath, Path jar, int memoryMb, HttpCall call,
                          String streamEvent, String problem, Map<String, String> extraProperties, String expectedStatus,
                          boolean scheduled) {
        Subject(String name, String handlerClass, List<Path> classpath, Path jar, int memoryMb, HttpCall call, String streamEvent,
                String problem) {
            this(name, handlerClass, classpath, jar, memoryMb, call, streamEvent, problem, Map.of(), "200", false);
        }

        Subject(String name, String handlerClass, List<Path> classpath, Path jar, int memoryMb, HttpCall call, String streamEvent,
                String problem, Map<String, String> extraProperties) {
            this(name, handlerClass, classpath, jar, memoryMb, call, streamEvent, problem, extraProperties, "200", false);
        }

        public boolean baseline() {
            return jar == null;
        }

        /** The row with SnapStart priming run in Init, after the constructor (as Lambda runs it before its snapshot). */
        public boolean primed() {
            return "true".equals(extraProperties.get(ColdStartHarness.PRIME));
        }
    }

    public record Result(Subject subject, long jarBytes, List<String> forbidden, List<ChildJvm.Result> runs, String error) {
        /** The best run: on a shared machine noise only ever adds time, so the minimum is the steadiest estimate. */
        public double bestOf(java.util.function.ToDoubleFunction<ChildJvm.Result> f) {
            return runs.stream().mapToDouble(f).min().orElse(Double.NaN);
        }

        public double worstOf(java.util.function.ToDoubleFunction<ChildJvm.Result> f) {
            return runs.stream().mapToDouble(f).max().orElse(Double.NaN);
        }
    }

    private final BenchWorld world;
    private final Path root;
    private final String target;
    private final int runs;
    private final PrintStream console;
    private final java.util.Set<String> only;

    /** {@code only}: the template's logical ids to measure (hello and the SDK floors always run); empty = every function. */
    public ColdStart(BenchWorld world, Path root, String target, int runs, PrintStream console, java.util.Set<String> only) {
        this.world = world;
        this.root = root;
        this.target = target;
        this.runs = runs;
        this.console = console;
        this.only = only;
    }

    public List<Result> run(Path workDir) {
        ChildJvm jvm = new ChildJvm(workDir);
        List<Subject> subjects = subjects();
        Map<String, List<ChildJvm.Result>> results = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        subjects.forEach(s -> results.put(s.name(), new ArrayList<>()));
        for (int round = 1; round <= runs; round++) {
            for (Subject s : subjects) {
                if (s.problem() != null || errors.containsKey(s.name())) {
                    continue;
                }
                console.printf("  cold: round %d/%d %s%n", round, runs, s.name());
                console.flush();
                try {
                    Map<String, String> properties = new LinkedHashMap<>(systemProperties());
                    properties.putAll(s.extraProperties());
                    ChildJvm.Result r = jvm.run(s.classpath(), s.handlerClass(), spec(s), List.of(), properties, 120);
                    String problem = check(s, r);
                    if (problem != null) {
                        errors.put(s.name(), problem);
                        console.printf("  cold: %s failed: %s%n", s.name(), problem);
                    } else {
                        results.get(s.name()).add(r);
                    }
                } catch (ChildJvm.Failure e) {
                    errors.put(s.name(), e.getMessage());
                    console.printf("  cold: %s failed: %s%n", s.name(), e.getMessage()); // the table keeps its first line
                }
            }
        }
        List<Result> out = new ArrayList<>();
        for (Subject s : subjects) {
            long size = 0;
            List<String> forbidden = List.of();
            if (s.jar() != null && Files.exists(s.jar())) {
                try {
                    size = Files.size(s.jar());
                    forbidden = forbiddenEntries(s.jar());
                } catch (IOException e) {
                    errors.putIfAbsent(s.name(), "cannot read " + s.jar() + ": " + e);
                }
            }
            String error = s.problem() != null ? s.problem() : errors.get(s.name());
            out.add(new Result(s, size, forbidden, List.copyOf(results.get(s.name())), error));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static boolean scheduledFunction(SamTemplate.Function f) {
        var events = (Map<String, Object>) f.properties().getOrDefault("Events", Map.of());
        return events.values().stream().anyMatch(e -> e instanceof Map<?, ?> m && "Schedule".equals(m.get("Type")));
    }

    /** The HTTP client packages found in a jar (empty when clean). */
    public static List<String> forbiddenEntries(Path jar) throws IOException {
        TreeSet<String> found = new TreeSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            file.stream().forEach(e -> FORBIDDEN.stream().filter(p -> e.getName().startsWith(p)).forEach(found::add));
        }
        return List.copyOf(found);
    }

    private static String check(Subject s, ChildJvm.Result r) {
        if (s.primed() && !"true".equals(r.primeOk())) {
            return "priming did not run its success path: " + r.primeOk();
        }
        if (s.streamEvent() != null) {
            String report = r.streamOutput();
            if (report == null || Json.parse(report).has("error")) {
                return "the first request failed: " + report;
            }
            return null;
        }
        if (s.scheduled()) {
            String result = r.mapOutput();
            return result == null ? "the scheduled run returned nothing" : null;
        }
        if (s.expectedStatus().equals("<500")) {
            return r.status().startsWith("5") ? "the first (generic) request answered " + r.status() : null;
        }
        return r.status().equals(s.expectedStatus()) ? null
                : "the first request answered " + r.status() + ", not " + s.expectedStatus();
    }

    private Map<String, String> systemProperties() {
        Map<String, String> p = new LinkedHashMap<>(world.settings());
        p.put("aws.region", BenchWorld.REGION);
        p.put("aws.accessKeyId", "bench");
        p.put("aws.secretAccessKey", "bench");
        return p;
    }

    private Properties spec(Subject s) {
        Properties spec;
        if (s.scheduled()) {
            spec = new Properties();
            spec.setProperty("kind", "map");
            spec.setProperty("map.version", "0");
            spec.setProperty("map.id", java.util.UUID.randomUUID().toString());
            spec.setProperty("map.detail-type", "Scheduled Event");
            spec.setProperty("map.source", "aws.events");
            spec.setProperty("map.account", "000000000000");
            spec.setProperty("map.time", java.time.Instant.now().toString());
            spec.setProperty("map.region", BenchWorld.REGION);
        } else if (s.streamEvent() != null) {
            spec = new Properties();
            spec.setProperty("kind", "stream");
            spec.setProperty("body", s.streamEvent());
        } else {
            // a webhook body must be signed at most 3 minutes before it arrives, and a new one is a new event
            HttpCall call = s.name().startsWith("WebhooksFunction")
                    ? world.webhook(world.userCreated(world.directoryId(), world.nextId("directory_user"), world.nextInstant()))
                    : s.call();
            spec = call.spec();
        }
        spec.setProperty("function", s.name());
        spec.setProperty("memoryMb", Integer.toString(s.memoryMb()));
        spec.setProperty("timeoutMs", "60000");
        spec.setProperty("repeat", "10");
        return spec;
    }

    private List<Subject> subjects() {
        List<Subject> subjects = new ArrayList<>();
        List<Path> helloClasspath = List.of(ChildJvm.locationOf(Context.class), ChildJvm.locationOf(APIGatewayV2HTTPEvent.class));
        subjects.add(new Subject(HELLO, HelloHandler.class.getName(), helloClasspath, null, 1024, world.health(), null, null));
        // The same JVM, the AWS SDK's DynamoDB client built and one GetItem, nothing else: from identity-health's jar.
        Path floorJar = root.resolve("functions/identity-health").resolve(target).resolve("identity-health.jar");
        String noFloorJar = Files.exists(floorJar) ? null : "no jar at " + root.relativize(floorJar);
        subjects.add(new Subject(SDK_FLOOR, DynamoClientFloorHandler.class.getName(), List.of(floorJar), null, 1024, world.health(),
                null, noFloorJar));
        subjects.add(new Subject(SDK_FLOOR_EXPLICIT, DynamoClientFloorHandler.class.getName(), List.of(floorJar), null, 1024,
                world.health(), null, noFloorJar, Map.of(DynamoClientFloorHandler.EXPLICIT, "true")));
        SamTemplate template = SamTemplate.load(root.resolve("template.yaml"));
        Object globalMemory = template.globalsFunction().get("MemorySize");
        for (SamTemplate.Function f : template.functions()) {
            if (!only.isEmpty() && !only.contains(f.logicalId())) {
                continue;
            }
            String module = f.codeUri();
            String name = Path.of(module).getFileName().toString();
            Path jar = root.resolve(module).resolve(target).resolve(name + ".jar");
            Object memory = f.properties().getOrDefault("MemorySize", globalMemory);
            int memoryMb = memory instanceof Number n ? n.intValue() : 1024;
            String problem = Files.exists(jar) ? null : "no jar at " + root.relativize(jar) + " (bin/bench builds it: ./mvnw package)";
            HttpCall call = null;
            String stream = null;
            String expected = "200";
            boolean scheduled = false;
            switch (f.logicalId()) {
                case "PortalLinksFunction" -> {
                    call = world.portalLink("sso");
                    expected = "201";
                }
                case "OrgSettingsFunction" -> call = world.itContacts();
                case "WebhooksFunction" -> call = world.health(); // replaced by a freshly signed event per run
                case "IdentityHealthFunction" -> call = world.health();
                case "AuditEventsFunction" -> call = world.auditFirstPage();
                case "ProvidersFunction" -> call = world.providers();
                case "RoleMappingsFunction" -> call = world.roleMappings();
                case "DirectoryUsersFunction" -> call = world.directoryUsers();
                case "EntitlementsFunction" -> call = world.entitlements();
                case "OperatorFunction" -> stream = "{\"action\":\"onboard\",\"organizationId\":\"" + world.organizationId() + "\"}";
                default -> {
                    if (!f.routes().isEmpty()) {
                        // A function added since this list was written: its first route, answered anything but a 5xx.
                        call = world.generic(f.routes().get(0).method(), f.routes().get(0).path());
                        expected = "<500";
                    } else if (scheduledFunction(f)) {
                        scheduled = true;
                    } else {
                        problem = "no first request is defined for " + f.logicalId() + " (neither HTTP nor scheduled) in ColdStart";
                    }
                }
            }
            subjects.add(new Subject(f.logicalId(), f.handlerClass(), List.of(jar), jar, memoryMb, call, stream, problem, Map.of(),
                    expected, scheduled));
            subjects.add(new Subject(f.logicalId() + PRIMED, f.handlerClass(), List.of(jar), jar, memoryMb, call, stream, problem,
                    Map.of(ColdStartHarness.PRIME, "true"), expected, scheduled));
        }
        return subjects;
    }
}
