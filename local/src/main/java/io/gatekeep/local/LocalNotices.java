package io.gatekeep.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.localaws.MotoServer;
import io.gatekeep.localaws.NoticeSinks;
import io.gatekeep.localaws.StreamPump;
import io.gatekeep.notices.NoticesHandler;
import io.gatekeep.shared.config.Config;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The notices function as it runs in AWS, for {@code bin/run-local}: the table's stream pumped into it
 * every second (Lambda's event source mapping), its schedule every minute, and moto in server mode
 * standing in for EventBridge and SES (when installed), with the template's bus, a rule to a queue,
 * the SES sender and template. Every notice published is printed on the console (transition,
 * organization, title: no link, no secret). Without moto, notices wait in the table's outbox.
 */
final class LocalNotices implements AutoCloseable {
    static final String FUNCTION = "NoticesFunction";
    static final String SENDER = "notices@gatekeep.local";

    private final MotoServer moto;
    private final NoticeSinks sinks;
    private final StreamPump pump;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatekeep-local-notices");
        t.setDaemon(true);
        return t;
    });

    private LocalNotices(MotoServer moto, NoticeSinks sinks, StreamPump pump) {
        this.moto = moto;
        this.sinks = sinks;
        this.pump = pump;
    }

    /** Starts moto (when installed) and the loop; the function gets the variables the template gives it plus the endpoints. */
    static LocalNotices start(LocalDynamo dynamo, DynamoDbClient client, String table, LambdaFunctions.Deployed function,
                              PrintStream console) {
        MotoServer moto = MotoServer.find().map(MotoServer::start).orElse(null);
        Map<String, String> variables = new HashMap<>(function.environment());
        NoticeSinks sinks = null;
        if (moto != null) {
            // moto accepts any credentials; the SDK's chain finds these (the runner is its own process).
            System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "local"));
            System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "local"));
            variables.put("AWS_ENDPOINT_URL_EVENTBRIDGE", moto.endpoint().toString());
            variables.put("AWS_ENDPOINT_URL_SES", moto.endpoint().toString());
            variables.put("NOTICE_EMAIL_ENABLED", "true");
            variables.put("NOTICE_EMAIL_SENDER", SENDER);
            sinks = new NoticeSinks(moto, variables.get("NOTICE_BUS_NAME"), variables.get("NOTICE_EMAIL_TEMPLATE"), SENDER);
        }
        NoticesHandler handler = new NoticesHandler(new Config(variables), client, Clock.systemUTC());
        LocalNotices notices = new LocalNotices(moto, sinks, new StreamPump(dynamo, table, 100));
        notices.loop.scheduleWithFixedDelay(() -> notices.tick(handler, console), 1, 1, TimeUnit.SECONDS);
        notices.loop.scheduleWithFixedDelay(() -> notices.quietly(() -> handler.handleRequest(Map.of("source", "aws.events"), null)),
                60, 60, TimeUnit.SECONDS);
        console.println(moto != null
                ? "  Notices          EventBridge bus " + variables.get("NOTICE_BUS_NAME") + " and SES in moto at " + moto.endpoint()
                  + " (each notice is printed here)"
                : "  Notices          " + MotoServer.MISSING.replace("tests", "local notices").replace("skipped, not passed",
                        "not delivered: they wait in the table's outbox"));
        return notices;
    }

    private void tick(NoticesHandler handler, PrintStream console) {
        quietly(() -> pump.drain(event -> handler.handleRequest(event, null)));
        if (sinks != null) {
            quietly(() -> {
                for (JsonNode event : sinks.published()) {
                    JsonNode detail = event.path("detail");
                    console.println("notice " + detail.path("transition").asText() + " " + detail.path("organization").path("name").asText()
                            + ": " + detail.path("item").path("title").asText() + " [" + detail.path("item").path("kind").asText() + "]");
                }
                return null;
            });
        }
    }

    private void quietly(java.util.concurrent.Callable<?> work) {
        try {
            work.call();
        } catch (Exception e) {
            // the notices stay in the outbox; the next tick tries again
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        pump.close();
        if (sinks != null) {
            sinks.close();
        }
        if (moto != null) {
            moto.close();
        }
    }
}
