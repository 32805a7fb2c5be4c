package io.gatekeep.shared.projection;

/**
 * What applying one event did. {@code organizationId} is the organization the event was filed under
 * (its audit entry's partition; {@code _unassigned} when the event names none). {@code reason} says
 * why an event was {@link Status#IGNORED}: {@code stale} (the stored object is newer), {@code deleted}
 * (the object, or its directory, was deleted: a tombstone holds), {@code unknown_event} (a name this
 * version does not apply) or {@code unreadable} (a known name whose data lacks what it needs); null
 * otherwise. Every outcome except {@link Status#DUPLICATE} wrote the event's audit entry and marker.
 */
public record ApplyOutcome(Status status, String eventId, String type, String organizationId, String reason) {

    public enum Status {
        /** The projection changed (and the event's marker and audit entry were written with it). */
        APPLIED,
        /** The event had been applied before: nothing was written. */
        DUPLICATE,
        /** Recorded (marker and audit entry) but the projection had nothing to take from it. */
        IGNORED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final String STALE = "stale";
    public static final String DELETED = "deleted";
    public static final String UNKNOWN_EVENT = "unknown_event";
    public static final String UNREADABLE = "unreadable";
}
