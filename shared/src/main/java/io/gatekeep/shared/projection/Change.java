package io.gatekeep.shared.projection;

/**
 * What an object write from a snapshot (reconcile) did: {@code CREATED} (the projection did not
 * know the object), {@code UPDATED} (it held an older version), {@code DELETED} (a tombstone now
 * holds), {@code UNCHANGED} (it already held this or a newer version, or a tombstone).
 */
public enum Change {
    CREATED, UPDATED, UNCHANGED, DELETED;

    public boolean changed() {
        return this != UNCHANGED;
    }
}
