package io.gatekeep.shared.projection;

/**
 * The table did not take a change: DynamoDB failed (throttling, an outage, a missing table), or
 * concurrent writers kept invalidating what the projection had just learned. Nothing of the change
 * was written (every change is one transaction), so the caller can safely try again: the webhook
 * answers 503 (WorkOS retries) and keeps the event as a dead letter for {@code replay}.
 */
public final class StoreUnavailableException extends RuntimeException {
    private final int attempts;

    public StoreUnavailableException(String message, Throwable cause, int attempts) {
        super(message, cause);
        this.attempts = attempts;
    }

    public StoreUnavailableException(String message, Throwable cause) {
        this(message, cause, 1);
    }

    public StoreUnavailableException(String message) {
        this(message, null, 1);
    }

    /** How many writes were tried before giving up. */
    public int attempts() {
        return attempts;
    }
}
