package io.gatekeep.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.http.ErrorBody;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * API Gateway (HTTP API, payload format 2.0) on loopback: serves the template's routes with the real
 * handler classes. Each request becomes the event API Gateway would send (route key, raw path,
 * path parameters matched from the template path, query parameters, lower-cased headers, cookies,
 * body, request context with the method, path, source IP, request id and time) after the JWT
 * authorizer has verified the token of an authorized route; the function's response is written back
 * as API Gateway writes it. Where API Gateway would answer by itself (no route, no valid token, a
 * failed function), the answer uses the API's own error shape {@code {"error","message"}}. The event and
 * the response on the wire are {@link GatewayPayload}'s.
 *
 * <p>{@code POST /_invoke/{LogicalId}} invokes any function with a JSON event, as the console does
 * for the operator function (loopback callers only).
 */
public final class LocalApiGateway implements AutoCloseable {
    static final String INVOKE_PREFIX = "/_invoke/";

    private final RouteTable routes;
    private final LambdaFunctions functions;
    private final JwtAuthorizer authorizer;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final PrintStream console;
    private volatile boolean logRequests = true;
    private static final DateTimeFormatter CONSOLE_TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(java.time.ZoneId.systemDefault());

    /**
     * @param console where one line per request goes (method, path, status, function, time; never a token or
     *                body) and the stack trace of a failed function
     */
    public LocalApiGateway(String host, int port, RouteTable routes, LambdaFunctions functions, JwtAuthorizer authorizer, Clock clock,
                           PrintStream console) throws IOException {
        this.console = console;
        this.routes = routes;
        this.functions = functions;
        this.authorizer = authorizer;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "local-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
    }

    /** Answers a request that no route of the template matches (the local runner's web page); null: 404 as usual. */
    public interface Unrouted {
        APIGatewayV2HTTPResponse serve(HttpExchange exchange, String method, String rawPath) throws IOException;
    }

    private volatile Unrouted unrouted;
    private volatile IamAuthorizer iamAuthorizer;

    /**
     * Admits {@code AWS_IAM} routes (the back office's internal routes) for SigV4 requests of this local
     * principal; without one, such routes answer 403 as API Gateway does for an unsigned request.
     */
    public void iamAuthorizer(IamAuthorizer iamAuthorizer) {
        this.iamAuthorizer = iamAuthorizer;
    }

    /** Serves what no template route matches with {@code unrouted}; the API's routes are always matched first. */
    public void serveUnrouted(Unrouted unrouted) {
        this.unrouted = unrouted;
    }

    /** Turns the per-request console lines off (e.g. while the runner pushes the demo world's events) or on. */
    public void logRequests(boolean on) {
        logRequests = on;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUrl() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + port());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        boolean logThis = logRequests; // as it was when the request came in (a push's last answer may be written after the switch)
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        String label = method + " " + rawPath;
        Outcome outcome;
        try (exchange) {
            try {
                outcome = dispatch(exchange, method, rawPath);
            } catch (RuntimeException e) {
                log(label + " failed in the local gateway", e);
                outcome = new Outcome(gatewayError(500, "internal_error", "Something went wrong on our side. Try again."), "gateway", null);
            }
            GatewayPayload.write(exchange, method, outcome.response());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (!logThis && outcome.response().getStatusCode() < 500) {
            return;
        }
        log(label + " -> " + outcome.response().getStatusCode() + " " + outcome.servedBy() + " " + millis + " ms"
                + (outcome.note() == null ? "" : " (" + outcome.note() + ")"), null);
    }

    /** The answer, who gave it, and a note for the console (why a token was refused, a timeout overrun). */
    private record Outcome(APIGatewayV2HTTPResponse response, String servedBy, String note) {
        Outcome(APIGatewayV2HTTPResponse response, String servedBy) {
            this(response, servedBy, null);
        }
    }

    private void log(String line, Throwable error) {
        synchronized (console) {
            console.println(CONSOLE_TIME.format(clock.instant()) + " " + line);
            if (error != null) {
                error.printStackTrace(console);
            }
        }
    }

