package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small request/response helpers over the JDK HttpServer. Every response carries {@code X-Request-Id}. */
final class Http {
    private Http() {}

    /** A parsed request. */
    static final class Req {
        final HttpExchange exchange;
        final String method;
        final String path;
        final Map<String, List<String>> query;
        final byte[] body;

        Req(HttpExchange exchange) throws IOException {
            this.exchange = exchange;
            this.method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
            this.path = exchange.getRequestURI().getRawPath();
            this.query = parseForm(exchange.getRequestURI().getRawQuery());
            try (InputStream in = exchange.getRequestBody()) {
                this.body = in.readAllBytes();
            }
        }

        String q(String name) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        String header(String name) {
            return exchange.getRequestHeaders().getFirst(name);
        }

        /** The JSON body as an object ({} when empty); malformed JSON is a WorkOS-style 400. */
        ObjectNode json() {
            if (body.length == 0) {
                return Json.obj();
            }
            try {
                JsonNode n = Json.MAPPER.readTree(body);
                if (n == null || n.isMissingNode()) {
                    return Json.obj();
                }
                if (!n.isObject()) {
                    throw new ApiError(400, "invalid_request", "The request body must be a JSON object.");
                }
                return (ObjectNode) n;
            } catch (IOException e) {
                throw new ApiError(400, "invalid_request", "The request body is not valid JSON.");
            }
        }

        /** application/x-www-form-urlencoded body. */
        Map<String, List<String>> form() {
            return parseForm(new String(body, StandardCharsets.UTF_8));
        }

        /** Path segments after a prefix, e.g. segments("/organizations/x") -> ["organizations","x"]. */
        List<String> segments() {
            List<String> out = new ArrayList<>();
            for (String s : path.split("/")) {
                if (!s.isEmpty()) {
                    out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
                }
            }
            return out;
        }
    }

    static Map<String, List<String>> parseForm(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** An error answered in the WorkOS shape {@code {"code","message","errors"?}}. */
    static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient ObjectNode body;
        final transient Map<String, String> headers = new LinkedHashMap<>();

        ApiError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.body = Json.obj();
            if (code != null) {
                body.put("code", code);
            }
            body.put("message", message);
        }

        ApiError header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        static ApiError unauthorized() {
            return new ApiError(401, "unauthorized", "Could not authorize the request. Maybe your API key is invalid?");
        }

        static ApiError notFound(State.NotFound nf) {
            ApiError e = new ApiError(404, "entity_not_found", nf.getMessage());
            e.body.put("entity_id", nf.id);
            return e;
        }

        /** 422 with one {@code errors[]} entry naming the field, as WorkOS reports validation failures. */
        static ApiError validation(String field, String message) {
            ApiError e = new ApiError(422, "invalid_request_parameters", "Validation failed.");
            ArrayNode errors = e.body.putArray("errors");
            ObjectNode err = errors.addObject();
            err.put("field", field);
            err.put("code", "invalid");
            err.put("message", message);
            return e;
        }

        static ApiError routeNotFound(Req r) {
            return new ApiError(404, "not_found", "Cannot " + r.method + " " + r.path);
        }
    }

    static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", Json.write(body).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static void sendError(HttpExchange ex, ApiError e) throws IOException {
        send(ex, e.status, "application/json; charset=utf-8", Json.write(e.body).getBytes(StandardCharsets.UTF_8),
                e.headers);
    }

    static void sendHtml(HttpExchange ex, int status, String html) throws IOException {
        send(ex, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static void redirect(HttpExchange ex, String location) throws IOException {
        send(ex, 303, null, new byte[0], Map.of("Location", location));
    }

    static void send(HttpExchange ex, int status, String contentType, byte[] body, Map<String, String> headers)
            throws IOException {
        if (ex.getResponseHeaders().getFirst("X-Request-Id") == null) {
            ex.getResponseHeaders().set("X-Request-Id", UUID.randomUUID().toString());
        }
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        boolean noBody = status == 204 || status == 304 || body.length == 0 || "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    static String escapeHtml(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
