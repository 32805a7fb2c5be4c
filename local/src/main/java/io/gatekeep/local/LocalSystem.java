package io.gatekeep.local;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.gatekeep.emulator.DemoWorld;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.shared.config.Config;
import io.gatekeep.testkit.LocalDynamo;
import io.gatekeep.testkit.SamTemplate;
import io.gatekeep.testkit.SettableClock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The whole system on this machine: DynamoDB Local with the template's table, the WorkOS emulator with
 * its demo world, and {@link LocalApiGateway} serving the template's routes with the real handlers,
 * wired as in AWS (the emulator's webhooks reach {@code /webhooks/workos}, the functions reach the
 * emulator as WorkOS, tokens are checked against the emulator's JWKS).
 *
 * <p>State survives restarts in the data directory: DynamoDB Local's files, the emulator's signing key
 * (tokens stay valid), the local secrets, and what rebuilds the same demo world (the emulator keeps its
 * state in memory, so it is seeded again at each start with the same seed and seeding time, which gives
 * the same ids the projection already holds). On the first start the demo world's events are pushed,
 * signed, to the webhook route, so the projection learns it as it learns anything from WorkOS.
 */
public final class LocalSystem implements AutoCloseable {
    public static final String REGION = "us-east-1";
    public static final List<String> ROLES = List.of("owner", "admin", "member");
    /** The template's operator function: the runner reconciles the demo organizations with it after the first load. */
    public static final String OPERATOR_FUNCTION = "OperatorFunction";
    /** The data directory's file of the demo world's seed and the local secrets (webhookSecret, cursorKey). */
    public static final String RUNNER_PROPERTIES = "runner.properties";

    /** A dev token for one demo organization and role. */
    public record DevToken(String organizationName, String organizationId, String role, String sub, String email, String token) {}

    /** What happened to the demo world's events this start. */
    public record DemoLoad(boolean alreadyLoaded, int events, int accepted, Map<Integer, Integer> statuses, String note, long millis) {}

    /** What the operator's reconcile of one demo organization said after the first load. */
    public record Reconciled(String organizationName, String organizationId, boolean ok, String summary) {}

    private final LocalSettings settings;
    private final PrintStream console;
    private final List<AutoCloseable> running = new ArrayList<>();
    private LocalLogs logs;
    private LocalDynamo dynamo;
    private DynamoDbClient dynamoClient;
    private WorkOsEmulator emulator;
    private LocalApiGateway gateway;
    private LambdaFunctions functions;
    private RouteTable routes;
    private SamTemplate template;
    private DemoWorld demo;
    private DemoLoad demoLoad;
    private List<Reconciled> reconciled = List.of();
    private List<DevToken> tokens = List.of();
    private List<String> templateProblems = List.of();
    private String webhookSecret;
    private IamAuthorizer iamAuthorizer;
    private final List<String> warnings = new ArrayList<>();

    private LocalSystem(LocalSettings settings, PrintStream console) {
        this.settings = settings;
        this.console = console;
    }

    /** Starts everything; one line per API request goes to standard output. */
    public static LocalSystem start(LocalSettings settings) {
        return start(settings, System.out);
    }

    public static LocalSystem start(LocalSettings settings, PrintStream console) {
        LocalSystem system = new LocalSystem(settings, console);
        try {
            system.startAll();
            return system;
        } catch (RuntimeException | IOException e) {
            system.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new UncheckedIOException((IOException) e);
        }
    }

    private void startAll() throws IOException {
        Path data = settings.dataDir();
        if (settings.clean()) {
            clean(data);
        }
        Files.createDirectories(data.resolve("dynamodb"));
        Path propertiesFile = data.resolve(RUNNER_PROPERTIES);
        Properties state = load(propertiesFile);
        SecureRandom random = new SecureRandom();
        state.putIfAbsent("seed", Long.toString(random.nextLong()));
        state.putIfAbsent("seededAt", Long.toString(Instant.now().toEpochMilli()));
        state.putIfAbsent("webhookSecret", "whsec_local_" + hex(random, 24));
        state.putIfAbsent("cursorKey", hex(random, 32));
        state.putIfAbsent("backOfficeAccessKeyId", "AKIALOCAL" + hex(random, 6).toUpperCase(java.util.Locale.ROOT));
        state.putIfAbsent("backOfficeSecretAccessKey", hex(random, 20));
        save(propertiesFile, state);
        webhookSecret = state.getProperty("webhookSecret");
        iamAuthorizer = new IamAuthorizer(new IamAuthorizer.Credentials(state.getProperty("backOfficeAccessKeyId"),
                state.getProperty("backOfficeSecretAccessKey")), REGION, Clock.systemUTC());

        // 1. DynamoDB Local, with the template's table; its own log lines go to a file of the data directory.
        logs = LocalLogs.start(data);
        running.add(logs);
        template = SamTemplate.load(settings.projectRoot().resolve("template.yaml"));
        dynamo = started("DynamoDB Local", "DYNAMODB_PORT", settings.dynamoPort(),
                () -> LocalDynamo.start(data.resolve("dynamodb"), settings.dynamoPort()));
        running.add(dynamo);
        dynamo.createTable(settings.tableName());
        dynamoClient = dynamo.client();
        running.add(dynamoClient);

        // 2. The WorkOS emulator: the same demo world (same ids) at every start of this data directory.
        Path keyFile = data.resolve("emulator-key.json");
        createSigningKey(keyFile);
        // Stands still at the demo world's seeding time while it is seeded, then runs with the wall clock.
        SettableClock clock = new SettableClock(Instant.ofEpochMilli(Long.parseLong(state.getProperty("seededAt"))));
        emulator = started("the WorkOS emulator", "EMULATOR_PORT", settings.emulatorPort(), () -> WorkOsEmulator.builder()
                .port(settings.emulatorPort())
                .bindAddress(LocalSettings.HOST)
                .keyFile(keyFile)
                .seed(Long.parseLong(state.getProperty("seed")))
                .clock(clock)
                .start());
        running.add(emulator);
        demo = emulator.control().seedDemoWorld();
        clock.release();
        String known = state.getProperty("acmeOrganizationId");
        if (known == null) {
            state.setProperty("acmeOrganizationId", demo.acmeOrganizationId());
            save(propertiesFile, state);
        } else if (!known.equals(demo.acmeOrganizationId())) {
            warnings.add("the emulator's demo world did not come back with the ids the table holds (" + known + " vs "
                    + demo.acmeOrganizationId() + "): start with --clean to rebuild both");
        }

        // 3. The functions of template.yaml, with the environment the template gives them.
        templateProblems = TemplateCheck.problems(settings.projectRoot().resolve("template.yaml"), settings.projectRoot());
        var environment = new FunctionEnvironment(parameters(), Map.of(template.tableLogicalId(), settings.tableName(),
                "NoticeBus", "gatekeep-local-identity-notices"),
                Map.of("WORKOS_API_KEY", emulator.apiKey(),
                        "WORKOS_WEBHOOK_SECRET", webhookSecret,
                        "CURSOR_KEY", state.getProperty("cursorKey")),
                runtime());
        functions = LambdaFunctions.deploy(template, environment, dynamoClient, Clock.systemUTC());
        warnings.addAll(functions.warnings());
        routes = new RouteTable(template);
        var authorizer = new JwtAuthorizer(new URL(emulator.jwksUrl()), emulator.issuer(), List.of(emulator.clientId()),
                Clock.systemUTC());

        // 4. API Gateway on loopback, then the emulator's webhooks pointed at it.
        gateway = started("the HTTP API", "GATEKEEP_PORT", settings.apiPort(), () -> {
            try {
                return new LocalApiGateway(LocalSettings.HOST, settings.apiPort(), routes, functions, authorizer, Clock.systemUTC(), console);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        running.add(gateway);
        gateway.iamAuthorizer(iamAuthorizer); // AWS_IAM routes: SigV4 with the local back office's key
        gateway.serveUnrouted(new LocalWeb(settings.projectRoot().resolve("web"), demoOrganizations(), emulator.control())); // web/ at "/"
        gateway.start();
        emulator.control().registerWebhook(webhookUrl().toString(), webhookSecret);

        // 5. First start: the projection learns the demo world from its (signed) events, then from a reconcile.
        //    The console shows the outcome in the banner, not two log lines per pushed event.
        if (Boolean.parseBoolean(state.getProperty("demoLoaded", "false"))) {
            demoLoad = new DemoLoad(true, emulator.control().events().size(), 0, Map.of(), "already in the table", 0);
        } else {
            gateway.logRequests(false);
            try {
                demoLoad = logs.quietly(() -> pushDemoEvents(emulator.control().events()));
            } finally {
                gateway.logRequests(true);
            }
            if (demoLoad.accepted() == demoLoad.events() && demoLoad.events() > 0) {
                state.setProperty("demoLoaded", "true");
                save(propertiesFile, state);
            }
        }
        if (Boolean.parseBoolean(state.getProperty("demoLoaded", "false"))
                && !Boolean.parseBoolean(state.getProperty("demoReconciled", "false"))) {
            reconciled = logs.quietly(this::reconcileDemo);
            if (reconciled.stream().allMatch(Reconciled::ok)) {
                state.setProperty("demoReconciled", "true");
                save(propertiesFile, state);
            }
        }

        // 6. Dev tokens for every demo organization and role.
        List<DevToken> list = new ArrayList<>();
        for (var org : demoOrganizations().entrySet()) {
            for (String role : ROLES) {
                list.add(devToken(emulator.control(), org.getKey(), org.getValue(), role, settings.tokenHours() * 3600L));
            }
        }
        tokens = List.copyOf(list);
    }

    /** A dev token of the demo world ({@code sub user_<org>_<role>}, {@code email <role>@<org>.com}), from the emulator. */
    static DevToken devToken(EmulatorControl emulator, String organizationName, String organizationId, String role, long ttlSeconds) {
        String slug = organizationName.toLowerCase(Locale.ROOT);
        String sub = "user_" + slug + "_" + role;
        String email = role + "@" + slug + ".com";
        return new DevToken(organizationName, organizationId, role, sub, email,
                emulator.issueToken(sub, organizationId, role, email, ttlSeconds));
    }

    /** The template's parameters, as they are set locally. */
    private Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("JwtIssuer", emulator.issuer());
        p.put("JwtAudience", emulator.clientId());
        p.put("WorkOsClientId", emulator.clientId());
        p.put("WorkOsApiBaseUrl", emulator.baseUrl());
        p.put("PortalRedirectAllowedHosts", settings.portalRedirectAllowedHosts());
        p.put("LogLevel", settings.logLevel());
        p.put("AlarmEmail", "");
        p.put("NoticeEmailEnabled", "false"); // startNotices turns it on with moto's SES
        p.put("NoticeEmailSender", "");
        p.put("SsoFailureThreshold", "5");
        return p;
    }

    /** What the Lambda runtime and this machine add to every function's environment. */
    private Map<String, String> runtime() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("AWS_REGION", REGION);
        r.put(Config.AWS_ENDPOINT_URL_DYNAMODB, dynamo.endpoint().toString());
        r.put(Config.WORKOS_MAX_RETRIES, String.valueOf(settings.workosMaxRetries()));
        r.put(Config.WORKOS_TIMEOUT_MS, String.valueOf(settings.workosTimeoutMs()));
        return r;
    }

    /**
     * What an operator does after onboarding: reconcile each demo organization with WorkOS. No webhook
     * announces a connection that is still a draft (Globex's), so only a reconcile brings it into the
     * table; for the rest it finds everything unchanged.
     */
    private List<Reconciled> reconcileDemo() {
        var operator = functions.get(OPERATOR_FUNCTION).filter(LambdaFunctions.Deployed::available);
        Map<String, String> orgs = demoOrganizations();
        List<Reconciled> results = new ArrayList<>();
        for (var org : orgs.entrySet()) {
            if (operator.isEmpty()) {
                results.add(new Reconciled(org.getKey(), org.getValue(), false, OPERATOR_FUNCTION + " is not available"));
                continue;
            }
            String event = io.gatekeep.shared.Json.write(Map.of("action", "reconcile", "organizationId", org.getValue()));
            try {
                if (org.getKey().equals("Acme") || org.getKey().equals("Globex")) {
                    // Acme is the "fully set up" demo: its IT contact and a plan with SSO and Directory Sync, kept
                    // by the product (not WorkOS), set the way an operator onboards an existing organization.
                    // Globex's plan has SSO only (its Directory Sync section shows the account-manager note);
                    // Initech's has nothing yet.
                    boolean acme = org.getKey().equals("Acme");
                    Map<String, Object> fields = new LinkedHashMap<>(Map.of("action", "onboard", "organizationId", org.getValue(),
                            "sso", true, "directorySync", acme, "actor", "local runner"));
                    if (acme) {
                        fields.put("itContacts", List.of("it@acme.com"));
                    }
                    String onboard = io.gatekeep.shared.Json.write(fields);
                    var onboarded = io.gatekeep.shared.Json.parse(new String(
                            functions.invokeJson(operator.get(), onboard.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
                    if (onboarded.has("error")) {
                        results.add(new Reconciled(org.getKey(), org.getValue(), false,
                                "onboard " + onboarded.path("error").asText() + ": " + onboarded.path("message").asText("")));
                        continue;
                    }
                }
                var report = io.gatekeep.shared.Json.parse(new String(
                        functions.invokeJson(operator.get(), event.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
                boolean ok = !report.has("error") && report.path("complete").asBoolean(true);
                String summary = ok
                        ? report.path("created").asInt() + " created, " + report.path("updated").asInt() + " updated, "
                          + report.path("deleted").asInt() + " deleted, " + report.path("unchanged").asInt() + " unchanged"
                        : report.path("error").asText("incomplete") + ": " + report.path("message").asText("");
                results.add(new Reconciled(org.getKey(), org.getValue(), ok, summary));
            } catch (LambdaFunctions.FunctionError | IllegalArgumentException e) {
                results.add(new Reconciled(org.getKey(), org.getValue(), false, e.getMessage()));
            }
        }
        return List.copyOf(results);
    }

    private Map<String, String> demoOrganizations() {
        Map<String, String> orgs = new LinkedHashMap<>();
        orgs.put("Acme", demo.acmeOrganizationId());
        orgs.put("Globex", demo.globexOrganizationId());
        orgs.put("Initech", demo.initechOrganizationId());
        return orgs;
    }

    /** Each stored event, exactly as the emulator delivers it: the same body, signed with the endpoint's secret. */
    private DemoLoad pushDemoEvents(List<StoredEvent> events) {
        var webhooks = functions.all().stream()
                .filter(f -> f.function().routes().stream().anyMatch(r -> r.path().equals(TemplateCheck.WEBHOOK_PATH)))
                .findFirst();
        if (webhooks.isEmpty() || !webhooks.get().available()) {
            return new DemoLoad(false, events.size(), 0, Map.of(),
                    "not loaded: the webhook function is not available yet; it will be loaded at the next start", 0);
        }
        long started = System.nanoTime();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, Integer> statuses = new TreeMap<>();
        int accepted = 0;
        for (StoredEvent event : events.stream().sorted(Comparator.comparing(StoredEvent::createdAt)).toList()) {
            long t = System.currentTimeMillis();
            int status;
            try {
                status = http.send(HttpRequest.newBuilder(webhookUrl())
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .header("User-Agent", "Gatekeep-Local-Runner")
                                .header("WorkOS-Signature", "t=" + t + ", v1=" + hmac(t + "." + event.json(), webhookSecret))
                                .POST(HttpRequest.BodyPublishers.ofString(event.json(), StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = -1;
            }
            statuses.merge(status, 1, Integer::sum);
            if (status >= 200 && status < 300) {
                accepted++;
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        String note = accepted == events.size()
                ? "pushed as signed webhooks and loaded into the table in " + String.format(Locale.ROOT, "%.1f s", millis / 1000.0)
                : "partly loaded (" + accepted + " of " + events.size() + " accepted, statuses " + statuses
                  + "); all are pushed again at the next start";
        return new DemoLoad(false, events.size(), accepted, statuses, note, millis);
    }

    /**
     * Runs the notices function as Lambda would (the table's stream, its schedule) against moto's
     * EventBridge and SES when moto is installed, printing each notice: {@code bin/run-local} does this;
     * the in-process tests leave it off so that nothing writes behind their backs.
     */
    public void startNotices(PrintStream out) {
        functions.get(LocalNotices.FUNCTION).filter(LambdaFunctions.Deployed::available).ifPresent(f ->
                running.add(LocalNotices.start(dynamo, dynamoClient, settings.tableName(), f, out)));
    }

    public URI apiUrl() {
        return gateway.baseUrl();
    }

    public URI webhookUrl() {
        return gateway.baseUrl().resolve(TemplateCheck.WEBHOOK_PATH);
    }

    public WorkOsEmulator emulator() {
        return emulator;
    }

    public LocalDynamo dynamo() {
        return dynamo;
    }

    public DynamoDbClient dynamoClient() {
        return dynamoClient;
    }

    public String tableName() {
        return settings.tableName();
    }

    public DemoWorld demo() {
        return demo;
    }

    public DemoLoad demoLoad() {
        return demoLoad;
    }

    public List<Reconciled> reconciled() {
        return reconciled;
    }

    public List<DevToken> tokens() {
        return tokens;
    }

    public DevToken token(String organizationName, String role) {
        return tokens.stream().filter(t -> t.organizationName().equals(organizationName) && t.role().equals(role))
                .findFirst().orElseThrow();
    }

    public LambdaFunctions functions() {
        return functions;
    }

    public RouteTable routes() {
        return routes;
    }

    public List<String> templateProblems() {
        return templateProblems;
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public LocalSettings settings() {
        return settings;
    }

    /**
     * The local back office's IAM key (kept in the data directory's runner.properties): the AWS_IAM
     * routes admit requests SigV4-signed with it, as API Gateway admits the vendor's IAM principals.
     */
    public IamAuthorizer.Credentials backOfficeCredentials() {
        return iamAuthorizer.credentials();
    }

    /** Prints where everything is, the demo world, a dev token per organization and role, and a first call. */
    public void printBanner(PrintStream out) {
        out.println();
        out.println("Gatekeep runs locally. Ctrl-C stops everything.");
        out.println();
        out.printf("  HTTP API         %s   (template.yaml's routes; bearer tokens checked like API Gateway's JWT authorizer)%n", apiUrl());
        out.printf("  Dashboard page   %s/   (web/: Identity integrations, with a demo sign-in per organization and role;%n", apiUrl());
        out.printf("                   %s/?org=Globex&role=member opens it on an organization and role)%n", apiUrl());
        out.printf("  WorkOS emulator  %s   (open it in a browser; API key %s, client id %s)%n", emulator.baseUrl(),
                emulator.apiKey(), emulator.clientId());
        out.printf("  JWT issuer       %s   JWKS %s   audience %s%n", emulator.issuer(), emulator.jwksUrl(), emulator.clientId());
        out.printf("  DynamoDB Local   %s   table %s (region %s, any credentials)%n", dynamo.endpoint(), tableName(), REGION);
        out.printf("  Webhooks         emulator -> %s (signed with the local secret: webhookSecret in %s)%n", webhookUrl(),
                settings.dataDir().resolve(RUNNER_PROPERTIES));
        out.printf("  Data             %s (kept between runs; --clean or GATEKEEP_CLEAN=1 starts over)%n", settings.dataDir());
        out.printf("  Logs             DynamoDB Local's in %s; the functions' here%n", logs.dynamoLog());
        out.printf("  Back office      AWS_IAM routes take SigV4 (service %s, region %s) with access key %s;%n"
                        + "                   its secret is backOfficeSecretAccessKey in %s%n", IamAuthorizer.SERVICE, REGION,
                iamAuthorizer.credentials().accessKeyId(), settings.dataDir().resolve(RUNNER_PROPERTIES));
        out.println();
        out.println("Routes:");
        for (var entry : routes.entries()) {
            var f = functions.get(entry.function().logicalId()).orElseThrow();
            out.printf("  %-7s %-52s %s%s%n", entry.route().method(), entry.route().path(), f.name(),
                    switch (entry.route().auth()) {
                        case JWT -> "";
                        case AWS_IAM -> " (AWS_IAM: SigV4 with the back-office key)";
                        case NONE -> " (no JWT)";
                    } + (f.available() ? "" : "  [501: not available]"));
        }
        for (var f : functions.all()) {
            if (f.function().routes().isEmpty()) {
                out.printf("  %-7s %-52s %s%s%n", "POST", LocalApiGateway.INVOKE_PREFIX + f.name(), f.name(),
                        " (JSON event, like a console invoke)" + (f.available() ? "" : "  [501: not available]"));
            }
        }
        var unavailable = functions.all().stream().filter(f -> !f.available()).toList();
        if (!unavailable.isEmpty()) {
            out.println();
            out.println("Not available (their routes answer 501 not_implemented):");
            unavailable.forEach(f -> out.printf("  %s: %s%n", f.name(), f.unavailableReason()));
        }
        if (!warnings.isEmpty() || !templateProblems.isEmpty()) {
            out.println();
            out.println("Warnings:");
            warnings.forEach(w -> out.println("  " + w));
            templateProblems.forEach(p -> out.println("  template.yaml: " + p));
        }
        out.println();
        out.printf("Demo world (%d WorkOS events, %s):%n", demoLoad.events(), demoLoad.note());
        out.printf("  Acme     %s  verified acme.com, active Okta SAML connection, linked SCIM directory (200 users)%n",
                demo.acmeOrganizationId());
        out.printf("  Globex   %s  pending globex.com, draft Entra ID connection (plan: SSO, no Directory Sync)%n",
                demo.globexOrganizationId());
        out.printf("  Initech  %s  nothing set up yet (no plan: the vendor's back office or an operator's set-plan sets it)%n",
                demo.initechOrganizationId());
        for (Reconciled r : reconciled) {
            out.printf("  reconciled %-8s %s%s%n", r.organizationName(), r.ok() ? "" : "FAILED: ", r.summary());
        }
        out.println();
        out.printf("Dev tokens (valid %d h; sub user_<org>_<role>, email <role>@<org>.com):%n", settings.tokenHours());
        for (DevToken t : tokens) {
            out.printf("  %-8s %-7s %s%n", t.organizationName(), t.role(), t.token());
        }
        out.println();
        out.println("First call (paste into a shell; the README's walk-through goes on from these variables):");
        out.printf("  API=%s EMU=%s ORG=%s%n", apiUrl(), emulator.baseUrl(), demo.acmeOrganizationId());
        out.printf("  TOKEN=%s%n", token("Acme", "admin").token());
        out.println("  curl -s -H \"Authorization: Bearer $TOKEN\" $API/organizations/$ORG/identity-health");
        out.println();
        out.flush();
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception ignored) {
                // shutting down: nothing left to do
            }
        }
        running.clear();
    }

    // ---- helpers ----

    private interface Starter<T> {
        T start();
    }

    private static <T> T started(String what, String portVariable, int port, Starter<T> starter) {
        try {
            return starter.start();
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof BindException) {
                    throw new IllegalStateException("cannot start " + what + ": port " + port + " on " + LocalSettings.HOST
                            + " is in use. Stop what uses it or set " + portVariable + " to another port.", e);
                }
            }
            throw new IllegalStateException("cannot start " + what + ": " + e.getMessage(), e);
        }
    }

    /** Deletes what the runner keeps in the data directory, and nothing else. */
    static void clean(Path data) throws IOException {
        for (String name : List.of("dynamodb", RUNNER_PROPERTIES, "emulator-key.json", LocalLogs.DYNAMODB_LOG)) {
            Path p = data.resolve(name);
            if (Files.isDirectory(p)) {
                try (var walk = Files.walk(p)) {
                    for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            } else {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The emulator makes its signing key on first use and then draws ids from the seeded random
     * source; making the key here (when missing) keeps that draw out of the emulator, so the same seed
     * gives the same ids at every start.
     */
    private static void createSigningKey(Path keyFile) throws IOException {
        if (Files.exists(keyFile)) {
            return;
        }
        try {
            var key = new RSAKeyGenerator(2048)
                    .keyID("key_local_" + hex(new SecureRandom(), 8))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
            Files.writeString(keyFile, key.toJSONString(), StandardCharsets.UTF_8);
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException("cannot make the token signing key", e);
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }

    private static void save(Path file, Properties p) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Gatekeep local runner: local secrets and the demo world's seed (delete the directory to start over)");
        }
    }

    private static String hex(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String hmac(String payload, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
