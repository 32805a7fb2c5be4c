package io.gatekeep.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.shared.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The reference "Identity integrations" page (the project's {@code web/} folder) and its demo sign-in, served by
 * the local runner next to the API, for what no route of the template matches (API routes always win):
 * <ul>
 *   <li>{@code GET /}: {@code web/index.html}; {@code GET /web/<file>}: a file of {@code web/} (read at each
 *       request, so edits show on reload);</li>
 *   <li>{@code GET /_local/demo}: the demo organizations and roles for the page's organization picker and
 *       "Demo sign-in" switcher;</li>
 *   <li>{@code POST /_local/dev-token {"organizationId","role"}}: a dev token from the WorkOS emulator's token
 *       issuer (its control API {@code /_emulator/tokens}), with the claims the printed dev tokens have
 *       ({@code sub user_<org>_<role>}, {@code email <role>@<org>.com}).</li>
 * </ul>
 * The {@code /_local/} endpoints answer loopback callers only and exist only in the local run: in AWS the page
 * gets its tokens from the product's AuthKit session ({@code window.GatekeepSession}, see web/README.md).
 */
public final class LocalWeb implements LocalApiGateway.Unrouted {
    public static final String DEMO_PATH = "/_local/demo";
    public static final String DEV_TOKEN_PATH = "/_local/dev-token";
    /** Lifetime of a dev token issued for the page; it asks for a new one when the API says 401. */
    static final long DEV_TOKEN_SECONDS = 3600;

    private static final Pattern FILE = Pattern.compile("/web/([A-Za-z0-9][A-Za-z0-9._-]{0,100})");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "md", "text/markdown; charset=utf-8");
    /** The page loads its own script and styles and calls its own origin (the API and /_local/). */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /** A demo organization as the picker shows it. */
    public record Organization(String id, String name) {}

    private final Path webDir;
    private final List<Organization> organizations;
    private final EmulatorControl emulator;

    /** @param organizations the demo organizations, name to id, in the picker's order */
    public LocalWeb(Path webDir, Map<String, String> organizations, EmulatorControl emulator) {
        this.webDir = webDir.toAbsolutePath().normalize();
        this.organizations = organizations.entrySet().stream().map(e -> new Organization(e.getValue(), e.getKey())).toList();
        this.emulator = emulator;
    }

    @Override
    public APIGatewayV2HTTPResponse serve(HttpExchange exchange, String method, String rawPath) throws IOException {
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (rawPath.equals(DEMO_PATH) || rawPath.equals(DEV_TOKEN_PATH)) {
            if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
                return LocalApiGateway.gatewayError(403, "forbidden", "Demo sign-in works from this machine only.");
            }
            if (rawPath.equals(DEMO_PATH) && read) {
                return json(200, Map.of("organizations", organizations, "roles", LocalSystem.ROLES));
            }
            if (rawPath.equals(DEV_TOKEN_PATH) && method.equals("POST")) {
                return devToken(exchange);
            }
            return LocalApiGateway.gatewayError(405, "method_not_allowed", "Use " + (rawPath.equals(DEMO_PATH) ? "GET" : "POST") + ".");
        }
        if (!read) {
            return null;
        }
        if (rawPath.equals("/") || rawPath.equals("/index.html")) {
            return file("index.html");
        }
        if (rawPath.equals("/web") || rawPath.equals("/web/") || rawPath.equals("/web/index.html")) {
            // The page's relative links (web/app.js) resolve from "/" only.
            APIGatewayV2HTTPResponse redirect = response(302, "text/plain; charset=utf-8", "See /".getBytes(StandardCharsets.UTF_8));
            redirect.getHeaders().put("Location", "/");
            return redirect;
        }
        var m = FILE.matcher(rawPath);
        return m.matches() ? file(m.group(1)) : null;
    }

    private APIGatewayV2HTTPResponse devToken(HttpExchange exchange) throws IOException {
        JsonNode body;
        try (InputStream in = exchange.getRequestBody()) {
            body = Json.parse(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return LocalApiGateway.gatewayError(400, "invalid_request", "The body must be {\"organizationId\", \"role\"}.");
        }
        String organizationId = body.path("organizationId").asText("");
        String role = body.path("role").asText("");
        Organization org = organizations.stream().filter(o -> o.id().equals(organizationId)).findFirst().orElse(null);
        if (org == null) {
            return LocalApiGateway.gatewayError(400, "organization_required", "Select an organization before continuing.");
        }
        if (!LocalSystem.ROLES.contains(role)) {
            return LocalApiGateway.gatewayError(400, "invalid_request", "role must be one of " + LocalSystem.ROLES + ".");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", DemoBootstrap.devToken(emulator, org.name(), org.id(), role, DEV_TOKEN_SECONDS).token());
        out.put("expiresIn", DEV_TOKEN_SECONDS);
        return json(200, out);
    }

    private APIGatewayV2HTTPResponse file(String name) throws IOException {
        Path path = webDir.resolve(name).normalize();
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (!path.getParent().equals(webDir) || type == null || !Files.isRegularFile(path)) {
            return null;
        }
        APIGatewayV2HTTPResponse response = response(200, type, Files.readAllBytes(path));
        if (name.endsWith(".html")) {
            response.getHeaders().put("Content-Security-Policy", CSP);
        }
        return response;
    }

    private static APIGatewayV2HTTPResponse json(int status, Object body) {
        return response(status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static APIGatewayV2HTTPResponse response(int status, String type, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", type);
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        boolean text = type.startsWith("text/") || type.startsWith("application/json");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(!text)
                .build();
    }
}
