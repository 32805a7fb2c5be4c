package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;

import java.util.regex.Pattern;

/**
 * Where a reconcile run is: the phase, the directory (groups and users phases) and the last id fully
 * processed. A stopped run reports it as {@code resumeFrom}; the next run is given it back unchanged.
 */
record ReconcilePosition(Phase phase, String directoryId, String after) {
    enum Phase {
        EVENTS, ORGANIZATION, CONNECTIONS, DIRECTORIES, GROUPS, USERS;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Phase of(String wire) {
            for (Phase p : values()) {
                if (p.wire().equals(wire)) {
                    return p;
                }
            }
            return null;
        }
    }

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,200}");

    ReconcilePosition at(String newAfter) {
        return new ReconcilePosition(phase, directoryId, newAfter);
    }

    /** The {@code resumeFrom} of a request (null when absent); {@link OperatorError#invalid} for anything a run did not report. */
    static ReconcilePosition parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw OperatorError.invalid("\"resumeFrom\" must be the object a stopped reconcile reported.");
        }
        Phase phase = Phase.of(Json.text(node, "phase"));
        String directoryId = Json.text(node, "directoryId");
        String after = Json.text(node, "after");
        boolean perDirectory = phase == Phase.GROUPS || phase == Phase.USERS;
        if (phase == null || (perDirectory != (directoryId != null))
                || (directoryId != null && !ID.matcher(directoryId).matches()) || (after != null && !ID.matcher(after).matches())) {
            throw OperatorError.invalid("\"resumeFrom\" is not a position a reconcile reported; copy it unchanged.");
        }
        return new ReconcilePosition(phase, directoryId, after);
    }

    ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("phase", phase.wire());
        if (directoryId != null) {
            node.put("directoryId", directoryId);
        }
        if (after != null) {
            node.put("after", after);
        }
        return node;
    }
}
