package io.gatekeep.shared.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration, read from the environment (the template sets it) or from a map (tests and the
 * local runner). Secrets are never here: only the names of the SSM parameters that hold them,
 * except in local development where {@code *_VALUE}-less direct variables are accepted.
 * Every variable is listed in the README's configuration table.
 */
public final class Config {
    public static final String TABLE_NAME = "TABLE_NAME";
    public static final String WORKOS_API_BASE_URL = "WORKOS_API_BASE_URL";
    public static final String WORKOS_CLIENT_ID = "WORKOS_CLIENT_ID";
    public static final String WORKOS_API_KEY_PARAMETER = "WORKOS_API_KEY_PARAMETER";
    public static final String WORKOS_API_KEY = "WORKOS_API_KEY";
    public static final String WORKOS_WEBHOOK_SECRET_PARAMETER = "WORKOS_WEBHOOK_SECRET_PARAMETER";
    public static final String WORKOS_WEBHOOK_SECRET = "WORKOS_WEBHOOK_SECRET";
    public static final String WORKOS_MAX_RETRIES = "WORKOS_MAX_RETRIES";
    public static final String WORKOS_TIMEOUT_MS = "WORKOS_TIMEOUT_MS";
    public static final String CURSOR_KEY_PARAMETER = "CURSOR_KEY_PARAMETER";
    public static final String CURSOR_KEY = "CURSOR_KEY";
    public static final String PORTAL_REDIRECT_ALLOWED_HOSTS = "PORTAL_REDIRECT_ALLOWED_HOSTS";
    /** The SDK's standard endpoint override: DynamoDB Local or LocalStack. */
    public static final String AWS_ENDPOINT_URL_DYNAMODB = "AWS_ENDPOINT_URL_DYNAMODB";
    /** The SDK's standard endpoint override for SSM (Parameter Store): LocalStack or a test server. */
    public static final String AWS_ENDPOINT_URL_SSM = "AWS_ENDPOINT_URL_SSM";

    private final Map<String, String> values;

    public Config(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * The process environment, overlaid by JVM system properties of the same names. Lambda sets
     * only the environment; the local runner runs the same handler classes in one JVM and passes
     * its settings as system properties.
     */
    public static Config fromEnvironment() {
        var values = new java.util.HashMap<>(System.getenv());
        System.getProperties().forEach((k, v) -> {
            String name = k.toString();
            if (!name.isEmpty() && Character.isUpperCase(name.charAt(0))) {
                values.put(name, v.toString());
            }
        });
        return new Config(values);
    }

    public Optional<String> get(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> new IllegalStateException("missing configuration: " + name));
    }

    public String tableName() {
        return require(TABLE_NAME);
    }

    public String workosBaseUrl() {
        return get(WORKOS_API_BASE_URL).orElse("https://api.workos.com");
    }

    public int getInt(String name, int defaultValue) {
        return get(name).map(Integer::parseInt).orElse(defaultValue);
    }

    public Duration workosTimeout() {
        // Well under the functions' timeout, so a slow WorkOS is a clean 502, not a Lambda timeout.
        return Duration.ofMillis(getInt(WORKOS_TIMEOUT_MS, 4_000));
    }

    public List<String> list(String name) {
        return get(name).map(v -> Arrays.stream(v.split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** A copy with some values replaced: tests and the local runner adjust one setting at a time. */
    public Config with(String name, String value) {
        var copy = new java.util.HashMap<>(values);
        copy.put(name, value);
        return new Config(copy);
    }
}
