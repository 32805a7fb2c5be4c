package io.gatekeep.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code WorkOS-Signature} check, as the WorkOS SDK does it but without the SDK (which would
 * add ~12 MB and Kotlin class loading to the function): header {@code t=<unix ms>, v1=<hex>}, where
 * v1 is HMAC-SHA256 with the webhook secret over {@code "<t>.<raw body>"}; the timestamp must be
 * within 3 minutes of now, either way. Any of the configured secrets may match (two during a
 * rotation). The comparison is constant-time; the raw bytes are checked, never re-serialised JSON.
 */
public final class WebhookSignature {
    public static final String HEADER = "WorkOS-Signature";
    public static final Duration TOLERANCE = Duration.ofSeconds(180);
    private static final int MAX_HEADER_LENGTH = 1024;

    private final Supplier<List<String>> secrets;
    private final Clock clock;

    public WebhookSignature(Supplier<List<String>> secrets, Clock clock) {
        this.secrets = secrets;
        this.clock = clock;
    }

    /** True when the header is well formed, fresh and signed with one of the secrets over exactly these bytes. */
    public boolean verify(String header, byte[] body) {
        Parsed parsed = parse(header);
        if (parsed == null) {
            return false;
        }
        long age = clock.millis() - parsed.timestampMillis();
        if (Math.abs(age) > TOLERANCE.toMillis()) {
            return false;
        }
        boolean match = false;
        for (String secret : secrets.get()) {
            byte[] expected = hmac(secret, parsed.timestamp(), body);
            for (byte[] candidate : parsed.signatures()) {
                // every pair is compared, so the time taken does not tell which secret matched
                match |= MessageDigest.isEqual(expected, candidate);
            }
        }
        return match;
    }

    /** The header WorkOS would send for this body at this time. */
    public static String sign(String secret, long timestampMillis, byte[] body) {
        String timestamp = Long.toString(timestampMillis);
        return "t=" + timestamp + ", v1=" + HexFormat.of().formatHex(hmac(secret, timestamp, body));
    }

    private record Parsed(String timestamp, long timestampMillis, List<byte[]> signatures) {}

    /** {@code t=<digits>} once and at least one {@code v1=<64 hex>}; anything else is malformed (null). */
    private static Parsed parse(String header) {
        if (header == null || header.isBlank() || header.length() > MAX_HEADER_LENGTH) {
            return null;
        }
        String timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                return null;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                if (timestamp != null || value.isEmpty() || value.length() > 15 || !value.chars().allMatch(Character::isDigit)) {
                    return null;
                }
                timestamp = value;
            } else if (key.equals("v1")) {
                if (value.length() != 64) {
                    return null;
                }
                try {
                    signatures.add(HexFormat.of().parseHex(value));
                } catch (IllegalArgumentException notHex) {
                    return null;
                }
            }
            // other schemes (a future v2) are ignored, as the SDK ignores them
        }
        if (timestamp == null || signatures.isEmpty()) {
            return null;
        }
        return new Parsed(timestamp, Long.parseLong(timestamp), signatures);
    }

    private static byte[] hmac(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
