package io.gatekeep.shared.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Secrets (WorkOS API key, webhook secrets, cursor key) come from SSM Parameter Store
 * (SecureString) by the parameter name in configuration, cached for five minutes so that a
 * rotation is picked up without a redeploy. For local development a direct value may be given
 * instead. Values are never logged.
 */
public final class Secrets {
    private static final Duration TTL = Duration.ofMinutes(5);

    private record Cached(String value, Instant fetchedAt) {}

    private final Config config;
    private final Function<String, String> parameterReader;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Secrets(Config config, Function<String, String> parameterReader, Clock clock) {
        this.config = config;
        this.parameterReader = parameterReader;
        this.clock = clock;
    }

    /**
     * Reads SSM only when a parameter name is configured; region, credentials and HTTP client are
     * resolved on first use. {@link SsmParameterReader} says why this is not the SDK's SsmClient.
     */
    public static Secrets fromSsm(Config config) {
        return new Secrets(config, SsmParameterReader.lazy(config), Clock.systemUTC());
    }

    /**
     * The secret named by {@code parameterSetting} (an SSM parameter name) or, failing that, the
     * direct value in {@code directSetting}.
     */
    public String get(String parameterSetting, String directSetting) {
        var parameter = config.get(parameterSetting);
        if (parameter.isPresent()) {
            String name = parameter.get();
            Cached cached = cache.get(name);
            Instant now = clock.instant();
            if (cached == null || cached.fetchedAt().plus(TTL).isBefore(now)) {
                cached = new Cached(parameterReader.apply(name), now);
                cache.put(name, cached);
            }
            return cached.value();
        }
        return config.get(directSetting).orElseThrow(() -> new IllegalStateException(
                "missing secret: set " + parameterSetting + " (SSM parameter name) or " + directSetting));
    }

    /** A secret that may hold several comma-separated values, e.g. old and new during rotation. */
    public List<String> getAll(String parameterSetting, String directSetting) {
        return java.util.Arrays.stream(get(parameterSetting, directSetting).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public void invalidate() {
        cache.clear();
    }
}
