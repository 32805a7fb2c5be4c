package io.gatekeep.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.auditevents.AuditEventsHandler;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.identityhealth.IdentityHealthHandler;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.MotoServer;
import io.gatekeep.localaws.NoticeSinks;
import io.gatekeep.notices.NoticesHandler;
import io.gatekeep.operator.RefreshHandler;
import io.gatekeep.operator.SweepHandler;
import io.gatekeep.orgsettings.OrgSettingsHandler;
import io.gatekeep.portallinks.PortalLinksHandler;
import io.gatekeep.providers.ProvidersHandler;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ConflictFaithfulDynamo;
import io.gatekeep.testsupport.RequestCounter;
import io.gatekeep.webhooks.WebhookHandler;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DynamoDB requests per API operation (and per notice of the notices function), counted with {@link RequestCounter} on the handler's own client,
 * one operation at a time. The same figures are a test in the normal suite (RequestBudgetTest), which
 * fails when an operation makes more requests than its budget.
 */
public final class RequestCounts {
    /** One operation: the requests it made (operation names in order) against its budget. */
    public record Count(String operation, int requests, List<String> calls, int min, int budget, String note) {
        public boolean withinBudget() {
            return requests >= min && requests <= budget;
        }
    }

    private final BenchWorld world;
    private final RequestCounter counter = new RequestCounter();
    private final DynamoDbClient client;
    private final List<Count> counts = new ArrayList<>();

    private RequestCounts(BenchWorld world) {
        this.world = world;
        this.client = world.client(counter);
    }

    public static List<Count> measure(BenchWorld world) {
        RequestCounts m = new RequestCounts(world);
        try {
            m.run();
        } finally {
            m.client.close();
        }
        return List.copyOf(m.counts);
    }

