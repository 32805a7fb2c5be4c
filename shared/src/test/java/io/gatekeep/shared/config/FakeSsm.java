package io.gatekeep.shared.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatekeep.shared.Json;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SSM Parameter Store's JSON API on loopback, as far as GetParameter goes: it answers from its
 * parameters (or ParameterNotFound), or with canned answers queued by a test, and keeps every
 * request it received.
 */
final class FakeSsm implements AutoCloseable {
    /** A request as received: header names lower-cased, each header's values joined by ','. */
    record Received(String method, String rawPath, String rawQuery, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record Canned(int status, String body) {}

    final Map<String, String> parameters = new ConcurrentHashMap<>();
    private final List<Received> received = new ArrayList<>();
    private final Deque<Canned> canned = new ArrayDeque<>();
    private final HttpServer server;

    FakeSsm() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized void answerNext(int status, String body) {
        canned.add(new Canned(status, body));
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        Canned answer;
        synchronized (this) {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), headers, body));
            answer = canned.poll();
        }
        if (answer == null) {
            answer = answer(body);
        }
        byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", SsmParameterReader.CONTENT_TYPE);
        exchange.sendResponseHeaders(answer.status(), out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    private Canned answer(byte[] body) {
        JsonNode request = Json.parse(new String(body, StandardCharsets.UTF_8));
        String name = Json.text(request, "Name");
        String value = name == null ? null : parameters.get(name);
        if (value == null) {
            return new Canned(400, "{\"__type\":\"ParameterNotFound\"}");
        }
        var answer = Json.object();
        answer.putObject("Parameter").put("Name", name).put("Type", "SecureString").put("Value", value)
                .put("Version", 1);
        return new Canned(200, Json.write(answer));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
