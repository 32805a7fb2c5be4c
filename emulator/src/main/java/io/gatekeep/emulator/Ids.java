package io.gatekeep.emulator;

import java.util.Random;

/**
 * ULID-like identifiers: 48-bit millisecond timestamp and 80 random bits, Crockford base32, 26 characters.
 * Monotonic: ids generated with the same or an earlier timestamp increment the random part, so ids of one
 * kind sort in creation order. That is what makes them usable as WorkOS list cursors.
 */
final class Ids {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private final Random random;
    private long lastTime = -1;
    private long hi; // upper 16 of the 80 random bits
    private long lo; // lower 64 of the 80 random bits

    Ids(Random random) {
        this.random = random;
    }

    synchronized String next(String prefix, long epochMillis) {
        long t = Math.max(epochMillis, lastTime);
        if (t == lastTime) {
            lo++;
            if (lo == 0) {
                hi = (hi + 1) & 0xFFFF;
            }
        } else {
            lastTime = t;
            hi = random.nextInt(0x10000);
            lo = random.nextLong() & 0x7FFF_FFFF_FFFF_FFFFL; // leave headroom for increments
        }
        char[] out = new char[26];
        long time = t;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        long h = hi;
        long l = lo;
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (l & 31)];
            l = (l >>> 5) | ((h & 31) << 59);
            h >>>= 5;
        }
        return prefix + new String(out);
    }

    /**
     * The creation time an id carries (the 10 characters after its prefix), or the epoch for an id this
     * emulator did not make (it then sorts first).
     */
    static java.time.Instant timeOf(String id) {
        if (id == null || id.length() < 26) {
            return java.time.Instant.EPOCH;
        }
        String ulid = id.substring(id.length() - 26);
        long t = 0;
        for (int i = 0; i < 10; i++) {
            int v = new String(ALPHABET).indexOf(ulid.charAt(i));
            if (v < 0) {
                return java.time.Instant.EPOCH;
            }
            t = (t << 5) | v;
        }
        return java.time.Instant.ofEpochMilli(t);
    }

    /** A random opaque token (for portal links, external keys). */
    synchronized String token(int chars) {
        StringBuilder sb = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            sb.append(ALPHABET[random.nextInt(32)]);
        }
        return sb.toString();
    }
}