    private Outcome dispatch(HttpExchange exchange, String method, String rawPath) throws IOException {
        if (rawPath.startsWith(INVOKE_PREFIX)) {
            return invoke(exchange, method, rawPath.substring(INVOKE_PREFIX.length()));
        }
        var match = routes.match(method, rawPath);
        if (match.isEmpty()) {
            APIGatewayV2HTTPResponse page = unrouted == null ? null : unrouted.serve(exchange, method, rawPath);
            if (page != null) {
                return new Outcome(page, "web");
            }
            return new Outcome(gatewayError(404, "not_found", "No route for " + method + " " + rawPath + "."), "no route");
        }
        RouteTable.Entry entry = match.get().entry();
        var function = functions.get(entry.function().logicalId()).orElseThrow();
        Map<String, String> headers = GatewayPayload.headers(exchange);
        Map<String, String> claims = null;
        IamAuthorizer.Principal principal = null;
        byte[] body = null;
        if (entry.route().auth() == io.gatekeep.localaws.SamTemplate.Route.Auth.AWS_IAM) {
            body = GatewayPayload.readBody(exchange);
            if (body == null) {
                return new Outcome(gatewayError(413, "payload_too_large", "The body is larger than 10 MiB."), "gateway");
            }
            IamAuthorizer iam = iamAuthorizer;
            try {
                if (iam == null) {
                    throw new IamAuthorizer.Denied("no IAM principal is configured locally");
                }
                principal = iam.authorize(method, rawPath, exchange.getRequestURI().getRawQuery(), headers, body);
            } catch (IamAuthorizer.Denied e) {
                // API Gateway answers an unsigned or badly signed request to an AWS_IAM route with 403.
                return new Outcome(gatewayError(403, "forbidden", "This route takes an AWS SigV4-signed request from an authorized IAM principal."),
                        "IAM authorizer", e.getMessage());
            }
        } else if (entry.route().authorized()) {
            try {
                claims = authorizer.authorize(headers.get("authorization"));
            } catch (JwtAuthorizer.Unauthorized e) {
                APIGatewayV2HTTPResponse denied = gatewayError(401, "unauthenticated", "A valid bearer token is required.");
                denied.getHeaders().put("WWW-Authenticate", "Bearer");
                return new Outcome(denied, "JWT authorizer", e.getMessage());
            }
        }
        if (!function.available()) {
            return new Outcome(gatewayError(501, "not_implemented",
                    function.name() + " is not available locally: " + function.unavailableReason()), function.name());
        }
        if (body == null) {
            body = GatewayPayload.readBody(exchange);
        }
        if (body == null) {
            return new Outcome(gatewayError(413, "payload_too_large", "The body is larger than 10 MiB."), "gateway");
        }
        APIGatewayV2HTTPEvent event = GatewayPayload.event(exchange, method, rawPath, entry, match.get().pathParameters(), headers, body,
                claims, principal, clock.instant(), port());
        long started = System.nanoTime();
        try {
            APIGatewayV2HTTPResponse response = functions.invokeHttp(function, event);
            if (response == null || response.getStatusCode() < 100 || response.getStatusCode() > 599) {
                return new Outcome(gatewayError(500, "internal_error", "Something went wrong on our side. Try again."), function.name(),
                        "the function returned no valid response (status " + (response == null ? "null" : response.getStatusCode()) + ")");
            }
            return new Outcome(response, function.name(), overrun(function, started));
        } catch (LambdaFunctions.FunctionError e) {
            log(function.name() + " failed: Lambda reports a function error and API Gateway answers 500", e.getCause());
            return new Outcome(gatewayError(500, "internal_error", "Something went wrong on our side. Try again."), function.name());
        }
    }

    /** {@code POST /_invoke/{LogicalId}} with a JSON event: the console's or the CLI's invoke. */
    private Outcome invoke(HttpExchange exchange, String method, String logicalId) throws IOException {
        if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
            return new Outcome(gatewayError(403, "forbidden", "Functions can be invoked from this machine only."), "invoke");
        }
        var function = functions.get(logicalId);
        if (function.isEmpty()) {
            return new Outcome(gatewayError(404, "not_found", "No function " + logicalId + " in the template."), "invoke");
        }
        if (!method.equals("POST")) {
            return new Outcome(gatewayError(404, "not_found", "Invoke a function with POST " + INVOKE_PREFIX + logicalId + "."), "invoke");
        }
        var deployed = function.get();
        if (!deployed.available()) {
            return new Outcome(gatewayError(501, "not_implemented",
                    deployed.name() + " is not available locally: " + deployed.unavailableReason()), deployed.name());
        }
        byte[] body = GatewayPayload.readBody(exchange);
        if (body == null) {
            return new Outcome(gatewayError(413, "payload_too_large", "The event is larger than 10 MiB."), "invoke");
        }
        if (body.length > 0) {
            try {
                Json.parse(new String(body, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return new Outcome(gatewayError(400, "invalid_request", "The event is not valid JSON."), deployed.name());
            }
        }
        long started = System.nanoTime();
        try {
            byte[] result = functions.invokeJson(deployed, body);
            return new Outcome(APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(200)
                    .withHeaders(new LinkedHashMap<>(Map.of("Content-Type", "application/json")))
                    .withBody(new String(result, StandardCharsets.UTF_8))
                    .build(), deployed.name(), overrun(deployed, started));
        } catch (LambdaFunctions.FunctionError e) {
            log(deployed.name() + " failed", e.getCause());
            return new Outcome(gatewayError(500, "function_error", e.getMessage()), deployed.name());
        }
    }

    /** Lambda stops a function at its Timeout; locally it runs on, and the console says so. */
    private static String overrun(LambdaFunctions.Deployed function, long startedNanos) {
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        return millis > function.timeoutSeconds() * 1000L
                ? "over its Timeout of " + function.timeoutSeconds() + " s: Lambda would have stopped it" : null;
    }

    static APIGatewayV2HTTPResponse gatewayError(int status, String code, String message) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(Json.write(new ErrorBody(code, message)))
                .withIsBase64Encoded(false)
                .build();
    }
}
