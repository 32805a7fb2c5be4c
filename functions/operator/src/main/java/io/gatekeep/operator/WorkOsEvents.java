package io.gatekeep.operator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.workos.WorkOS;
import com.workos.common.http.Page;
import io.gatekeep.shared.Times;
import kotlin.Pair;
import kotlin.Unit;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /events} through the SDK's own HTTP client (API key, retries with Retry-After, error
 * mapping, paging), with the items as raw JSON: exactly the events as WorkOS sent them, which is
 * what the projection applies. The SDK's typed {@code getEvents().list(...)} cannot be used: in
 * 7.2.0 it fails on every page that holds an event it has a model for (its {@code EventSchema} is
 * not a supertype of those models, so Jackson throws on {@code organization.created}).
 */
final class WorkOsEvents {
    private static final TypeReference<JsonNode> RAW = new TypeReference<>() {};

    private WorkOsEvents() {}

    /** One page, ascending, after the event id {@code after} (or from {@code rangeStart}). */
    static Page<JsonNode> list(WorkOS workos, List<String> events, String organizationId, String after,
                               Instant rangeStart, Instant rangeEnd, int limit) {
        return workos.baseClient.requestPage("GET", "/events", RAW, null, null, after, params -> {
            params.add(new Pair<>("events", String.join(",", events)));
            params.add(new Pair<>("limit", Integer.toString(limit)));
            params.add(new Pair<>("order", "asc"));
            if (rangeStart != null) {
                params.add(new Pair<>("range_start", Times.iso(rangeStart)));
            }
            if (rangeEnd != null) {
                params.add(new Pair<>("range_end", Times.iso(rangeEnd)));
            }
            if (organizationId != null) {
                params.add(new Pair<>("organization_id", organizationId));
            }
            return Unit.INSTANCE;
        });
    }
}
