package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.workos.WorkOS;
import com.workos.common.http.Page;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.WorkOsEvent;
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
 *
 * <p>An event stamped ahead of Gatekeep's clock is refused by the projection ({@link Projection.FromTheFuture}).
 * Up to {@link #WAIT_FOR_CLOCK} ahead, the cursor waits before it (skew that corrects itself: a later run
 * applies it). Further ahead, waiting would hold the cursor there for as long, and every run would read
 * again all that follows; so it is kept as a dead letter (the operator's {@code replay} lists it) and the
 * cursor moves on.
 */
final class EventsCatchUp {
    /** Events older than this when the run began are final: the cursor may move past them. */
    static final Duration SETTLE = Duration.ofSeconds(30);
    static final int PAGE = 100;
    /** How far ahead of the clock an event may be stamped and still hold the cursor until the clocks agree. */
    static final Duration WAIT_FOR_CLOCK = Duration.ofHours(1);

    private final RetriedProjection projection;
    private final WorkOS workos;
    private final DeadLetters deadLetters;
    private final Instant now;
    private final Instant settled;
    long applied;
    long duplicates;
    long ignored;
    /** Events stamped more than {@link #WAIT_FOR_CLOCK} ahead, kept as dead letters. */
    long keptForReplay;
    long pages;
    private final int pageSize;

    EventsCatchUp(RetriedProjection projection, WorkOS workos, DeadLetters deadLetters, Instant now) {
        this(projection, workos, deadLetters, now, PAGE);
    }

    /** With {@code pageSize} events a page (1..100; {@link #PAGE} but in tests of the sweep's page bound). */
    EventsCatchUp(RetriedProjection projection, WorkOS workos, DeadLetters deadLetters, Instant now, int pageSize) {
        if (pageSize < 1 || pageSize > PAGE) {
            throw new IllegalArgumentException("pageSize: 1.." + PAGE);
        }
        this.pageSize = pageSize;
        this.projection = projection;
        this.workos = workos;
        this.deadLetters = deadLetters;
        this.now = now;
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
            Page<JsonNode> page = WorkOsEvents.list(workos, names, organizationId, cursor, since, null, pageSize);
            pages++;
            Set<String> known = projection.alreadyApplied(page.data.stream().map(e -> Json.text(e, "id")).toList());
            for (JsonNode event : page.data) {
                String id = Json.text(event, "id");
                Boolean settledHere = null; // null: by its created_at
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
                        if (ahead.at.isAfter(now.plus(WAIT_FOR_CLOCK))) {
                            keepForReplay(event, ahead);
                            settledHere = true; // kept: the cursor may pass it
                        } else {
                            ignored++; // not applied yet: the cursor stays before it until the clocks agree
                            settledHere = false;
                        }
                    }
                }
                Instant createdAt = Times.parseOrNull(Json.text(event, "created_at"));
                if (settledHere == null) {
                    settledHere = createdAt != null && createdAt.isBefore(settled);
                }
                if (allFinal && settledHere) {
                    finalCursor = id;
                } else {
                    allFinal = false;
                }
                cursor = id;
            }
            if (finalCursor != null) {
                moveCursor.accept(finalCursor);
            }
            if (page.data.size() < pageSize) {
                return;
            }
            checkpoint.accept(cursor);
        }
    }

    private void keepForReplay(JsonNode event, Projection.FromTheFuture ahead) {
        String raw = event.toString();
        deadLetters.record(raw, WorkOsEvent.parse(raw), ahead.getMessage() + " (more than "
                + WAIT_FOR_CLOCK.toMinutes() + " minutes: kept for replay, the cursor moved on)", 1);
        keptForReplay++;
    }
}
