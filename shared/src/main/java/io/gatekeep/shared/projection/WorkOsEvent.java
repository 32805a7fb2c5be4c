package io.gatekeep.shared.projection;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;

import java.time.Instant;

/**
 * One WorkOS event, as a webhook body or an Events API item carries it:
 * {@code {"object": "event", "id", "event": "<name>", "data": {...}, "created_at"}}. Only {@code id}
 * and {@code event} are required here; {@code data} defaults to an empty object (unknown events may
 * have any shape), and a missing or unreadable {@code created_at} is left null (the projection then
 * uses the time it applies the event).
 */
public record WorkOsEvent(String id, String name, Instant createdAt, JsonNode data) {

    public WorkOsEvent {
        if (id == null || id.isBlank() || id.length() > 256) {
            throw new IllegalArgumentException("an event needs an \"id\" (1..256 characters)");
        }
        if (name == null || name.isBlank() || name.length() > 256) {
            throw new IllegalArgumentException("an event needs an \"event\" name (1..256 characters)");
        }
        data = data == null || !data.isObject() ? Json.object() : data;
    }

    /** Reads an event from its JSON text; {@link IllegalArgumentException} for anything that is not one. */
    public static WorkOsEvent parse(String json) {
        return of(Json.parseObject(json)); // the one strict path: no trailing event, no duplicate key
    }

    /** Reads an event from a parsed JSON object (e.g. one item of an Events API page). */
    public static WorkOsEvent of(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("an event is a JSON object");
        }
        return new WorkOsEvent(Json.text(node, "id"), Json.text(node, "event"),
                Times.parseOrNull(Json.text(node, "created_at")), node.get("data"));
    }

    /** The handled type of this event ({@link WorkOsEventType}), or null when Gatekeep does not handle it. */
    public WorkOsEventType type() {
        return WorkOsEventType.of(name);
    }

    /** The part of the name before its first dot ({@code dsync}, {@code connection}...). */
    public String category() {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }
}
