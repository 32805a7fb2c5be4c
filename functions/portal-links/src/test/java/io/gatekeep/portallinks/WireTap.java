package io.gatekeep.portallinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatekeep.shared.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A pass-through HTTP recorder between the SDK and the WorkOS emulator: it forwards every request
 * unchanged and keeps what went over the wire, so tests can see exactly what WorkOS received (the
 * {@code generate_link} body: organization, intent, it_contact_emails, URLs) and how many attempts
 * the SDK made. Faults come from the emulator itself, not from here.
 */
final class WireTap implements AutoCloseable {
    record Call(String method, String path, String body, int status, String idempotencyKey) {
        JsonNode json() {
            return Json.parse(body);
        }
    }

    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "Content-Type", "Accept", "User-Agent",
            "Idempotency-Key");
    private static final List<String> RESPONSE_HEADERS = List.of("Content-Type", "Retry-After", "X-Request-Id");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String target;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    WireTap(String target) {
        this.target = target.replaceAll("/+$", "");
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::forward);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> generateLinkCalls() {
        return calls.stream().filter(c -> c.path().equals("/portal/generate_link")).toList();
    }

    /** Waits until n generate_link calls have completed (a slow one is recorded when WorkOS answers). */
    void awaitGenerateLinkCalls(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (generateLinkCalls().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    void clear() {
        calls.clear();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + pathAndQuery))
                    .timeout(Duration.ofSeconds(30))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String name : REQUEST_HEADERS) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    new String(body, StandardCharsets.UTF_8), response.statusCode(),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            for (String name : RESPONSE_HEADERS) {
                response.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().add(name, v));
            }
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