    private void run() {
        Clock clock = Clock.systemUTC();
        var health = new IdentityHealthHandler(world.config(), client, clock);
        var audit = new AuditEventsHandler(world.config(), client, clock);
        var settings = new OrgSettingsHandler(world.config(), client, clock);
        var portal = new PortalLinksHandler(world.config(), client, clock);
        var providers = new ProvidersHandler(world.config(), client, clock);
        var webhooks = new WebhookHandler(world.config(), client, clock);

        count("identity health", health, world.health(), 200, 1, 1, "one Query of the organization partition");
        String cursor = Json.text(Json.parse(count("audit log, first page", audit, world.auditFirstPage(), 200, 2, 2,
                "GetItem (the organization exists and is not deleted) + Query, by design: see AuditEventsHandler")), "nextCursor");
        if (cursor == null) {
            throw new IllegalStateException("the bench organization's audit log has a single page: no cursor to follow");
        }
        count("audit log, later page", audit, world.auditFirstPage().withQuery("cursor", cursor), 200, 1, 1,
                "one Query: the signed cursor proves the organization");
        count("settings: PUT it-contacts", settings, world.itContacts(), 200, 1, 1, "one TransactWriteItems (item + audit entry)");
        count("portal link issued", portal, world.portalLink("sso"), 201, 2, 2, "Query (gates) + PutItem (audit entry)");
        count("providers", providers, world.providers(), 200, 0, 0, "a resource file; no table");

        String dir = world.directoryId();
        String org = world.organizationId();
        String created = world.userCreated(dir, world.nextId("directory_user"), world.nextInstant());
        count("webhook: common path (dsync.user.created)", webhooks, world.webhook(created), 200, 1, 1,
                "one TransactWriteItems: marker + user + directory counter and last sync + audit entry");
        count("webhook: duplicate delivery", webhooks, world.webhook(created), 200, 1, 1,
                "the same transaction, cancelled by the marker's condition");
        String early = world.nextId("directory_user");
        count("webhook: worst path (updated before created)", webhooks,
                world.webhook(world.userEvent("dsync.user.updated", dir, org, early, world.nextInstant())), 200, 2, 2,
                "the assumed prior state was wrong: cancellation returns the item, one corrected transaction");
        String user = world.nextId("directory_user");
        Instant createdAt = world.nextInstant();
        webhooks.handleRequest(world.webhook(world.userCreated(dir, user, createdAt)).event(), LocalContext.of("webhooks"));
        count("webhook: worst path (stale update)", webhooks,
                world.webhook(world.userEvent("dsync.user.updated", dir, org, user, createdAt.minusSeconds(60))), 200, 2, 2,
                "cancelled (older than stored), then marker + audit entry only");
        count("webhook: worst path (out of order: older than the last sync)", webhooks,
                world.webhook(world.userCreated(dir, world.nextId("directory_user"), createdAt.minusSeconds(60))), 200, 2, 2,
                "the directory's lastSyncAt condition fails: one corrected transaction without it");
        count("webhook: worst path (no organization_id)", webhooks,
                world.webhook(world.userEvent("dsync.user.created", dir, null, world.nextId("directory_user"), world.nextInstant())),
                200, 2, 2, "TransactGetItems (directory index + item), then one transaction");
        hotDirectory(clock, dir);

        String admin = world.nextId("user");
        count("webhook: membership (organization_membership.created)", webhooks,
                world.webhook(world.membershipCreated(admin, "admin", world.nextInstant())), 200, 1, 1,
                "one TransactWriteItems: marker + membership item + audit entry");
        count("webhook: SSO sign-in (authentication.sso_succeeded)", webhooks,
                world.webhook(world.signIn(admin, world.nextInstant(), null)), 200, 2, 2,
                "TransactGetItems (connection + membership: the role), then one TransactWriteItems");
        count("webhook: failed SSO sign-in (authentication.sso_failed)", webhooks,
                world.webhook(world.signIn(world.nextId("user"), world.nextInstant(), "SAML Audience mismatch")), 200, 1, 1,
                "one TransactWriteItems: marker + connection's last failure + the hour's failure count + audit entry");
        String waiting = world.nextId("user");
        Instant signedIn = world.nextInstant();
        webhooks.handleRequest(world.webhook(world.signIn(waiting, signedIn, null)).event(), LocalContext.of("webhooks"));
        count("webhook: worst path (membership after its user's sign-in)", webhooks,
                world.webhook(world.membershipCreated(waiting, "member", signedIn.minusSeconds(60))), 200, 2, 2,
                "the first transaction learns that a sign-in waited for the role, the second credits it");

        // Freshness where WorkOS sends no event: the page's refresh and the scheduled sweep.
        var workos = world.emulator().control();
        // A long WorkOS timeout: the first refresh of this JVM loads the SDK's classes; requests are counted, not timed.
        var slowWorkOs = new HashMap<>(world.settings());
        slowWorkOs.put(Config.WORKOS_TIMEOUT_MS, "60000");
        var refresh = new RefreshHandler(new Config(slowWorkOs), client, clock);
        workos.clearApiRequests();
        requireRefresh("refreshed", count("refresh: WorkOS read", refresh, world.refresh(), 200, 5, REFRESH_BUDGET,
                "UpdateItem (the 30 s claim) + Query of our domains, connections and directories beside WorkOS's lists"
                        + " + the organization's snapshot transaction + UpdateItem (checkedAt)"));
        withWorkOsCalls(workos.apiRequests());
        workos.clearApiRequests();
        requireRefresh("recent", count("refresh: within 30 s", refresh, world.refresh(), 200, 1, 1,
                "one UpdateItem, whose condition fails: the stored health"));
        withWorkOsCalls(workos.apiRequests());
        countSweep(workos);
        countNotices(clock);
    }

    private static void requireRefresh(String outcome, String body) {
        String got = Json.text(Json.parse(body), "refresh");
        if (!outcome.equals(got)) {
            throw new IllegalStateException("refresh: expected " + outcome + " but got " + got);
        }
    }

    /** The WorkOS calls the last operation made, added to its note. */
    private void withWorkOsCalls(List<String> calls) {
        Count last = counts.remove(counts.size() - 1);
        counts.add(new Count(last.operation(), last.requests(), last.calls(), last.min(), last.budget(),
                last.note() + "; WorkOS: " + calls));
    }

    /** A refresh's DynamoDB budget: claim, organization transaction (+1 when its assumption was wrong), 3 Queries, checkedAt. */
    static final int REFRESH_BUDGET = 7;
    /** A sweep run over the bench world (one organization, with a directory: refreshed): state, events, list, the refresh. */
    static final int SWEEP_BUDGET = 5 + 2 + REFRESH_BUDGET;

