package io.gatekeep.testsupport;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * A webhook endpoint on 127.0.0.1 for the emulator to deliver to: each POST to {@code /webhooks/workos}
 * is recorded (raw body and WorkOS-Signature header) and answered by {@code respond}: the webhook
 * function wrapped into an API Gateway event, or the shared projection's path as an operator test needs
 * it. {@code threads} deliveries are answered at a time (the emulator sends several at once).
 */
public final class WebhookEndpoint implements AutoCloseable {
    public record Delivery(String body, String signature) {}

    /** What the endpoint answers: HTTP status and body. */
    public record Answer(int status, String body) {}

    public final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    /** Time spent in {@code respond}, summed over the deliveries. */
    public final AtomicLong busyNanos = new AtomicLong();
    private final HttpServer server;
    private final ExecutorService executor;

    public WebhookEndpoint(int threads, BiFunction<String, String, Answer> respond) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newFixedThreadPool(threads);
        server.setExecutor(executor);
        server.createContext("/webhooks/workos", exchange -> handle(exchange, respond));
        server.start();
    }

    /** One delivery at a time, each answered by {@code respond}. */
    public WebhookEndpoint(BiFunction<String, String, Answer> respond) {
        this(1, respond);
    }

    /** An endpoint that records and answers 200. */
    public static WebhookEndpoint recording() {
        return new WebhookEndpoint((body, signature) -> new Answer(200, "{}"));
    }

    public String url() {
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
                answer = new Answer(500, "{\"error\":\"test_endpoint\"}");
            }
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
