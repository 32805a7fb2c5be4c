package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.workos.WorkOS;
import com.workos.common.http.RetryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared test helpers: a fast-retrying emulator, SDK clients, raw HTTP and a webhook receiver. */
final class TestSupport {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestSupport() {}

    static WorkOsEmulator startEmulator() {
        return WorkOsEmulator.builder()
                .port(0)
                .seed(7)
                .webhookRetry(4, Duration.ofMillis(20), Duration.ofMillis(100))
                .start();
    }

    /** The real SDK pointed at the emulator, without retries (tests stay fast and see every status). */
    static WorkOS sdk(WorkOsEmulator emu) {
        return sdk(emu, RetryConfig.DISABLED);
    }

    static WorkOS sdk(WorkOsEmulator emu, RetryConfig retry) {
        return WorkOS.builder()
                .apiKey(emu.apiKey())
                .clientId(emu.clientId())
                .apiBaseUrl(emu.baseUrl())
                .retryConfig(retry)
                .build();
    }

    record Response(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Response get(WorkOsEmulator emu, String path, boolean auth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emu.baseUrl() + path)).GET();
        if (auth) {
            b.header("Authorization", "Bearer " + emu.apiKey());
        }
        return send(b.build());
    }

    static Response api(WorkOsEmulator emu, String path) {
        return get(emu, path, true);
    }

    static Response send(WorkOsEmulator emu, String method, String path, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emu.baseUrl() + path))
                .header("Content-Type", "application/json")
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        return send(b.build());
    }

    static Response postForm(String url, String form) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    }

    static Response send(HttpRequest req) {
        try {
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A webhook endpoint that records raw bodies and signature headers; answers queued statuses, then 200. */
    static final class Receiver implements AutoCloseable {
        record Hit(String body, String signature) {
            JsonNode json() {
                try {
                    return MAPPER.readTree(body);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        final List<Hit> hits = new CopyOnWriteArrayList<>();
        final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        private final HttpServer server;

        Receiver() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", ex -> {
                byte[] raw;
                try (InputStream in = ex.getRequestBody()) {
                    raw = in.readAllBytes();
                }
                Integer status = statuses.poll();
                int s = status == null ? 200 : status;
                if (s >= 200 && s < 300) {
                    hits.add(new Hit(new String(raw, StandardCharsets.UTF_8),
                            ex.getRequestHeaders().getFirst("WorkOS-Signature")));
                }
                ex.sendResponseHeaders(s, -1);
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks/workos";
        }

        List<String> eventIds() {
            List<String> ids = new ArrayList<>();
            for (Hit h : hits) {
                ids.add(h.json().get("id").asText());
            }
            return ids;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
