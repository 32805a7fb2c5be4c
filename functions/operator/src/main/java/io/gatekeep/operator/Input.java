package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Times;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks an operator event. Strict on purpose: an operator types these by hand in the
 * console, so an unknown field (a typo such as {@code organizationID}) is refused with its name
 * rather than silently ignored.
 */
final class Input {
    static final Pattern ORGANIZATION_ID = Pattern.compile("org_[A-Za-z0-9]{1,64}");
    static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

    private final JsonNode event;

    private Input(JsonNode event) {
        this.event = event;
    }

    static Input of(JsonNode event, Set<String> allowedFields) {
        if (event == null || !event.isObject()) {
            throw OperatorError.invalid("The event must be a JSON object such as {\"action\": \"reconcile\", ...}.");
        }
        for (Iterator<String> names = event.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                throw OperatorError.invalid("Unknown field \"" + name + "\"; allowed: " + String.join(", ", allowedFields) + ".");
            }
        }
        return new Input(event);
    }

    boolean has(String field) {
        JsonNode value = event.get(field);
        return value != null && !value.isNull();
    }

    /** A string field, trimmed; null when absent. */
    String text(String field, int maxLength) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw OperatorError.invalid("\"" + field + "\" must be a string.");
        }
        String text = value.asText().trim();
        if (text.isEmpty() || text.length() > maxLength) {
            throw OperatorError.invalid("\"" + field + "\" must be 1 to " + maxLength + " characters.");
        }
        return text;
    }

    String organizationId(boolean required) {
        String id = text("organizationId", 80);
        if (id == null) {
            if (required) {
                throw OperatorError.invalid("\"organizationId\" is required (a WorkOS organization id, org_...).");
            }
            return null;
        }
        if (!ORGANIZATION_ID.matcher(id).matches()) {
            throw OperatorError.invalid("\"organizationId\" must be a WorkOS organization id (org_...).");
        }
        return id;
    }

    Boolean bool(String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw OperatorError.invalid("\"" + field + "\" must be true or false.");
        }
        return value.booleanValue();
    }

    Instant instant(String field) {
        String text = text(field, 40);
        if (text == null) {
            return null;
        }
        Instant instant = Times.parseOrNull(text);
        if (instant == null) {
            throw OperatorError.invalid("\"" + field + "\" must be an ISO-8601 time such as 2026-11-20T00:00:00Z.");
        }
        return instant;
    }

    /** A list of strings, trimmed, de-duplicated in order; null when absent. */
    List<String> strings(String field, int maxItems) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw OperatorError.invalid("\"" + field + "\" must be an array of strings.");
        }
        if (value.size() > maxItems) {
            throw OperatorError.invalid("\"" + field + "\" holds at most " + maxItems + " values.");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw OperatorError.invalid("\"" + field + "\" must hold only non-empty strings.");
            }
            out.add(item.asText().trim());
        }
        return new ArrayList<>(out);
    }

    List<String> domains(String field, int maxItems) {
        List<String> values = strings(field, maxItems);
        if (values == null) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String raw : values) {
            String domain = raw.toLowerCase(Locale.ROOT);
            if (!DOMAIN.matcher(domain).matches()) {
                throw OperatorError.invalid("\"" + raw + "\" in \"" + field + "\" is not a domain name such as example.com.");
            }
            out.add(domain);
        }
        return new ArrayList<>(out);
    }

    List<String> emails(String field, int maxItems) {
        List<String> values = strings(field, maxItems);
        if (values == null) {
            return null;
        }
        Set<String> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (String email : values) {
            if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
                throw OperatorError.invalid("\"" + email + "\" in \"" + field + "\" is not an email address.");
            }
            if (seen.add(email.toLowerCase(Locale.ROOT))) {
                out.add(email);
            }
        }
        return out;
    }

    List<String> eventIds(String field, int maxItems) {
        List<String> values = strings(field, maxItems);
        if (values == null) {
            return null;
        }
        if (values.isEmpty()) {
            throw OperatorError.invalid("\"" + field + "\" must name at least one event id, or be left out.");
        }
        for (String id : values) {
            if (!EVENT_ID.matcher(id).matches()) {
                throw OperatorError.invalid("\"" + id + "\" in \"" + field + "\" is not an event id.");
            }
        }
        return values;
    }

    /** The invoking principal when the event names one (e.g. an operator's email); else "operator". */
    String actor() {
        String actor = text("actor", 200);
        return actor == null ? "operator" : actor;
    }
}
