package io.gatekeep.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.workos.webhooks.Webhook;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.projection.WorkOsEvent;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The webhook path as the webhook function runs it, on loopback for the emulator to deliver to:
 * verify the signature on the raw body, apply through the shared projection, and when the store
 * does not take the event, keep it as a dead letter and answer 503 so that WorkOS retries.
 * (The function module itself is another engineer's; this is the same shared code path.)
 */
final class WebhookReceiver implements AutoCloseable {
    static final String SECRET = "whsec_operator_tests";

    final AtomicInteger applied = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger deadLettered = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    WebhookReceiver(DynamoDbClient dynamo, String table, Clock clock) {
        Projection projection = new Projection(dynamo, table, clock);
        DeadLetters deadLetters = new DeadLetters(dynamo, table, clock);
        Webhook verifier = new Webhook(new ObjectMapper());
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/webhooks/workos", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status;
            try {
                verifier.constructEvent(body, exchange.getRequestHeaders().getFirst("WorkOS-Signature"), SECRET,
                        Webhook.DEFAULT_TOLERANCE_MILLIS);
                WorkOsEvent event = WorkOsEvent.parse(body);
                try {
                    var outcome = projection.apply(event);
                    (outcome.status() == io.gatekeep.shared.projection.ApplyOutcome.Status.DUPLICATE ? duplicates : applied)
                            .incrementAndGet();
                    status = 200;
                } catch (RuntimeException e) {
                    int attempts = e instanceof StoreUnavailableException s ? s.attempts() : 1;
                    deadLetters.record(body, event, e.getClass().getSimpleName() + ": " + e.getMessage(), attempts);
                    deadLettered.incrementAndGet();
                    status = 503;
                }
            } catch (SignatureException | IllegalArgumentException e) {
                status = 400;
            } catch (RuntimeException e) {
                status = 500;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks/workos";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
