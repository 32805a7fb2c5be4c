package io.gatekeep.shared;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Ids: the product's own (a prefix, the time so they sort, and 64 random bits), and the one rule for a WorkOS
 * id that Gatekeep takes from outside (a path, an operator's or a scheduler's event, a WorkOS payload).
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * What a WorkOS object id can be wherever it becomes part of a table key (openapi.yaml's
     * {@code OrganizationId}): ASCII letters, digits, {@code _} and {@code -}, at most 128 of them.
     * WorkOS's own ids ({@code org_01EHZNVPK3SFK441A1RGBFSHRT}) fit; a key separator ({@code #}) never does.
     */
    private static final Pattern WORKOS_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private Ids() {}

    /** Whether {@code id} can be a WorkOS object id ({@link #WORKOS_ID}); false for null. */
    public static boolean isWorkOsId(String id) {
        return id != null && WORKOS_ID.matcher(id).matches();
    }

    public static String newId(String prefix, Instant now) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return prefix + "_" + String.format("%012x", now.toEpochMilli()) + HexFormat.of().formatHex(random);
    }
}
