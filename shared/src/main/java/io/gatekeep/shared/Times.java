package io.gatekeep.shared;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Timestamps as the table stores them: fixed-width ISO-8601 UTC with milliseconds, so they sort as text. */
public final class Times {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {}

    public static String iso(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    /** Parses any ISO-8601 instant WorkOS sends (with or without fraction); null when absent or bad. */
    public static Instant parseOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** Normalises a WorkOS timestamp to the stored form, so that text comparison is time comparison. */
    public static String normalize(String text) {
        Instant instant = parseOrNull(text);
        return instant == null ? null : iso(instant);
    }
}
