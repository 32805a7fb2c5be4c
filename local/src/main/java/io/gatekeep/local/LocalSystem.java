package io.gatekeep.local;

import io.gatekeep.emulator.DemoWorld;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.localaws.SamTemplate;
import io.gatekeep.localaws.SettableClock;
import io.gatekeep.shared.config.Config;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system on this machine: DynamoDB Local with the template's table, the WorkOS emulator with
 * its demo world, and {@link LocalApiGateway} serving the template's routes with the real handlers,
 * wired as in AWS (the emulator's webhooks reach {@code /webhooks/workos}, the functions reach the
 * emulator as WorkOS, tokens are checked against the emulator's JWKS).
 *
 * <p>State survives restarts in the data directory: DynamoDB Local's files, the emulator's signing key
 * (tokens stay valid), the local secrets, and what rebuilds the same demo world (the emulator keeps its
 * state in memory, so it is seeded again at each start with the same seed and seeding time, which gives
 * the same ids the projection already holds: {@link RunnerState}). On the first start the demo world's
 * events are pushed, signed, to the webhook route, so the projection learns it as it learns anything from
 * WorkOS, then each demo organization is reconciled ({@link DemoBootstrap}). {@link #printBanner}: {@link LocalBanner}.
 */
public final class LocalSystem implements AutoCloseable {
    public static final String REGION = "us-east-1";
    public static final List<String> ROLES = List.of("owner", "admin", "member");
    /** The template's operator function: the runner reconciles the demo organizations with it after the first load. */
    public static final String OPERATOR_FUNCTION = "OperatorFunction";

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
            RunnerState.clean(data);
        }
        Files.createDirectories(data.resolve("dynamodb"));
        RunnerState state = RunnerState.open(data);
        webhookSecret = state.webhookSecret();
        iamAuthorizer = new IamAuthorizer(state.backOfficeKey(), REGION, Clock.systemUTC());

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
        Path keyFile = RunnerState.signingKey(data);
        // Stands still at the demo world's seeding time while it is seeded, then runs with the wall clock.
        SettableClock clock = new SettableClock(state.seededAt());
        emulator = started("the WorkOS emulator", "EMULATOR_PORT", settings.emulatorPort(), () -> WorkOsEmulator.builder()
                .port(settings.emulatorPort())
                .bindAddress(LocalSettings.HOST)
                .keyFile(keyFile)
                .seed(state.seed())
                .clock(clock)
                .start());
        running.add(emulator);
        demo = emulator.control().seedDemoWorld();
        clock.release();
        String known = state.acmeOrganizationId();
        if (known == null) {
            state.acmeOrganizationId(demo.acmeOrganizationId());
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
                        "CURSOR_KEY", state.cursorKey()),
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
        gateway.serveUnrouted(new LocalWeb(settings.projectRoot().resolve("web"), DemoBootstrap.organizations(demo),
                emulator.control())); // web/ at "/"
        gateway.start();
        emulator.control().registerWebhook(webhookUrl().toString(), webhookSecret);

        // 5. First start: the projection learns the demo world from its (signed) events, then from a reconcile.
        //    The console shows the outcome in the banner, not two log lines per pushed event.
        DemoBootstrap bootstrap = new DemoBootstrap(functions, demo);
        if (state.flag("demoLoaded")) {
            demoLoad = new DemoLoad(true, emulator.control().events().size(), 0, Map.of(), "already in the table", 0);
        } else {
            gateway.logRequests(false);
            try {
                demoLoad = logs.quietly(() -> bootstrap.pushEvents(emulator.control().events(), webhookUrl(), webhookSecret));
            } finally {
                gateway.logRequests(true);
            }
            if (demoLoad.accepted() == demoLoad.events() && demoLoad.events() > 0) {
                state.setFlag("demoLoaded");
            }
        }
        if (state.flag("demoLoaded") && !state.flag("demoReconciled")) {
            reconciled = logs.quietly(bootstrap::reconcile);
            if (reconciled.stream().allMatch(Reconciled::ok)) {
                state.setFlag("demoReconciled");
            }
        }

        // 6. Dev tokens for every demo organization and role.
        List<DevToken> list = new ArrayList<>();
        for (var org : DemoBootstrap.organizations(demo).entrySet()) {
            for (String role : ROLES) {
                list.add(DemoBootstrap.devToken(emulator.control(), org.getKey(), org.getValue(), role, settings.tokenHours() * 3600L));
            }
        }
        tokens = List.copyOf(list);
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
        p.put("NoticeEmailEnabled", "false"); // startNotices turns it on with the emulator's SES
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
     * Runs the notices function as Lambda would (the table's stream, its schedule) against the EventBridge
     * and SES of the AWS endpoint the settings name (LocalStack), else of moto started here when it is
     * installed, printing each notice: {@code bin/run-local} does this;
     * the in-process tests leave it off so that nothing writes behind their backs.
     */
    public void startNotices(PrintStream out) {
        functions.get(LocalNotices.FUNCTION).filter(LambdaFunctions.Deployed::available).ifPresent(f ->
                running.add(LocalNotices.start(dynamo, dynamoClient, settings.tableName(), f, settings.awsEndpoints(), out)));
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

    LocalLogs logs() {
        return logs;
    }

    /**
     * The local back office's IAM key (kept in the data directory's runner.properties): the AWS_IAM
     * routes admit requests SigV4-signed with it, as API Gateway admits the vendor's IAM principals.
     */
    public IamAuthorizer.Credentials backOfficeCredentials() {
        return iamAuthorizer.credentials();
    }

    /** Prints where everything is, the demo world, a dev token per organization and role, and a first call ({@link LocalBanner}). */
    public void printBanner(PrintStream out) {
        LocalBanner.print(this, out);
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
}