    private void countSweep(EmulatorControl workos) {
        var sweep = new SweepHandler(world.config(), client, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)));
        workos.clearApiRequests();
        counter.reset();
        var out = new ByteArrayOutputStream();
        try {
            sweep.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var report = Json.parse(out.toString(StandardCharsets.UTF_8));
        if (report.path("organizationsRefreshed").asInt() != 1 || !report.path("complete").asBoolean()) {
            throw new IllegalStateException("sweep: expected one organization refreshed, got " + report);
        }
        List<String> calls = counter.operations();
        counts.add(new Count("sweep run: one organization refreshed", calls.size(), calls, 9, SWEEP_BUDGET,
                "GetItem (state) + the Events API page's BatchGetItem (markers) + UpdateItem (cursor) + Query (gsi1: organizations)"
                        + " + Query (the organization's partition) + a refresh + UpdateItem (state)"));
        withWorkOsCalls(workos.apiRequests());
    }

    /**
     * A conflict on the directory item (another transaction holds it: ConflictFaithfulDynamo over the same
     * client), then the same writer's next event: both on its counter shard (DirectoryShards).
     */
    private void hotDirectory(Clock clock, String dir) {
        ConflictFaithfulDynamo faithful = new ConflictFaithfulDynamo(client, Duration.ofSeconds(3));
        var webhooks = new WebhookHandler(world.config(), faithful, clock);
        DynamoDbClient otherClient = world.client(); // the holder is another instance: its calls are not counted here
        faithful.otherClient(otherClient).describeTable(r -> r.tableName(world.table())); // key schema known before counting
        Thread holder = new Thread(() -> faithful.otherClient(otherClient).transactWriteItems(r -> r.transactItems(TransactWriteItem.builder()
                .conditionCheck(ConditionCheck.builder().tableName(world.table())
                        .key(Attr.key(Keys.orgPk(world.organizationId()), Keys.directorySk(dir)))
                        .conditionExpression("attribute_exists(pk)").build()).build())), "holder");
        holder.start();
        long until = System.nanoTime() + 10_000_000_000L;
        while (faithful.itemsHeld() == 0 && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        long cancelled = faithful.conflicts().transactionsCancelled();
        count("webhook: a conflict on the directory item (burst)", webhooks,
                world.webhook(world.userCreated(dir, world.nextId("directory_user"), world.nextInstant())), 200, 2, 2,
                "cancelled (TransactionConflict: another transaction holds the directory item), then, after a backoff, "
                        + "one transaction on this writer's counter shard");
        counts.set(counts.size() - 1, withCancelled(counts.getLast(), faithful.conflicts().transactionsCancelled() - cancelled));
        count("webhook: the next event of that writer (burst, on its shard)", webhooks,
                world.webhook(world.userCreated(dir, world.nextId("directory_user"), world.nextInstant())), 200, 1, 1,
                "one TransactWriteItems: marker + user + counter shard + audit entry");
        try {
            holder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        otherClient.close();
    }

    /** A count with the calls that ConflictFaithfulDynamo cancelled before they reached DynamoDB Local (they are requests in AWS). */
    private static Count withCancelled(Count c, long cancelled) {
        List<String> calls = new ArrayList<>();
        for (long i = 0; i < cancelled; i++) {
            calls.add("TransactWriteItems (cancelled)");
        }
        calls.addAll(c.calls());
        return new Count(c.operation(), calls.size(), calls, c.min(), c.budget(), c.note());
    }

    /** Opening a notice: the organization's Query, one transaction (item + outbox notice + audit entry), the attention clock. */
    static final int NOTICE_OPEN_BUDGET = 3;
    /** Delivering one: lease, event recorded, email recorded, delete. */
    static final int NOTICE_DELIVERY_BUDGET = 4;

    /**
     * The notices path for one notice: the function gets a keys-only stream record for the connection
     * item a certificate renewal request changed (the organization is re-evaluated and the item opens),
     * the same record again (nothing changes), then the outbox notice's INSERT record (delivered to
     * EventBridge and SES in moto, read back from moto). Without moto only the first two are counted.
     */
    private void countNotices(Clock clock) {
        var workos = world.emulator().control();
        String connectionId = workos.snapshot().connectionsOf(world.organizationId()).get(0).id();
        workos.setCertificateExpiry(connectionId, clock.instant().plus(Duration.ofDays(20)));
        workos.emitCertificateRenewalRequired(connectionId);
        try (DynamoDbClient plain = world.client()) {
            world.project(plain, workos.events("connection.saml_certificate_renewal_required")); // what the webhook does
        }
        Optional<MotoServer> moto = MotoServer.find().map(MotoServer::start);
        try {
            Map<String, String> settings = new HashMap<>(world.settings());
            settings.put("NOTICE_BUS_NAME", NOTICE_BUS);
            settings.put("AWS_REGION", BenchWorld.REGION); // Lambda sets it; the channels' clients need one
            NoticeSinks sinks = null;
            if (moto.isPresent()) {
                System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "bench"));
                System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "bench"));
                sinks = new NoticeSinks(io.gatekeep.localaws.NoticeAws.of(moto.get()), NOTICE_BUS, NOTICE_TEMPLATE, NOTICE_SENDER);
                settings.put("AWS_ENDPOINT_URL_EVENTBRIDGE", moto.get().endpoint().toString());
                settings.put("AWS_ENDPOINT_URL_SES", moto.get().endpoint().toString());
                settings.put("NOTICE_EMAIL_ENABLED", "true");
                settings.put("NOTICE_EMAIL_SENDER", NOTICE_SENDER);
                settings.put("NOTICE_EMAIL_TEMPLATE", NOTICE_TEMPLATE);
            }
            var notices = new NoticesHandler(new Config(settings), client, clock);
            var changed = streamRecord("MODIFY", Keys.orgPk(world.organizationId()), Keys.connectionSk(connectionId));
            countNotices("notices: a change that opens an item", notices, changed, 3, NOTICE_OPEN_BUDGET,
                    "Query (the organization's partition) + TransactWriteItems (attention item + outbox notice + audit entry)"
                            + " + PutItem (the attention clock)");
            String outbox = outboxSortKey();
            countNotices("notices: a change with nothing to tell", notices, changed, 1, 1,
                    "one Query: no transition, the clock has not moved");
            if (sinks != null) {
                countNotices("notices: one notice delivered", notices, streamRecord("INSERT", Keys.OUTBOX_PK, outbox), 4,
                        NOTICE_DELIVERY_BUDGET, "UpdateItem (lease) + UpdateItem (event sent) + UpdateItem (email sent) + DeleteItem");
                Count last = counts.remove(counts.size() - 1);
                counts.add(new Count(last.operation(), last.requests(), last.calls(), last.min(), last.budget(), last.note()
                        + "; read back from moto: " + sinks.published().size() + " EventBridge event, " + sinks.emails().size()
                        + " SES templated email"));
                sinks.close();
            }
        } finally {
            moto.ifPresent(MotoServer::close);
        }
    }

    static final String NOTICE_BUS = "bench-identity-notices";
    static final String NOTICE_TEMPLATE = "bench-identity-attention";
    static final String NOTICE_SENDER = "notices@benchco.example";

    private void countNotices(String operation, NoticesHandler handler, Map<String, Object> event, int min, int budget, String note) {
        counter.reset();
        Map<String, Object> result = handler.handleRequest(event, null);
        if (!List.of().equals(result.get("batchItemFailures"))) {
            throw new IllegalStateException(operation + ": the record failed: " + result);
        }
        List<String> calls = counter.operations();
        counts.add(new Count(operation, calls.size(), calls, min, budget, note));
    }

    /** A keys-only DynamoDB stream batch of one record, as Lambda's event source mapping delivers it. */
    private static Map<String, Object> streamRecord(String eventName, String pk, String sk) {
        return Map.of("Records", List.of(Map.of("eventName", eventName, "eventSource", "aws:dynamodb",
                "dynamodb", Map.of("Keys", Map.of(Keys.PK, Map.of("S", pk), Keys.SK, Map.of("S", sk)),
                        "SequenceNumber", "1", "StreamViewType", "KEYS_ONLY"))));
    }

    /** The one notice in the outbox (read outside the counted client). */
    private String outboxSortKey() {
        try (DynamoDbClient plain = world.client()) {
            var items = plain.query(b -> b.tableName(world.table()).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.OUTBOX_PK)))).items();
            if (items.size() != 1) {
                throw new IllegalStateException("notices: expected one notice in the outbox, found " + items.size());
            }
            return Attr.str(items.get(0), Keys.SK);
        }
    }

    private String count(String operation, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, HttpCall call,
                         int expectedStatus, int min, int budget, String note) {
        APIGatewayV2HTTPEvent event = call.event();
        counter.reset();
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, LocalContext.of("bench"));
        List<String> calls = counter.operations();
        if (response.getStatusCode() != expectedStatus) {
            throw new IllegalStateException(operation + ": expected " + expectedStatus + " but got " + response.getStatusCode()
                    + " " + errorOf(response.getBody()));
        }
        counts.add(new Count(operation, calls.size(), calls, min, budget, note));
        return response.getBody();
    }

    /** The error code of an error body (never a whole body: a 201's body holds a portal link). */
    private static String errorOf(String body) {
        try {
            return String.valueOf(Json.text(Json.parse(body), "error"));
        } catch (RuntimeException e) {
            return "(no JSON body)";
        }
    }
}
