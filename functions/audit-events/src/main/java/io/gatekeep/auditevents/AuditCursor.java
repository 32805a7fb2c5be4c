package io.gatekeep.auditevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.http.ApiException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The audit log's opaque page cursor: {@code base64url(payload) "." base64url(HMAC-SHA256)}. The
 * payload binds the organization and the type filter to the position (the sort key of the last
 * entry read), so a cursor is only good for the request it was made for; anything else, and any
 * change to a single character, is 400 {@code invalid_cursor}, never a read from the start.
 * Several keys may be configured (comma-separated) during a rotation: the first signs, any verifies.
 */
final class AuditCursor {
    /** Domain separation: this key signs nothing else that could be replayed as a cursor. */
    private static final String CONTEXT = "gatekeep/audit-events/cursor/v1\n";
    private static final int MAX_LENGTH = 2048;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final List<byte[]> keys;

    AuditCursor(List<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalStateException("no cursor key configured");
        }
        this.keys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** A cursor that resumes after {@code afterSortKey}, for this organization and filter only. */
    String sign(String organizationId, String typeFilter, String afterSortKey) {
        ObjectNode payload = Json.object();
        payload.put("o", organizationId);
        payload.put("t", typeFilter);
        payload.put("a", afterSortKey);
        String body = ENCODER.encodeToString(Json.write(payload).getBytes(StandardCharsets.UTF_8));
        return body + "." + signature(keys.getFirst(), body);
    }

    /** The position in a cursor this function made for this organization and filter, or 400 {@code invalid_cursor}. */
    String verify(String cursor, String organizationId, String typeFilter) {
        if (cursor.isEmpty() || cursor.length() > MAX_LENGTH) {
            throw invalid();
        }
        int dot = cursor.indexOf('.');
        if (dot <= 0 || dot != cursor.lastIndexOf('.')) {
            throw invalid();
        }
        String body = cursor.substring(0, dot);
        byte[] given = cursor.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        // The canonical encoding is compared, so no second spelling of a signature is accepted.
        boolean signed = keys.stream().anyMatch(key ->
                MessageDigest.isEqual(signature(key, body).getBytes(StandardCharsets.US_ASCII), given));
        if (!signed) {
            throw invalid();
        }
        JsonNode payload;
        try {
            payload = Json.parse(new String(DECODER.decode(body), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        String after = Json.text(payload, "a");
        if (!organizationId.equals(Json.text(payload, "o")) || !Objects.equals(typeFilter, Json.text(payload, "t"))
                || after == null) {
            throw invalid();
        }
        return after;
    }

    private static String signature(byte[] key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return ENCODER.encodeToString(mac.doFinal((CONTEXT + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static ApiException invalid() {
        return ApiException.badRequest("invalid_cursor",
                "This page link is not valid for this organization and filter. Start again from the first page.");
    }
}
