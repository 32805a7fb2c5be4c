package io.gatekeep.emulator;

import static io.gatekeep.emulator.Http.escapeHtml;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatekeep.emulator.Http.Req;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A WorkOS emulator: an HTTP server that the real WorkOS SDK, pointed at {@link #baseUrl()}, cannot tell from
 * WorkOS for everything Gatekeep uses (organizations and domains, Admin Portal links, connections, directories,
 * directory users and groups, the Events API, webhooks, JWKS for dev tokens). Control it in-process with
 * {@link #control()} or over HTTP under {@code /_emulator/}.
 *
 * <pre>{@code
 * try (WorkOsEmulator emu = WorkOsEmulator.start(0)) {
 *     WorkOS workos = WorkOS.builder().apiKey(emu.apiKey()).clientId(emu.clientId()).apiBaseUrl(emu.baseUrl()).build();
 *     emu.control().seedDemoWorld();
 * }
 * }</pre>
 */
public final class WorkOsEmulator implements AutoCloseable {
    public static final String DEFAULT_API_KEY = "sk_test_emulator";
    public static final String DEFAULT_CLIENT_ID = "client_emulator";
    public static final int DEFAULT_PORT = 8790;

    private final HttpServer server;
    private final ExecutorService executor;
    private final String baseUrl;
    private final String apiKey;
    private final String clientId;
    private final String issuer;
    private final State state;
    private final WebhookDispatcher webhooks;
    private final WorkOsApi api;
    private final PortalPages portal;
    private final TokenService tokens;
    private final EmulatorControl control;
    private final ControlHttp controlHttp;

    /** Starts on 127.0.0.1 with the defaults; port 0 picks a free port. */
    public static WorkOsEmulator start(int port) {
        return builder().port(port).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options; every one has a default. */
    public static final class Builder {
        private int port = 0;
        private String bindAddress = "127.0.0.1";
        private String apiKey = DEFAULT_API_KEY;
        private String clientId = DEFAULT_CLIENT_ID;
        private String issuer;
        private String publicBaseUrl;
        private Path keyFile;
        private Clock clock = Clock.systemUTC();
        private Long seed;
        private int webhookMaxAttempts = 8;
        private Duration webhookInitialBackoff = Duration.ofSeconds(1);
        private Duration webhookMaxBackoff = Duration.ofMinutes(1);

        private Builder() {}

        /** 0 (default) picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Default 127.0.0.1. */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        /** The only API key the emulator accepts (default {@value #DEFAULT_API_KEY}). */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** The client id: the JWKS path and the dev tokens' audience (default {@value #DEFAULT_CLIENT_ID}). */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** The dev tokens' {@code iss} (default: the base URL). */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** The URL others reach the emulator at, when not http://bindAddress:port (e.g. behind a proxy). */
        public Builder publicBaseUrl(String publicBaseUrl) {
            this.publicBaseUrl = publicBaseUrl;
            return this;
        }

        /** Load the RS256 signing key from this JWK file, or create and save it there. */
        public Builder keyFile(Path keyFile) {
            this.keyFile = keyFile;
            return this;
        }

        /** The emulator's clock (timestamps, link expiry, the event window); it can still be advanced. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Seed for ids and tokens, for reproducible runs (default: SecureRandom). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Webhook attempts per delivery and backoff (default 8 attempts, 1 s doubling up to 1 min). */
        public Builder webhookRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
            this.webhookMaxAttempts = maxAttempts;
            this.webhookInitialBackoff = initialBackoff;
            this.webhookMaxBackoff = maxBackoff;
            return this;
        }

        public WorkOsEmulator start() {
            return new WorkOsEmulator(this);
        }
    }

    private WorkOsEmulator(Builder b) {
        Random random = b.seed == null ? new SecureRandom() : new Random(b.seed);
        Ids ids = new Ids(random);
        this.apiKey = b.apiKey;
        this.clientId = b.clientId;
        this.webhooks = new WebhookDispatcher(ids, b.webhookMaxAttempts, b.webhookInitialBackoff, b.webhookMaxBackoff);
        this.state = new State(new EmuClock(b.clock), ids, webhooks::enqueue);
        this.tokens = new TokenService(b.keyFile, ids);
        try {
            this.server = HttpServer.create(new InetSocketAddress(b.bindAddress, b.port), 0);
        } catch (IOException e) {
            webhooks.close();
            throw new UncheckedIOException("cannot bind " + b.bindAddress + ":" + b.port, e);
        }
        int port = server.getAddress().getPort();
        String host = b.bindAddress.equals("0.0.0.0") ? "127.0.0.1" : b.bindAddress;
        this.baseUrl = b.publicBaseUrl != null ? b.publicBaseUrl.replaceAll("/+$", "") : "http://" + host + ":" + port;
        this.issuer = b.issuer != null ? b.issuer : baseUrl;
        this.api = new WorkOsApi(state, apiKey, this::portalUrl);
        this.portal = new PortalPages(state);
        this.control = new EmulatorControl(this, state, webhooks, api, tokens);
        this.controlHttp = new ControlHttp(this, control, state);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String apiKey() {
        return apiKey;
    }

    public String clientId() {
        return clientId;
    }

    public String issuer() {
        return issuer;
    }

    /** {@code <baseUrl>/sso/jwks/<clientId>}: the public key of the dev tokens. */
    public String jwksUrl() {
        return baseUrl + "/sso/jwks/" + clientId;
    }

    /** The {@code kid} of the signing key. */
    public String keyId() {
        return tokens.keyId();
    }

    public EmulatorControl control() {
        return control;
    }

    String portalUrl(String token) {
        return baseUrl + "/portal/" + token;
    }

    private void dispatch(HttpExchange ex) {
        try {
            Req r = new Req(ex);
            String p = r.path;
            if (p.equals("/_emulator") || p.startsWith("/_emulator/")) {
                controlHttp.handle(r);
            } else if (p.startsWith("/portal/") && !p.equals("/portal/generate_link")) {
                portal.handle(r);
            } else if (p.startsWith("/sso/jwks/") && r.method.equals("GET")) {
                jwks(r);
            } else if (p.equals("/") && r.method.equals("GET")) {
                Http.sendHtml(ex, 200, indexPage());
            } else {
                api.handle(r);
            }
        } catch (Exception e) {
            try {
                Http.sendError(ex, new Http.ApiError(500, "server_error",
                        "Emulator error: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
            } catch (IOException | RuntimeException ignored) {
                ex.close();
            }
        }
    }

    private void jwks(Req r) throws IOException {
        List<String> s = r.segments();
        if (s.size() != 3 || !s.get(2).equals(clientId)) {
            Http.sendError(r.exchange, new Http.ApiError(404, "entity_not_found",
                    "Client not found: '" + (s.size() > 2 ? s.get(2) : "") + "'."));
            return;
        }
        Http.sendJson(r.exchange, 200, Json.MAPPER.valueToTree(tokens.jwks()));
    }

    private String indexPage() {
        StringBuilder b = new StringBuilder("<h1>WorkOS emulator</h1><p>API base URL <code>")
                .append(escapeHtml(baseUrl)).append("</code>, API key <code>").append(escapeHtml(apiKey))
                .append("</code>, client id <code>").append(escapeHtml(clientId)).append("</code>, JWKS <a href=\"")
                .append(escapeHtml(jwksUrl())).append("\">").append(escapeHtml(jwksUrl())).append("</a></p>");
        b.append("<h2>Organizations</h2><ul data-testid=\"organizations\">");
        Snapshot s = control.snapshot();
        for (Snapshot.Organization o : s.organizations()) {
            b.append("<li>").append(escapeHtml(o.name())).append(" <code>").append(o.id()).append("</code>: ")
                    .append(s.domainsOf(o.id()).size()).append(" domains, ")
                    .append(s.connectionsOf(o.id()).size()).append(" connections, ")
                    .append(s.directoriesOf(o.id()).size()).append(" directories</li>");
        }
        b.append("</ul><p>").append(control.events().size()).append(" events stored. Control API: ")
                .append("<a href=\"/_emulator/snapshot\">/_emulator/snapshot</a>, ")
                .append("<a href=\"/_emulator/deliveries\">/_emulator/deliveries</a>.</p>");
        return PortalPages.page("WorkOS emulator", b.toString());
    }

    @Override
    public void close() {
        server.stop(0);
        webhooks.close();
        executor.shutdownNow();
    }
}
