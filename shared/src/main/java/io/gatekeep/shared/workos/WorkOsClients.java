package io.gatekeep.shared.workos;

import com.workos.WorkOS;
import com.workos.common.http.RetryConfig;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.config.Secrets;
import okhttp3.OkHttpClient;

import java.time.Duration;

/**
 * Builds the WorkOS SDK client from configuration: base URL (the emulator locally and in tests,
 * WorkOS in production), API key from SSM, a call timeout well under the Lambda timeout, and a
 * bounded retry policy ({@code WORKOS_MAX_RETRIES}, default 2) that honours {@code Retry-After}.
 * Only the functions that call WorkOS depend on the SDK.
 */
public final class WorkOsClients {
    private WorkOsClients() {}

    public static WorkOS create(Config config, Secrets secrets) {
        Duration timeout = config.workosTimeout();
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout)
                .build();
        int maxRetries = config.getInt(Config.WORKOS_MAX_RETRIES, 2);
        RetryConfig retries = maxRetries <= 0
                ? RetryConfig.DISABLED
                : new RetryConfig(maxRetries, 200L, 2_000L, 0.2);
        return new WorkOS.Builder()
                .apiKey(secrets.get(Config.WORKOS_API_KEY_PARAMETER, Config.WORKOS_API_KEY))
                .clientId(config.get(Config.WORKOS_CLIENT_ID).orElse(null))
                .apiBaseUrl(config.workosBaseUrl())
                .httpClient(http)
                .retryConfig(retries)
                .build();
    }
}
