package io.gatekeep.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/** Placeholder until the shared projection lands. */
final class Projector {
    enum Outcome { CREATED, UPDATED, UNCHANGED, DELETED }

    enum EventOutcome { APPLIED, DUPLICATE, IGNORED }

    enum Kind { ORGANIZATION, DOMAIN, CONNECTION, DIRECTORY, USER, GROUP }

    private final Env env;

    Projector(Env env) {
        this.env = env;
    }

    static List<String> eventNames() {
        throw new UnsupportedOperationException();
    }

    EventOutcome apply(ObjectNode event) {
        throw new UnsupportedOperationException();
    }

    Outcome upsert(Kind kind, ObjectNode wire) {
        throw new UnsupportedOperationException();
    }

    Outcome delete(Kind kind, String organizationId, String directoryId, String id, Instant at) {
        throw new UnsupportedOperationException();
    }

    Outcome membership(String organizationId, String directoryId, String userId, String groupId, boolean member, Instant at) {
        throw new UnsupportedOperationException();
    }

    Counts storeOrganization(ObjectNode organization) {
        throw new UnsupportedOperationException();
    }
}
