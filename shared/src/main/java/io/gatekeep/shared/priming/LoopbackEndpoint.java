package io.gatekeep.shared.priming;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP endpoint on the loopback interface that lives only while priming runs, so the real SDK
 * clients (URL-connection for DynamoDB, OkHttp for WorkOS) go through their whole request path,
 * sockets included, without leaving the process. Every answer says {@code Connection: close}: no
 * client keeps a pooled connection to it, so nothing stale is left in the snapshot.
 */
abstract class LoopbackEndpoint implements AutoCloseable {
    /** One answer: status, content type and body. */
    record Answer(int status, String contentType, String body) {}

    private final HttpServer server;

    LoopbackEndpoint() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback endpoint for priming", e);
        }
        server.createContext("/", this::exchange);
        server.start();
    }

    /** The base URL the stand-in answers on, e.g. {@code http://127.0.0.1:41234}. */
    final String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** Answers one request; a runtime exception becomes a 500 the client reports as a failure. */
    abstract Answer answer(String method, String path, String query, HttpExchange exchange, String body);

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Answer answer;
            try {
                answer = answer(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), exchange, body);
            } catch (RuntimeException e) {
                answer = new Answer(500, "text/plain", "stand-in failed: " + e.getMessage());
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
