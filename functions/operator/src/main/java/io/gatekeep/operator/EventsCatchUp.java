package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.workos.WorkOS;
import com.workos.common.http.Page;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.WorkOsEventType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Events API applied through the projection, oldest first, exactly once (each event's marker),
 * from a cursor: reconcile's first phase for one organization, and the sweep's for all of them.
 * The cursor only moves past events older than {@link #SETTLE}: WorkOS may list the newest events
 * a few seconds late, and a cursor past an event not yet visible would skip it.
 */
final class EventsCatchUp {
    /** Events older than this when the run began are final: the cursor may move past them. */
    static final Duration SETTLE = Duration.ofSeconds(30);
    static final int PAGE = 100;

    private final RetriedProjection projection;
    private final WorkOS workos;
    private final Instant settled;
    long applied;
    long duplicates;
    long ignored;
    long pages;

    EventsCatchUp(RetriedProjection projection, WorkOS workos, Instant now) {
        this.projection = projection;
        this.workos = workos;
        this.settled = now.minus(SETTLE);
    }

    /**
     * The projection's event types after the event id {@code after} (or from {@code since}), of one
     * organization or (null) of all. {@code moveCursor} stores a new settled position (forward only);
     * {@code checkpoint} is called between pages with the last id read and may stop the run by throwing.
     */
    void run(String organizationId, String after, Instant since, Consumer<String> moveCursor, Consumer<String> checkpoint) {
        List<String> names = WorkOsEventType.NAMES;
        String finalCursor = null;
        boolean allFinal = true;
        String cursor = after;
        while (true) {
            Page<JsonNode> page = WorkOsEvents.list(workos, names, organizationId, cursor, since, null, PAGE);
            pages++;
            Set<String> known = projection.alreadyApplied(page.data.stream().map(e -> Json.text(e, "id")).toList());
            for (JsonNode event : page.data) {
                String id = Json.text(event, "id");
                if (id != null && known.contains(id)) {
                    duplicates++; // its marker is there: applying would only find that out, in a transaction
                } else {
                    try {
                        switch (projection.apply(event).status()) {
                            case APPLIED -> applied++;
                            case DUPLICATE -> duplicates++;
                            case IGNORED -> ignored++;
                        }
                    } catch (Projection.FromTheFuture ahead) {
                        ignored++; // stamped ahead of the clock: not applied; the cursor stays before it (not settled)
                    }
                }
                Instant createdAt = Times.parseOrNull(Json.text(event, "created_at"));
                if (allFinal && createdAt != null && createdAt.isBefore(settled)) {
                    finalCursor = id;
                } else {
                    allFinal = false;
                }
                cursor = id;
            }
            if (finalCursor != null) {
                moveCursor.accept(finalCursor);
            }
            if (page.data.size() < PAGE) {
                return;
            }
            checkpoint.accept(cursor);
        }
    }
}
