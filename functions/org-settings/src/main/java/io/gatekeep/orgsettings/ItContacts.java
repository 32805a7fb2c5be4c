package io.gatekeep.orgsettings;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.http.ApiException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code PUT .../it-contacts}: {@code {"emails": [...]}}, 1 to 10 valid addresses, no
 * two alike ignoring case. Stored exactly as given, in the given order (the portal-link gate reads
 * them and WorkOS receives them as {@code it_contact_emails}).
 */
public final class ItContacts {
    public static final int MAX = 10;

    /**
     * A practical address check, not RFC 5322's full grammar: a dot-atom local part (at most 64
     * characters), then a domain of letter/digit/hyphen labels with a top-level label of at least two
     * letters; 254 characters in all. No spaces, quotes, comments or IP-literal domains.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");

    private ItContacts() {}

    public static boolean validEmail(String email) {
        if (email == null || email.length() > 254) {
            return false;
        }
        int at = email.lastIndexOf('@');
        return at > 0 && at <= 64 && EMAIL.matcher(email).matches();
    }

    public static List<String> parse(JsonNode body) {
        JsonNode emails = body.get("emails");
        if (emails == null || !emails.isArray()) {
            throw ApiException.invalidRequest("emails must be a list of 1 to " + MAX + " email addresses.");
        }
        if (emails.isEmpty() || emails.size() > MAX) {
            throw ApiException.invalidRequest("emails must hold 1 to " + MAX + " addresses; it holds " + emails.size() + ".");
        }
        List<String> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < emails.size(); i++) {
            JsonNode email = emails.get(i);
            if (!email.isTextual() || !validEmail(email.asText())) {
                throw ApiException.invalidRequest("emails[" + i + "] is not a valid email address.");
            }
            if (!seen.add(email.asText().toLowerCase(Locale.ROOT))) {
                throw ApiException.invalidRequest("emails[" + i + "] repeats an address already in the list.");
            }
            result.add(email.asText());
        }
        return List.copyOf(result);
    }
}
