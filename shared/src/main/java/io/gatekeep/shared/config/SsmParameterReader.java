package io.gatekeep.shared.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads one SSM Parameter Store value (GetParameter, WithDecryption) with a single SigV4-signed
 * HTTPS POST to SSM's JSON API.
 *
 * <p>Why not the SDK's {@code SsmClient}: jar size. The {@code software.amazon.awssdk:ssm} module
 * is 5 MB of generated model classes, and every function jar carried it for this one call (it was
 * what kept the jars over the 15 MB target, see BENCHMARKS.md). Everything used here is already in
 * each jar for DynamoDB: the URL-connection HTTP client, the SDK's own SigV4 signer
 * ({@code http-auth-aws}), the default credentials provider chain and the default region chain. So
 * signing, credential refresh (Lambda's role credentials, profiles, container credentials) and
 * region lookup are the SDK's, not ours; only the request and response shapes are written here.
 *
 * <p>Request: {@code POST https://ssm.{region}.amazonaws.com/} with
 * {@code X-Amz-Target: AmazonSSM.GetParameter}, {@code Content-Type: application/x-amz-json-1.1}
 * and {@code {"Name": ..., "WithDecryption": true}}; the value is {@code Parameter.Value} of the
 * response. Errors are {@code {"__type": "...ParameterNotFound", "message": ...}}: they become an
 * {@link IllegalStateException} naming the parameter and the error type. The value is never put
 * in an exception or a log. Throttling, 5xx answers and I/O failures are tried again, three
 * attempts in all, like the SDK's standard retry mode.
 *
 * <p>{@code AWS_ENDPOINT_URL_SSM} (the SDK's standard override, read from configuration) points it
 * at LocalStack or a test server.
 */
public final class SsmParameterReader implements Function<String, String> {
    static final String TARGET = "AmazonSSM.GetParameter";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);

    private final URI endpoint;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final Clock signingClock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /** Tests: a given endpoint, region, credentials, HTTP client and signing clock. */
    SsmParameterReader(URI endpoint, String region, AwsCredentialsProvider credentials,
                       SdkHttpClient http, Clock signingClock) {
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
        this.http = http;
        this.signingClock = signingClock;
    }

    /**
     * The reader for a function: region, credentials and HTTP client are resolved on the first
     * read, so a function that is given its secrets directly (local runs, tests) never looks them
     * up, and a cold start pays nothing for SSM until a secret is needed.
     */
    public static Function<String, String> lazy(Config config) {
        Optional<URI> override = config.get(Config.AWS_ENDPOINT_URL_SSM).map(URI::create);
        return new Function<>() {
            private SsmParameterReader reader;

            @Override
            public synchronized String apply(String name) {
                if (reader == null) {
                    String region = new DefaultAwsRegionProviderChain().getRegion().id();
                    URI endpoint = override.orElseGet(() -> URI.create("https://ssm." + region + ".amazonaws.com/"));
                    SdkHttpClient http = UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(2))
                            .socketTimeout(Duration.ofSeconds(3))
                            .build();
                    reader = new SsmParameterReader(endpoint, region, DefaultCredentialsProvider.builder().build(),
                            http, Clock.systemUTC());
                }
                return reader.apply(name);
            }
        };
    }

    /** The decrypted value of the parameter {@code name}. */
    @Override
    public String apply(String name) {
        byte[] body = Json.write(Json.object().put("Name", name).put("WithDecryption", true))
                .getBytes(StandardCharsets.UTF_8);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (attempt > 1) {
                sleep(FIRST_BACKOFF.multipliedBy(1L << (attempt - 2)));
            }
            try {
                Answer answer = call(body);
                if (answer.status() / 100 == 2) {
                    return valueOf(name, answer.body());
                }
                String type = errorType(answer.body());
                last = new IllegalStateException("SSM GetParameter " + name + " failed: HTTP " + answer.status()
                        + (type == null ? "" : " " + type) + messageOf(answer.body()));
                if (answer.status() < 500 && !"ThrottlingException".equals(type)) {
                    throw last;
                }
            } catch (IOException e) {
                last = new IllegalStateException("SSM GetParameter " + name + " failed: " + e, e);
            }
        }
        throw last;
    }

    private record Answer(int status, byte[] body) {}

    private Answer call(byte[] body) throws IOException {
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol(endpoint.getScheme())
                .host(endpoint.getHost())
                .port(endpoint.getPort())
                .encodedPath(path)
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("X-Amz-Target", TARGET)
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        ContentStreamProvider payload = ContentStreamProvider.fromByteArrayUnsafe(body);
        SignedRequest signed = signer.sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(payload)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, signingClock));
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                .request(signed.request())
                .contentStreamProvider(signed.payload().orElse(payload))
                .build()).call();
        byte[] responseBody = new byte[0];
        if (response.responseBody().isPresent()) {
            try (InputStream in = response.responseBody().get()) {
                responseBody = in.readAllBytes();
            }
        }
        return new Answer(response.httpResponse().statusCode(), responseBody);
    }

    private static String valueOf(String name, byte[] body) {
        JsonNode parameter;
        try {
            parameter = Json.parse(new String(body, StandardCharsets.UTF_8)).path("Parameter");
        } catch (IllegalArgumentException e) {
            // Not the exception's message: it could quote the body, which holds the value.
            throw new IllegalStateException("SSM GetParameter " + name + ": the answer is not JSON");
        }
        JsonNode value = parameter.get("Value");
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException("SSM GetParameter " + name + ": no Parameter.Value in the answer");
        }
        return value.asText();
    }

    /** {@code ParameterNotFound} from {@code "com.amazonaws.ssm#ParameterNotFound"} or the bare name. */
    private static String errorType(byte[] body) {
        String type = error(body, "__type");
        return type == null ? null : type.substring(type.lastIndexOf('#') + 1);
    }

    private static String messageOf(byte[] body) {
        String message = error(body, "message");
        if (message == null) {
            message = error(body, "Message");
        }
        if (message == null) {
            return "";
        }
        return ": " + (message.length() > 300 ? message.substring(0, 300) + "..." : message);
    }

    private static String error(byte[] body, String field) {
        try {
            return Json.text(Json.parse(new String(body, StandardCharsets.UTF_8)), field);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading an SSM parameter", e);
        }
    }
}
