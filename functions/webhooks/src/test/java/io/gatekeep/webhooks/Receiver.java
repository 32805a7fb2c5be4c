package io.gatekeep.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A webhook endpoint on 127.0.0.1 for the emulator to deliver to: each POST is recorded (raw body
 * and WorkOS-Signature header) and answered by {@code respond}, e.g. the webhook function wrapped
 * into an API Gateway event.
 */
final class Receiver implements AutoCloseable {
    record Delivery(String body, String signature) {}

    /** What the endpoint answers: HTTP status and body. */
    record Answer(int status, String body) {}

    private final HttpServer server;
    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicLong busyNanos = new java.util.concurrent.atomic.AtomicLong();

    Receiver(BiFunction<String, String, Answer> respond) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/webhooks/workos", exchange -> handle(exchange, respond));
        server.start();
    }

    /** An endpoint that records and answers 200. */
    static Receiver recording() {
        return new Receiver((body, signature) -> new Answer(200, "{}"));
    }

    /** An endpoint that passes every delivery to the webhook function, as API Gateway would. */
    static Receiver forwardingTo(WebhookFixture webhooks) {
        return new Receiver((body, signature) -> {
            var response = webhooks.handler.handleRequest(WebhookFixture.request(body, signature),
                    io.gatekeep.localaws.LocalContext.of("webhooks"));
            return new Answer(response.getStatusCode(), response.getBody());
        });
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks/workos";
    }

    private void handle(HttpExchange exchange, BiFunction<String, String, Answer> respond) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String signature = exchange.getRequestHeaders().getFirst("WorkOS-Signature");
            deliveries.add(new Delivery(body, signature));
            Answer answer;
            long t0 = System.nanoTime();
            try {
                answer = respond.apply(body, signature);
                busyNanos.addAndGet(System.nanoTime() - t0);
            } catch (RuntimeException e) {
                answer = new Answer(500, "{\"error\":\"test_receiver\"}");
            }
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
