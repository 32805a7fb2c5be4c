package io.gatekeep.notices;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.localaws.NoticeAws;
import io.gatekeep.localaws.NoticeSinks;
import io.gatekeep.localaws.SettableClock;
import io.gatekeep.localaws.StreamPump;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.WorkOsEvent;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real parts around the notices function: the WorkOS emulator (its events applied through the
 * shared projection, as the webhook function does; its API objects upserted for what WorkOS never
 * announces, as the sweep does), DynamoDB Local with the template's table and its stream pumped into
 * the handler as Lambda would, and moto in server mode for EventBridge (a rule on the bus targets an
 * SQS queue the test reads) and SES (its sent messages read back from moto's API). Every clock is the
 * emulator's, so moving it forward moves WorkOS and Gatekeep together.
 */
final class NoticesFixture implements AutoCloseable {
    static final String SENDER = "identity@gatekeep.test";
    private static final AtomicInteger NAMES = new AtomicInteger();
    /** Names differ between runs too: a configured emulator (LocalStack) keeps the buses and templates of earlier runs. */
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

    final NoticeAws aws;
    final WorkOsEmulator emulator;
    final EmulatorControl control;
    final DynamoDbClient dynamo;
    final String table;
    final Clock clock;
    final Projection projection;
    final StreamPump pump;
    final String bus;
    final String template;
    final NoticeSinks sinks;
    NoticesHandler handler;
    private int eventsApplied;
    private final HttpClient http = HttpClient.newHttpClient();

    NoticesFixture(NoticeAws aws) {
        this.aws = aws;
        System.setProperty("aws.region", LocalDynamo.REGION);
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
        emulator = WorkOsEmulator.start(0);
        control = emulator.control();
        clock = SettableClock.following(control::now);
        LocalDynamo local = LocalDynamo.shared();
        dynamo = local.client();
        table = local.createTable();
        projection = new Projection(dynamo, table, clock);
        pump = new StreamPump(local, table, 100);

        int n = NAMES.incrementAndGet();
        bus = "gatekeep-test-" + RUN + "-" + n + "-identity-notices";
        template = "gatekeep-test-" + RUN + "-" + n + "-identity-attention";
        sinks = new NoticeSinks(aws, bus, template, SENDER);
        handler = handler(bus);
    }

    /**
     * The AWS emulator the tests publish and send through: the one the standard AWS_ENDPOINT_URL variables name
     * (LocalStack), else moto started here. Without either the calling test (or class) is skipped, saying how to
     * install moto.
     */
    static NoticeAws openAws() {
        var opened = NoticeAws.open(System.getenv());
        Assumptions.assumeTrue(opened.isPresent(), NoticeAws.MISSING);
        return opened.get();
    }

    /** The organization Acme (verified domain acme.test) created in WorkOS and synced; returns its id. */
    String createAcme() {
        String id = control.createOrganization("Acme", DomainSpec.verified("acme.test")).id();
        sync();
        return id;
    }

    /** The notices function as template.yaml configures it, with the AWS emulator behind the standard endpoint overrides. */
    NoticesHandler handler(String busName) {
        Config config = new Config(Map.of(Config.TABLE_NAME, table,
                Channels.NOTICE_BUS_NAME, busName,
                Channels.NOTICE_EMAIL_ENABLED, "true",
                Channels.NOTICE_EMAIL_SENDER, SENDER,
                Channels.NOTICE_EMAIL_TEMPLATE, template,
                Channels.AWS_ENDPOINT_URL_EVENTBRIDGE, aws.endpoints().eventBridge().toString(),
                Channels.AWS_ENDPOINT_URL_SES, aws.endpoints().ses().toString()));
        return new NoticesHandler(config, dynamo, clock);
    }

    /** Applies the emulator's new events (what the webhook function does), then lets the stream run. */
    void sync() {
        applyEvents();
        drain();
    }

    /** The emulator's new events through the projection, without running the stream. */
    void applyEvents() {
        List<StoredEvent> all = control.events();
        for (; eventsApplied < all.size(); eventsApplied++) {
            projection.apply(WorkOsEvent.parse(all.get(eventsApplied).json()));
        }
    }

    /** What the sweep does for a change WorkOS never announces: read the object from the API and upsert it. */
    void refreshFromApi(String path) {
        JsonNode object = get(path);
        if (path.startsWith("/directories/")) {
            projection.upsertDirectory(object);
        } else if (path.startsWith("/connections/")) {
            projection.upsertConnection(object);
        } else {
            projection.upsertDomain(object);
        }
        drain();
    }

    /** The stream into the function until nothing is left (a refresh's outbox writes are new records). */
    int drain() {
        int total = 0;
        for (int taken; (taken = pump.drain(e -> handler.handleRequest(e, null))) > 0; ) {
            total += taken;
        }
        return total;
    }

    /** The function's schedule (EventBridge's scheduled event): organizations whose attention clock is due, pending notices. */
    Map<String, Object> schedule() {
        Map<String, Object> report = handler.handleRequest(Map.of("source", "aws.events", "detail-type", "Scheduled Event"), null);
        drain();
        return report;
    }

    void itContacts(String organizationId, List<String> contacts) {
        dynamo.updateItem(b -> b.tableName(table).key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                .updateExpression("SET itContacts = :c").expressionAttributeValues(Map.of(":c", Attr.strings(contacts))));
        drain();
    }

    List<JsonNode> published() {
        return sinks.published();
    }

    List<JsonNode> emails() {
        return sinks.emails();
    }

    /**
     * A person signs in through a connection by the emulator's control API ({@code POST
     * /_emulator/connections/{id}/sign_ins}: {@code outcome} succeeded (as a member), failed or timed_out, a
     * failure's {@code reason}); its events are then applied and the stream run, as {@link #sync}.
     */
    void signIn(String connectionId, String email, String outcome, String reason) {
        var request = Json.object().put("email", email).put("outcome", outcome);
        if (reason != null) {
            request.put("reason", reason);
        } else if ("succeeded".equals(outcome)) {
            request.put("role", "member");
        }
        String body = Json.write(request);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl()
                            + "/_emulator/connections/" + connectionId + "/sign_ins"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("sign-in: " + response.statusCode() + " " + response.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        sync();
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                    .header("Authorization", "Bearer " + emulator.apiKey()).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + ": " + response.statusCode());
            }
            return Json.parse(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        pump.close();
        emulator.close();
        sinks.close();
    }
}
