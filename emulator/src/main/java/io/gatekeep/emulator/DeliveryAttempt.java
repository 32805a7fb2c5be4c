package io.gatekeep.emulator;

import java.time.Instant;

/**
 * One webhook delivery attempt (or decision). {@code outcome} is one of {@code delivered}, {@code retrying}
 * (failed, another attempt is scheduled), {@code gave_up} (failed, no attempts left) or {@code dropped}
 * (fault mode: never sent; the event is still in the Events API). {@code status} is the HTTP status, or -1
 * when no response arrived; {@code copy} numbers the duplicates of one event (1..k).
 */
public record DeliveryAttempt(
        String eventId, String event, String endpointId, String url, int copy, int attempt, int status,
        String outcome, String error, Instant at) {}
