package io.gatekeep.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;

/**
 * A refusal the operator reads as {@code {"error": code, "message": text}}: a bad event, an unknown
 * organization, or WorkOS refusing. Thrown before anything is written; the handler turns it into
 * the function's result (not a Lambda error).
 */
final class OperatorError extends RuntimeException {
    private final String code;

    OperatorError(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    static OperatorError invalid(String message) {
        return new OperatorError("invalid_request", message);
    }

    static OperatorError organizationNotFound(String organizationId, String hint) {
        return new OperatorError("organization_not_found",
                "Organization " + organizationId + " is not known" + (hint == null ? "." : ": " + hint));
    }

    String code() {
        return code;
    }

    ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("error", code);
        node.put("message", getMessage());
        return node;
    }
}
