package io.gatekeep.shared.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * An opaque page cursor: {@code base64url(payload) "." base64url(HMAC-SHA256(key, context + body))}.
 * The payload (a small JSON object) is what the list function needs to resume and what the cursor is
 * bound to (organization, filters); the context separates one list's cursors from another's, so a
 * cursor of one cannot be replayed on the other. Anything not signed by one of the keys, and any
 * change to a single character, is the caller's {@code invalid} error, never a read from the start.
 * Several keys may be configured (comma-separated) during a rotation: the first signs, any verifies.
 */
public final class SignedCursor {
    private static final int MAX_LENGTH = 2048;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final String context;
    private final List<byte[]> keys;
    private final Supplier<ApiException> invalid;

    public SignedCursor(String context, List<String> keys, Supplier<ApiException> invalid) {
        if (keys.isEmpty()) {
            throw new IllegalStateException("no cursor key configured");
        }
        this.context = context;
        this.keys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.invalid = invalid;
    }

    public String sign(ObjectNode payload) {
        String body = ENCODER.encodeToString(Json.write(payload).getBytes(StandardCharsets.UTF_8));
        return body + "." + signature(keys.getFirst(), body);
    }

    /** The payload of a cursor signed with one of the keys, or the {@code invalid} error. */
    public JsonNode verify(String cursor) {
        if (cursor.isEmpty() || cursor.length() > MAX_LENGTH) {
            throw invalid.get();
        }
        int dot = cursor.indexOf('.');
        if (dot <= 0 || dot != cursor.lastIndexOf('.')) {
            throw invalid.get();
        }
        String body = cursor.substring(0, dot);
        byte[] given = cursor.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        // The canonical encoding is compared, so no second spelling of a signature is accepted.
        boolean signed = keys.stream().anyMatch(key ->
                MessageDigest.isEqual(signature(key, body).getBytes(StandardCharsets.US_ASCII), given));
        if (!signed) {
            throw invalid.get();
        }
        try {
            JsonNode payload = Json.parse(new String(DECODER.decode(body), StandardCharsets.UTF_8));
            if (!payload.isObject()) {
                throw invalid.get();
            }
            return payload;
        } catch (IllegalArgumentException e) {
            throw invalid.get();
        }
    }

    private String signature(byte[] key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return ENCODER.encodeToString(mac.doFinal((context + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
