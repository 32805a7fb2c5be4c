package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One event as stored for the Events API and pushed as a webhook. {@code json} is the exact body
 * ({@code {"object":"event","id","event","data","created_at"}}) used for both, so the event id is the same
 * in a webhook and in {@code GET /events}. {@code organizationId} is the organization the event belongs to
 * (what {@code organization_id} filters on). Do not mutate {@code payload}.
 */
public record StoredEvent(String id, String event, String organizationId, Instant createdAt, String json, JsonNode payload) {

    public JsonNode data() {
        return payload.get("data");
    }
}
