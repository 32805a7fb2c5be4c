package io.gatekeep.shared;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/** Ids for the product's own records: a prefix, the time (so they sort), and 64 random bits. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String newId(String prefix, Instant now) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return prefix + "_" + String.format("%012x", now.toEpochMilli()) + HexFormat.of().formatHex(random);
    }
}
