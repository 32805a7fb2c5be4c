package io.gatekeep.emulator;

import io.gatekeep.emulator.Http.ApiError;
import java.time.Duration;

/**
 * The faults a test asks the WorkOS API to show: the next requests failing (429 with Retry-After, or
 * 5xx), every request slowed, and new events kept out of the Events API for a while (WorkOS's lag).
 * Apart from {@link WorkOsApi} so the API's way in reads without them.
 */
final class ApiFaults {
    private final Object lock = new Object();
    private int failRemaining;
    private int failStatus;
    private Integer failRetryAfter;
    private String failPathPrefix;
    private volatile long latencyMs;
    private volatile Duration visibilityLag = Duration.ZERO;
    private String beforePathPrefix;
    private Runnable beforeAction;

    void failNext(int count, int status, Integer retryAfterSeconds, String pathPrefix) {
        if (count < 0 || (count > 0 && status != 429 && (status < 500 || status > 599))) {
            throw new IllegalArgumentException("failNext: status must be 429 or 5xx and count >= 0");
        }
        synchronized (lock) {
            failRemaining = count;
            failStatus = status;
            failRetryAfter = retryAfterSeconds;
            failPathPrefix = pathPrefix;
        }
    }

    /** Runs action once, just before the next request whose path starts with pathPrefix is handled. */
    void beforeNext(String pathPrefix, Runnable action) {
        synchronized (lock) {
            beforePathPrefix = pathPrefix;
            beforeAction = action;
        }
    }

    /** The action set for this request by {@link #beforeNext}, taken (it runs once), or null. */
    Runnable takeBefore(String path) {
        synchronized (lock) {
            if (beforeAction == null || !path.startsWith(beforePathPrefix)) {
                return null;
            }
            Runnable action = beforeAction;
            beforeAction = null;
            return action;
        }
    }

    void latency(Duration d) {
        latencyMs = d.toMillis();
    }

    void visibilityLag(Duration d) {
        visibilityLag = d;
    }

    Duration visibilityLag() {
        return visibilityLag;
    }

    void clear() {
        failNext(0, 500, null, null);
        beforeNext(null, null);
        latencyMs = 0;
        visibilityLag = Duration.ZERO;
    }

    /** Sleeps the set latency, if any. */
    void delay() {
        if (latencyMs > 0) {
            try {
                Thread.sleep(latencyMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The error this request is to fail with, or null. */
    ApiError next(String path) {
        synchronized (lock) {
            if (failRemaining <= 0 || (failPathPrefix != null && !path.startsWith(failPathPrefix))) {
                return null;
            }
            failRemaining--;
            if (failStatus == 429) {
                ApiError e = new ApiError(429, "rate_limit_exceeded", "Too many requests. Please try again later.");
                if (failRetryAfter != null) {
                    e.header("Retry-After", String.valueOf(failRetryAfter));
                }
                return e;
            }
            return new ApiError(failStatus, "server_error", "An internal error occurred.");
        }
    }
}
