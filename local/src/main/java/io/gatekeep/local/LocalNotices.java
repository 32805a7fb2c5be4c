package io.gatekeep.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.localaws.NoticeAws;
import io.gatekeep.localaws.NoticeSinks;
import io.gatekeep.localaws.StreamPump;
import io.gatekeep.notices.NoticesHandler;
import io.gatekeep.shared.config.Config;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The notices function as it runs in AWS, for {@code bin/run-local}: the table's stream pumped into it
 * every second (Lambda's event source mapping), its schedule every minute, and an AWS emulator standing
 * in for EventBridge and SES ({@link NoticeAws}: the endpoint AWS_ENDPOINT_URL names, e.g. LocalStack, else
 * moto in server mode started here when installed), with the template's bus, a rule to a queue, the SES
 * sender and template. Every notice published is printed on the console (transition, organization,
 * title: no link, no secret). Without an emulator, notices wait in the table's outbox.
 */
final class LocalNotices implements AutoCloseable {
    static final String FUNCTION = "NoticesFunction";
    static final String SENDER = "notices@gatekeep.local";

    private final NoticeAws aws;
    private final NoticeSinks sinks;
    private final StreamPump pump;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatekeep-local-notices");
        t.setDaemon(true);
        return t;
    });

    private LocalNotices(NoticeAws aws, NoticeSinks sinks, StreamPump pump) {
        this.aws = aws;
        this.sinks = sinks;
        this.pump = pump;
    }

    /**
     * Uses the configured AWS endpoints, or starts moto (when installed), then the loop; the function gets the
     * variables the template gives it plus the endpoints.
     */
    static LocalNotices start(LocalDynamo dynamo, DynamoDbClient client, String table, LambdaFunctions.Deployed function,
                              Optional<NoticeAws.Endpoints> configured, PrintStream console) {
        NoticeAws aws = NoticeAws.open(configured).orElse(null);
        Map<String, String> variables = new HashMap<>(function.environment());
        NoticeSinks sinks = null;
        if (aws != null) {
            // moto and LocalStack accept any credentials; the SDK's chain finds these (the runner is its own process).
            System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "local"));
            System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "local"));
            variables.putAll(aws.endpoints().functionVariables());
            variables.put("NOTICE_EMAIL_ENABLED", "true");
            variables.put("NOTICE_EMAIL_SENDER", SENDER);
            try {
                sinks = new NoticeSinks(aws, variables.get("NOTICE_BUS_NAME"), variables.get("NOTICE_EMAIL_TEMPLATE"), SENDER);
            } catch (RuntimeException e) {
                aws.close();
                throw new IllegalStateException("cannot set up the notices' bus and SES template at " + aws.describe() + ": " + e.getMessage(), e);
            }
        }
        NoticesHandler handler = new NoticesHandler(new Config(variables), client, Clock.systemUTC());
        LocalNotices notices = new LocalNotices(aws, sinks, new StreamPump(dynamo, table, 100));
        notices.loop.scheduleWithFixedDelay(() -> notices.tick(handler, console), 1, 1, TimeUnit.SECONDS);
        notices.loop.scheduleWithFixedDelay(() -> notices.quietly(() -> handler.handleRequest(Map.of("source", "aws.events"), null)),
                60, 60, TimeUnit.SECONDS);
        console.println(aws != null
                ? "  Notices          EventBridge bus " + variables.get("NOTICE_BUS_NAME") + " and SES in " + aws.describe()
                  + " (each notice is printed here)"
                : "  Notices          " + NoticeAws.MISSING.replace("the EventBridge and SES tests need", "the local notices need")
                        .replace("skipped, not passed", "not delivered: they wait in the table's outbox"));
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
        if (aws != null) {
            aws.close();
        }
    }
}
