package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.emulator.Http.ApiError;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reading the fields of a WorkOS API request (JSON body and query), each bad value refused with the
 * error WorkOS answers ({@code invalid_request_parameters} naming the field, {@code invalid_metadata}).
 * Apart from {@link ApiRoutes} so the routes read as the API they serve.
 */
final class RequestFields {
    private RequestFields() {}

    /** {@code domain_data: [{domain, state: pending|verified}]} and the deprecated {@code domains: ["..."]}. */
    static List<DomainSpec> domainSpecs(ObjectNode b) {
        List<DomainSpec> out = new ArrayList<>();
        JsonNode dd = b.get("domain_data");
        if (dd != null && !dd.isNull()) {
            if (!dd.isArray()) {
                throw ApiError.validation("domain_data", "domain_data must be an array");
            }
            for (JsonNode e : dd) {
                String domain = Json.text(e, "domain");
                String st = Json.text(e, "state");
                if (domain == null || !e.get("domain").isTextual()) {
                    throw ApiError.validation("domain_data", "domain_data[].domain must be a string");
                }
                if (!"pending".equals(st) && !"verified".equals(st)) {
                    throw ApiError.validation("domain_data", "domain_data[].state must be one of: pending, verified");
                }
                out.add(new DomainSpec(domain, st));
            }
        }
        JsonNode legacy = b.get("domains");
        if (legacy != null && !legacy.isNull()) {
            if (!legacy.isArray()) {
                throw ApiError.validation("domains", "domains must be an array of strings");
            }
            for (JsonNode e : legacy) {
                if (!e.isTextual()) {
                    throw ApiError.validation("domains", "domains must be an array of strings");
                }
                out.add(DomainSpec.verified(e.asText()));
            }
        }
        return out;
    }

    static Map<String, String> metadata(ObjectNode b) {
        JsonNode md = b.get("metadata");
        Map<String, String> out = new LinkedHashMap<>();
        if (md == null || md.isNull()) {
            return out;
        }
        if (!md.isObject()) {
            throw new ApiError(400, "invalid_metadata", "metadata must be an object of string values.");
        }
        for (Map.Entry<String, JsonNode> e : md.properties()) {
            if (!e.getValue().isTextual() || e.getKey().length() > 40 || e.getValue().asText().length() > 600) {
                throw new ApiError(400, "invalid_metadata",
                        "metadata values must be strings (keys up to 40, values up to 600 characters).");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        if (out.size() > 50) {
            throw new ApiError(400, "invalid_metadata", "metadata may hold at most 50 keys.");
        }
        return out;
    }

    static Instant instant(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e2) {
                throw ApiError.validation(field, field + " must be an ISO-8601 date-time");
            }
        }
    }

    static String requiredString(ObjectNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ApiError.validation(field, field + " must be a non-empty string");
        }
        return v.asText();
    }

    static String optionalString(ObjectNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.validation(field, field + " must be a string");
        }
        return v.asText();
    }

    static Set<String> csv(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Set.copyOf(Arrays.stream(value.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
