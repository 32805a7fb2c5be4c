package io.gatekeep.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.auditevents.AuditEventsHandler;
import io.gatekeep.identityhealth.IdentityHealthHandler;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.orgsettings.OrgSettingsHandler;
import io.gatekeep.portallinks.PortalLinksHandler;
import io.gatekeep.providers.ProvidersHandler;
import io.gatekeep.shared.Json;
import io.gatekeep.webhooks.WebhookHandler;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Warm latency: each HTTP handler in-process (one instance, one request at a time, as a warm Lambda
 * instance serves them), a warm-up, then {@code n} measured requests. Per request: the total time in
 * {@code handleRequest}, the DynamoDB time ({@link DynamoTimer}: on the wire, DynamoDB Local included)
 * and the difference, the handler's own overhead (its code, the SDK's marshalling and signing, its log
 * line). Logging stays on (its cost is real) but goes to a discarding stream.
 */
public final class WarmLatency {
    public record Result(String function, String request, int requests, Stats total, Stats dynamo, Stats own,
                         double dynamoCallsPerRequest, long gcCount, long gcMillis, String note) {}

    /** Collections and their total time in this JVM so far (SerialGC: every one stops the handler). */
    static long[] gc() {
        long count = 0;
        long millis = 0;
        for (var bean : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[]{count, millis};
    }

    private final BenchWorld world;
    private final int requests;
    private final int portalRequests;
    private final PrintStream console;

    public WarmLatency(BenchWorld world, int requests, int portalRequests, PrintStream console) {
        this.world = world;
        this.requests = requests;
        this.portalRequests = portalRequests;
        this.console = console;
    }

    public List<Result> run() {
        DynamoTimer timer = new DynamoTimer();
        List<Result> results = new ArrayList<>();
        try (DynamoDbClient client = world.client(timer)) {
            Clock clock = Clock.systemUTC();
            HttpCall health = world.health();
            results.add(measure("identity-health", "GET identity-health", new IdentityHealthHandler(world.config(), client, clock),
                    () -> health, 200, requests, timer, ""));

            var audit = new AuditEventsHandler(world.config(), client, clock);
            HttpCall first = world.auditFirstPage();
            results.add(measure("audit-events", "GET audit-events (first page)", audit, () -> first, 200, requests, timer,
                    "GetItem + Query"));
            String cursor = Json.text(Json.parse(audit.handleRequest(first.event(), LocalContext.of("bench")).getBody()), "nextCursor");
            HttpCall later = first.withQuery("cursor", cursor);
            results.add(measure("audit-events", "GET audit-events (later page)", audit, () -> later, 200, requests, timer,
                    "one Query"));

            HttpCall itContacts = world.itContacts();
            results.add(measure("org-settings", "PUT it-contacts", new OrgSettingsHandler(world.config(), client, clock),
                    () -> itContacts, 200, requests, timer, "one TransactWriteItems"));

            HttpCall providers = world.providers();
            results.add(measure("providers", "GET providers", new ProvidersHandler(world.config(), client, clock),
                    () -> providers, 200, requests, timer, "no DynamoDB"));

            var webhooks = new WebhookHandler(world.config(), client, clock);
            String directory = world.directoryId();
            results.add(measure("webhooks", "POST webhooks/workos (dsync.user.created)", webhooks,
                    () -> world.webhook(world.userCreated(directory, world.nextId("directory_user"), world.nextInstant())),
                    200, requests, timer, "a new user each time: one TransactWriteItems; HMAC check included"));

            HttpCall link = world.portalLink("sso");
            results.add(measure("portal-links", "POST portal-links (sso)", new PortalLinksHandler(world.config(), client, clock),
                    () -> link, 201, portalRequests, timer,
                    "own overhead here includes the WorkOS (emulator) call over loopback: see the raw emulator row"));
            results.add(rawEmulator(portalRequests));
        }
        return results;
    }

    private Result measure(String function, String request, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
                           Supplier<HttpCall> calls, int expectedStatus, int n, DynamoTimer timer, String note) {
        console.printf("  warm: %-45s %,d requests (+%,d warm-up)%n", request, n, warmup(n));
        console.flush();
        PrintStream realOut = System.out;
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        long[] total = new long[n];
        long[] dynamo = new long[n];
        long[] own = new long[n];
        long dynamoCalls = 0;
        System.setOut(discard); // the handlers' JSON log lines: still formatted and written, not shown
        long[] gcBefore = null;
        try {
            for (int i = -warmup(n); i < n; i++) {
                APIGatewayV2HTTPEvent event = calls.get().event();
                LocalContext context = LocalContext.of(function);
                timer.reset();
                long started = System.nanoTime();
                APIGatewayV2HTTPResponse response = handler.handleRequest(event, context);
                long elapsed = System.nanoTime() - started;
                if (response.getStatusCode() != expectedStatus) {
                    throw new IllegalStateException(request + ": expected " + expectedStatus + ", got " + response.getStatusCode());
                }
                if (i == 0) {
                    gcBefore = gc();
                }
                if (i >= 0) {
                    total[i] = elapsed;
                    dynamo[i] = timer.nanos();
                    own[i] = elapsed - timer.nanos();
                    dynamoCalls += timer.requests();
                }
            }
        } finally {
            System.setOut(realOut);
        }
        long[] gcAfter = gc();
        return new Result(function, request, n, Stats.ofNanos(total), Stats.ofNanos(dynamo), Stats.ofNanos(own),
                (double) dynamoCalls / n, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1], note);
    }

    private static int warmup(int n) {
        return Math.max(200, n / 5);
    }

    /** The same generate_link call the handler makes, straight to the emulator: what WorkOS's side costs here. */
    private Result rawEmulator(int n) {
        console.printf("  warm: %-45s %,d requests (+%,d warm-up)%n", "raw emulator POST /portal/generate_link", n, warmup(n));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String body = "{\"organization\":\"" + world.organizationId() + "\",\"intent\":\"sso\",\"it_contact_emails\":[\"it@benchco.example\"]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(world.emulator().baseUrl() + "/portal/generate_link"))
                .header("Authorization", "Bearer " + world.emulator().apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long[] total = new long[n];
        try {
            for (int i = -warmup(n); i < n; i++) {
                long started = System.nanoTime();
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                long elapsed = System.nanoTime() - started;
                if (status != 201 && status != 200) {
                    throw new IllegalStateException("the emulator answered " + status);
                }
                if (i >= 0) {
                    total[i] = elapsed;
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot reach the emulator", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Stats stats = Stats.ofNanos(total);
        return new Result("(emulator)", "raw POST /portal/generate_link (java.net.http)", n, stats, Stats.ofNanos(new long[0]),
                stats, 0, 0, 0, "no handler: the WorkOS side of a portal link, for comparison");
    }
}
