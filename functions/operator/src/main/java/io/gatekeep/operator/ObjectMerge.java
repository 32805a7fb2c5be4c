package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.http.Page;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.projection.Change;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reconcile's object phases for one organization: WorkOS's ascending list of one kind merged with our
 * items of the same kind read in key (= id) order ({@link ObjectListing} says how each kind is listed and
 * stored). Both sides stream one page at a time, so memory stays bounded whatever the directory size.
 * An object on both sides is upserted through the projection only when WorkOS's {@code updated_at} is
 * newer; an object only WorkOS has is created; an object only we have is a deletion candidate,
 * confirmed by a GET (a 404) before it is tombstoned. Holds what the merges of one run share: WorkOS,
 * the projection, the counts per kind, the number of deletion checks and the run's checkpoint.
 *
 * <p><b>The order it assumes.</b> WorkOS lists by creation time ({@code order=asc} here; the catalogue's
 * {@code lists.orderedBy} is {@code created_at}, newest first by default), and our items come in id order.
 * The merge pairs the two as if they agreed: WorkOS's ids look time-prefixed, but WorkOS does not promise
 * that ids sort as creation times do (WORKOS-NOTES: never assume it). When they disagree, the result is
 * still exact, at a cost, because nothing is deleted without a 404 from WorkOS: an object of ours whose id
 * sorts before a listed object's, but that WorkOS lists later, is passed over as a deletion candidate
 * first; its GET finds it, so it is upserted, not deleted; WorkOS then lists it and it is upserted again
 * with no match on our side (the projection already holds that version: {@code UNCHANGED}). That costs a
 * GET, counts the object twice in the report, and syncs a user's memberships twice (the same set). A run
 * resumed from a WorkOS cursor starts our side after that id: every item of ours at or before the largest
 * id listed so far was visited, so none is skipped (some after the cursor may be checked again).
 */
final class ObjectMerge {
    static final int PAGE = EventsCatchUp.PAGE;

    /** One page of WorkOS objects in wire shape, and the cursor of the next page (null at the end). */
    record WirePage(List<ObjectNode> items, String next) {
        static <T> WirePage of(Page<T> page) {
            List<ObjectNode> items = new ArrayList<>(page.data.size());
            for (T item : page.data) {
                items.add(SdkToWire.tree(item));
            }
            return new WirePage(items, page.data.isEmpty() ? null : page.listMetadata.after);
        }
    }

    final Env env;
    final RetriedProjection projection;
    final WorkOS workos;
    final String organizationId;
    /** Per kind of the report ({@code organization}, {@code domains}... {@code memberships}). */
    final Map<String, Counts> counts = new LinkedHashMap<>();
    /** GETs that confirmed (or refuted) a deletion. */
    long verifications;
    private final Consumer<String> checkpoint;

    /** {@code checkpoint}: called with the last id processed where the run may stop (by throwing). */
    ObjectMerge(Env env, RetriedProjection projection, WorkOS workos, String organizationId, Consumer<String> checkpoint) {
        this.env = env;
        this.projection = projection;
        this.workos = workos;
        this.organizationId = organizationId;
        this.checkpoint = checkpoint;
        for (String kind : List.of("organization", "domains", "connections", "directories", "groups", "users", "memberships")) {
            counts.put(kind, new Counts());
        }
    }

    void checkpoint(String after) {
        checkpoint.accept(after);
    }

    /**
     * Merges WorkOS's ascending list with our items of the same kind in key order. Checkpoints after
     * every WorkOS page (and every 100 of our items past WorkOS's last one), where the run may stop.
     * {@code gone}: WorkOS has none of them (the organization is gone): no list, no GET.
     */
    void merge(ObjectListing listing, String after, boolean gone) {
        StoredItems ours = new StoredItems(env.dynamo(), env.table(), listing.pk, listing.prefix, after);
        String cursor = after;
        if (!gone) {
            while (true) {
                Instant listedAt = env.clock().instant(); // when the page was requested: the time its facts are as of
                WirePage page = listing.fetch(cursor);
                for (ObjectNode wire : page.items()) {
                    String id = Json.text(wire, "id");
                    while (ours.peek() != null && ours.peek().id().compareTo(id) < 0) {
                        candidate(listing, ours.next(), false);
                    }
                    StoredItems.Item match = ours.peek() != null && ours.peek().id().equals(id) ? ours.next() : null;
                    present(listing, wire, match, listedAt);
                }
                if (page.next() == null) {
                    break;
                }
                cursor = page.next();
                checkpoint(cursor);
            }
        }
        int sinceCheckpoint = 0;
        for (StoredItems.Item item = ours.next(); item != null; item = ours.next()) {
            candidate(listing, item, gone);
            if (++sinceCheckpoint == PAGE) {
                sinceCheckpoint = 0;
                checkpoint(item.id());
            }
        }
    }

    /** WorkOS has this object, as of {@code at}: upsert it unless we hold this version (or a newer one). */
    private void present(ObjectListing listing, ObjectNode wire, StoredItems.Item ours, Instant at) {
        String theirs = Times.normalize(Json.text(wire, "updated_at"));
        boolean upToDate = ours != null && ours.updatedAt() != null && theirs != null
                && ours.updatedAt().compareTo(theirs) >= 0;
        counts.get(listing.report).add(upToDate ? Change.UNCHANGED : projection.upsert(listing.type, wire));
        listing.present(wire, at);
    }

    /** One of our items WorkOS did not list: confirmed gone by a GET (or its directory is gone) before it is deleted. */
    private void candidate(ObjectListing listing, StoredItems.Item item, boolean gone) {
        if (item.deleted()) {
            listing.gone(item.id());
            return;
        }
        ObjectNode wire = null;
        Instant seenAt = env.clock().instant();
        if (!gone) {
            verifications++;
            wire = listing.fetchOne(item.id());
        }
        if (wire != null) {
            present(listing, wire, item, seenAt);
            return;
        }
        // As of the GET that answered 404: an object stored as updated after it is left alone.
        counts.get(listing.report).add(projection.delete(listing.type, organizationId, listing.directoryId(), item.id(), seenAt));
        listing.gone(item.id());
    }

    /** The call's answer, or null when WorkOS answers 404. */
    static <T> T orNull(Supplier<T> call) {
        try {
            return call.get();
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** The ids of a directory user's {@code groups}. */
    static Set<String> groupIds(JsonNode user) {
        Set<String> ids = new HashSet<>();
        JsonNode groups = user.get("groups");
        if (groups != null && groups.isArray()) {
            for (JsonNode group : groups) {
                String id = Json.text(group, "id");
                if (id != null) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }
}
