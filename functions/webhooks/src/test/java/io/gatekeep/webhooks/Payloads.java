package io.gatekeep.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * WorkOS event bodies in their real shapes (test resources {@code workos-events/}: the WorkOS API
 * reference's examples), given coherent ids and times. Every field not set here stays as WorkOS
 * sends it.
 */
final class Payloads {
    private final ObjectNode root;

    private Payloads(ObjectNode root) {
        this.root = root;
    }

    static Payloads event(String name) {
        try (InputStream in = Payloads.class.getResourceAsStream("/workos-events/event." + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no payload for " + name);
            }
            return new Payloads((ObjectNode) Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Payloads id(String id) {
        root.put("id", id);
        return this;
    }

    /** The event's created_at. */
    Payloads at(String iso) {
        root.put("created_at", iso);
        return this;
    }

    /** Sets a field under {@code data}; {@code path} is dotted ({@code "user.id"}); a null value removes it. */
    Payloads data(String path, Object value) {
        String[] parts = path.split("\\.");
        JsonNode at = root.get("data");
        for (int i = 0; i < parts.length - 1; i++) {
            at = parts[i].chars().allMatch(Character::isDigit) ? at.get(Integer.parseInt(parts[i])) : at.get(parts[i]);
        }
        ObjectNode node = (ObjectNode) at;
        String field = parts[parts.length - 1];
        if (value == null) {
            node.remove(field);
        } else if (value instanceof JsonNode json) {
            node.set(field, json);
        } else if (value instanceof Boolean b) {
            node.put(field, b);
        } else if (value instanceof Number n) {
            node.put(field, n.longValue());
        } else {
            node.put(field, value.toString());
        }
        return this;
    }

    String json() {
        return Json.write(root);
    }

    @Override
    public String toString() {
        return json();
    }
}
