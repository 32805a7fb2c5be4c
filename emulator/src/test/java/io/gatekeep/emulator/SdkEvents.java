package io.gatekeep.emulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.workos.WorkOS;
import com.workos.common.http.Page;
import java.time.OffsetDateTime;
import java.util.List;
import kotlin.Pair;
import kotlin.Unit;

/**
 * {@code GET /events} through the SDK's own HTTP client (auth, retries, errors, pagination), with items as
 * JsonNode. Needed because SDK 7.2.0's typed {@code workos.getEvents().list(...)} cannot deserialize any
 * page holding an event the SDK has a model for: {@code EventSchema} is the default implementation of the
 * polymorphic {@code WorkOSEvent}, so Jackson resolves "dsync.user.created" to {@code DsyncUserCreated},
 * which is not an {@code EventSchema}, and throws {@code IllegalArgumentException (InvalidTypeIdException)}.
 * That happens against real WorkOS too; the product's reconcile must use the same workaround.
 */
final class SdkEvents {
    private SdkEvents() {}

    static Page<JsonNode> list(WorkOS workos, List<String> events, String organizationId, String after,
                               OffsetDateTime rangeStart, OffsetDateTime rangeEnd, Integer limit) {
        return workos.baseClient.requestPage("GET", "/events", new TypeReference<JsonNode>() {}, null, null, after,
                params -> {
                    params.add(new Pair<>("events", String.join(",", events)));
                    params.add(new Pair<>("order", "asc")); // oldest first, as the product asks (WorkOS's default is desc)
                    if (limit != null) {
                        params.add(new Pair<>("limit", limit.toString()));
                    }
                    if (rangeStart != null) {
                        params.add(new Pair<>("range_start", rangeStart.toString()));
                    }
                    if (rangeEnd != null) {
                        params.add(new Pair<>("range_end", rangeEnd.toString()));
                    }
                    if (organizationId != null) {
                        params.add(new Pair<>("organization_id", organizationId));
                    }
                    return Unit.INSTANCE;
                });
    }

    static Page<JsonNode> list(WorkOS workos, List<String> events) {
        return list(workos, events, null, null, null, null, null);
    }
}
