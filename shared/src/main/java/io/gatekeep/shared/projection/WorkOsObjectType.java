package io.gatekeep.shared.projection;

/**
 * The types of WorkOS object the projection stores, one item each: what a wire object is written as
 * ({@link WireObjects}) and what the operator lists, gets and tombstones by (reconcile, the sweep).
 * Users and groups are counted on their directory's item.
 */
public enum WorkOsObjectType {
    ORGANIZATION(null), DOMAIN(null), CONNECTION(null), DIRECTORY(null), USER("userCount"), GROUP("groupCount");

    /** The counter on the directory item that counts live objects of this type, or null. */
    final String counter;

    WorkOsObjectType(String counter) {
        this.counter = counter;
    }

    boolean counted() {
        return counter != null;
    }
}
