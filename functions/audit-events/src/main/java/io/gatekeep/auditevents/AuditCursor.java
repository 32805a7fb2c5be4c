package io.gatekeep.auditevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.SignedCursor;

import java.util.List;
import java.util.Objects;

/**
 * The audit log's opaque page cursor ({@link SignedCursor}: {@code base64url(payload) "."
 * base64url(HMAC-SHA256)}). The payload binds the organization and the type filter to the position
 * (the sort key of the last entry read), so a cursor is only good for the request it was made for;
 * anything else, and any change to a single character, is 400 {@code invalid_cursor}, never a read
 * from the start. Several keys may be configured (comma-separated) during a rotation: the first
 * signs, any verifies.
 */
final class AuditCursor {
    /** Domain separation: this key signs nothing else that could be replayed as a cursor. */
    private static final String CONTEXT = "gatekeep/audit-events/cursor/v1\n";

    private final SignedCursor cursor;

    AuditCursor(List<String> keys) {
        this.cursor = new SignedCursor(CONTEXT, keys, AuditCursor::invalid);
    }

    /** A cursor that resumes after {@code afterSortKey}, for this organization and filter only. */
    String sign(String organizationId, String typeFilter, String afterSortKey) {
        ObjectNode payload = Json.object();
        payload.put("o", organizationId);
        payload.put("t", typeFilter);
        payload.put("a", afterSortKey);
        return cursor.sign(payload);
    }

    /** The position in a cursor this function made for this organization and filter, or 400 {@code invalid_cursor}. */
    String verify(String cursor, String organizationId, String typeFilter) {
        JsonNode payload = this.cursor.verify(cursor);
        String after = Json.text(payload, "a");
        if (!organizationId.equals(Json.text(payload, "o")) || !Objects.equals(typeFilter, Json.text(payload, "t"))
                || after == null) {
            throw invalid();
        }
        return after;
    }

    private static ApiException invalid() {
        return ApiException.badRequest("invalid_cursor",
                "This page link is not valid for this organization and filter. Start again from the first page.");
    }
}
