package io.gatekeep.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * WorkOS's published facts, as data: {@code workos-catalogue.json} beside this class, taken from
 * WorkOS's OpenAPI spec and SDK sources (its {@code sources} section cites commits and paths).
 * The emulator emits and accepts only what it lists; conformance tests hold the product to it.
 *
 * <p>Loaded once, on first use (about 24 KB of JSON): code on a request path does not need it.
 */
public final class WorkOsCatalogue {
    /** One WorkOS event type: the object its {@code data} is (null when not an API object), the fields
     * WorkOS always sends in {@code data}, and the {@code state} values the data may carry (empty: none). */
    public record EventType(String name, String object, List<String> requiredData, Set<String> states) {}

    /** A documented error answer: status, WorkOS's {@code code}, and its message ({@code {name}} placeholders). */
    public record ErrorAnswer(int status, String code, String message) {}

    private static final String RESOURCE = "workos-catalogue.json";

    private final Map<String, EventType> events;
    private final Map<String, Set<String>> enums;
    private final JsonNode root;

    private WorkOsCatalogue(JsonNode root) {
        this.root = root;
        Map<String, EventType> ev = new LinkedHashMap<>();
        root.get("events").properties().forEach(e -> {
            JsonNode v = e.getValue();
            ev.put(e.getKey(), new EventType(e.getKey(), v.hasNonNull("object") ? v.get("object").asText() : null,
                    strings(v.get("required")), new LinkedHashSet<>(strings(v.get("state")))));
        });
        this.events = Collections.unmodifiableMap(ev);
        Map<String, Set<String>> en = new LinkedHashMap<>();
        root.get("enums").properties().forEach(e -> en.put(e.getKey(),
                Collections.unmodifiableSet(new LinkedHashSet<>(strings(e.getValue())))));
        this.enums = Collections.unmodifiableMap(en);
    }

    private static final class Holder {
        static final WorkOsCatalogue INSTANCE = load();
    }

    /** The catalogue (parsed on first call). */
    public static WorkOsCatalogue get() {
        return Holder.INSTANCE;
    }

    private static WorkOsCatalogue load() {
        try (InputStream in = WorkOsCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new WorkOsCatalogue(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every event type WorkOS emits, by name. */
    public Map<String, EventType> events() {
        return events;
    }

    public boolean isEvent(String name) {
        return name != null && events.containsKey(name);
    }

    /** The values of one enum, e.g. {@code connection.state} or {@code organization_domain.state}. */
    public Set<String> enumValues(String name) {
        Set<String> values = enums.get(name);
        if (values == null) {
            throw new IllegalArgumentException("no enum " + name + " in the WorkOS catalogue");
        }
        return values;
    }

    /** A documented error of one operation ({@code "GET /events"}), e.g. {@code unknownEventName}. */
    public ErrorAnswer error(String operation, String which) {
        JsonNode e = root.path("errors").path(operation).path(which);
        if (e.isMissingNode()) {
            throw new IllegalArgumentException("no error " + which + " of " + operation + " in the WorkOS catalogue");
        }
        return new ErrorAnswer(e.get("status").asInt(), e.path("code").asText(null), e.path("message").asText(null));
    }

    /** Operations ({@code "POST /path"}) whose spec declares the {@code Idempotency-Key} header. */
    public Set<String> idempotentOperations() {
        return new LinkedHashSet<>(strings(root.path("idempotencyKey").get("honouredBy")));
    }

    /** List pagination: {@code orderDefault}, {@code limitDefault}, {@code limitMax}, {@code orderedBy}. */
    public String listRule(String name) {
        JsonNode v = root.path("lists").get(name);
        if (v == null) {
            throw new IllegalArgumentException("no list rule " + name + " in the WorkOS catalogue");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return Collections.unmodifiableList(out);
    }
}
