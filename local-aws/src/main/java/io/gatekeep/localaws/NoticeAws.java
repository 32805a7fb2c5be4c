package io.gatekeep.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gatekeep.shared.Json;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the notices' AWS services run for the tests and the local runner: EventBridge and SES (what the
 * notices function calls) and SQS (where a rule on the bus puts what was published, to read it back).
 * Either the endpoints the standard AWS variables name ({@link Endpoints#configured}: LocalStack started
 * with Docker, or any AWS emulator already running), used as they are, or else a moto server started here
 * ({@link MotoServer}) and stopped by {@link #close()}. Without either, {@link #open} is empty and the
 * callers say so ({@link #MISSING}).
 */
public final class NoticeAws implements AutoCloseable {
    public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";
    public static final String AWS_ENDPOINT_URL_EVENTBRIDGE = "AWS_ENDPOINT_URL_EVENTBRIDGE";
    public static final String AWS_ENDPOINT_URL_SES = "AWS_ENDPOINT_URL_SES";
    public static final String AWS_ENDPOINT_URL_SQS = "AWS_ENDPOINT_URL_SQS";
    public static final String AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

    public static final String MISSING = "neither AWS_ENDPOINT_URL (e.g. LocalStack: docker run -p 4566:4566 localstack/localstack) "
            + "nor moto_server (pip install 'moto[server]'; or set MOTO_SERVER) is there: "
            + "the EventBridge and SES tests need a real AWS emulator and are skipped, not passed";

    /**
     * The three services' endpoints and where they came from ({@code source}: the variables that set them,
     * or "moto_server started here").
     */
    public record Endpoints(URI eventBridge, URI ses, URI sqs, String source) {
        /**
         * The endpoints the standard variables set, with the AWS SDKs' documented precedence (the
         * "Service-specific endpoints" page of the SDKs and Tools reference): a service's own
         * {@code AWS_ENDPOINT_URL_<SERVICE>} over the global {@code AWS_ENDPOINT_URL}, none of them when
         * {@code AWS_IGNORE_CONFIGURED_ENDPOINT_URLS} is true. Empty when none is set; when some are, all
         * three services must resolve (otherwise a notice would go to real AWS): an
         * {@link IllegalArgumentException} names what is missing.
         */
        public static Optional<Endpoints> configured(Map<String, String> env) {
            if ("true".equalsIgnoreCase(value(env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS))) {
                return Optional.empty();
            }
            String global = value(env, AWS_ENDPOINT_URL);
            List<String> names = List.of(AWS_ENDPOINT_URL_EVENTBRIDGE, AWS_ENDPOINT_URL_SES, AWS_ENDPOINT_URL_SQS);
            List<URI> uris = new ArrayList<>();
            List<String> sources = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String name : names) {
                String own = value(env, name);
                String url = own != null ? own : global;
                if (url == null) {
                    missing.add(name);
                    continue;
                }
                uris.add(uri(own != null ? name : AWS_ENDPOINT_URL, url));
                if (own != null) {
                    sources.add(name + "=" + own);
                }
            }
            if (missing.size() == names.size()) {
                return Optional.empty();
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("set AWS_ENDPOINT_URL, or also " + String.join(" and ", missing)
                        + ": the notices need EventBridge, SES and SQS at the same emulator, never real AWS for some of them");
            }
            if (global != null && sources.size() < names.size()) {
                sources.add(0, AWS_ENDPOINT_URL + "=" + global);
            }
            return Optional.of(new Endpoints(uris.get(0), uris.get(1), uris.get(2), String.join(", ", sources)));
        }

        /** What the notices function is given: the standard overrides for the two services it calls. */
        public Map<String, String> functionVariables() {
            return Map.of(AWS_ENDPOINT_URL_EVENTBRIDGE, eventBridge.toString(), AWS_ENDPOINT_URL_SES, ses.toString());
        }

        private static String value(Map<String, String> env, String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? null : v.trim();
        }

        private static URI uri(String name, String url) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException(name + " must be an http(s) URL such as http://localhost:4566, not '" + url + "'");
            }
            return uri;
        }
    }

    private final Endpoints endpoints;
    private final MotoServer moto; // null when the endpoints were configured

    private NoticeAws(Endpoints endpoints, MotoServer moto) {
        this.endpoints = endpoints;
        this.moto = moto;
    }

    /** The configured endpoints when there are some, else a moto server started here when it is installed. */
    public static Optional<NoticeAws> open(Optional<Endpoints> configured) {
        if (configured.isPresent()) {
            return Optional.of(new NoticeAws(configured.get(), null));
        }
        return MotoServer.find().map(MotoServer::start).map(NoticeAws::of);
    }

    /** {@link #open(Optional)} with the endpoints {@code env} sets (tests pass {@code System.getenv()}). */
    public static Optional<NoticeAws> open(Map<String, String> env) {
        return open(Endpoints.configured(env));
    }

    /** Whether {@link #open(Map)} would find an emulator (configured, or moto installed), without starting one. */
    public static boolean available(Map<String, String> env) {
        return Endpoints.configured(env).isPresent() || MotoServer.find().isPresent();
    }

    /** A moto server the caller started; {@link #close()} stops it. */
    public static NoticeAws of(MotoServer moto) {
        URI e = moto.endpoint();
        return new NoticeAws(new Endpoints(e, e, e, "moto_server started here"), moto);
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    /** Whether this started the moto server it uses (false: the endpoints were configured). */
    public boolean startedHere() {
        return moto != null;
    }

    /** One line: which emulator and where ("moto_server started here at http://127.0.0.1:…", or the variables). */
    public String describe() {
        return startedHere() ? "moto_server started here at " + endpoints.ses() : "the configured AWS endpoint (" + endpoints.source() + ")";
    }

    /**
     * The templated emails SES accepted, in moto's shape ({@code source}, {@code destinations.ToAddresses},
     * {@code template}, {@code template_data}): from moto's {@code /moto-api/data.json}, or where that is not
     * there, LocalStack's {@code /_aws/ses} (its messages' {@code Source}, {@code Destination}, {@code Template},
     * {@code TemplateData}).
     */
    public List<JsonNode> templatedEmails() {
        Optional<String> moto = get("/moto-api/data.json");
        if (moto.isPresent()) {
            List<JsonNode> out = new ArrayList<>();
            Json.parse(moto.get()).path("ses").path("TemplateMessage").forEach(out::add);
            return out;
        }
        String localstack = get("/_aws/ses").orElseThrow(() -> new IllegalStateException(
                "the SES endpoint " + endpoints.ses() + " has neither moto's /moto-api/data.json nor LocalStack's /_aws/ses"));
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode m : Json.parse(localstack).path("messages")) {
            if (m.hasNonNull("Template")) {
                var email = Json.MAPPER.createObjectNode();
                email.put("source", m.path("Source").asText());
                ArrayNode to = email.putObject("destinations").putArray("ToAddresses");
                m.path("Destination").path("ToAddresses").forEach(to::add);
                email.put("template", m.path("Template").asText());
                email.put("template_data", m.path("TemplateData").asText());
                out.add(email);
            }
        }
        return out;
    }

    /** GET on the SES endpoint's host; empty on 404. */
    private Optional<String> get(String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoints.ses().resolve(path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(10000);
            if (c.getResponseCode() == 404) {
                return Optional.empty();
            }
            try (var in = c.getInputStream()) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("GET " + endpoints.ses().resolve(path) + " failed", e);
        }
    }

    @Override
    public void close() {
        if (moto != null) {
            moto.close();
        }
    }
}
