package io.gatekeep.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.projection.Change;

/** What happened to the objects of one kind: created, updated, deleted, unchanged. */
final class Counts {
    long created;
    long updated;
    long deleted;
    long unchanged;

    void add(Change outcome) {
        switch (outcome) {
            case CREATED -> created++;
            case UPDATED -> updated++;
            case DELETED -> deleted++;
            case UNCHANGED -> unchanged++;
        }
    }

    void add(Counts other) {
        created += other.created;
        updated += other.updated;
        deleted += other.deleted;
        unchanged += other.unchanged;
    }

    boolean changed() {
        return created + updated + deleted > 0;
    }

    ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("created", created);
        node.put("updated", updated);
        node.put("deleted", deleted);
        node.put("unchanged", unchanged);
        return node;
    }
}
