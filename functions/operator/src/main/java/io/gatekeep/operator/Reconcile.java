package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.RateLimitException;
import com.workos.common.http.Page;
import com.workos.types.PaginationOrder;
import io.gatekeep.operator.ReconcilePosition.Phase;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.projection.WorkOsObjectType;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code {"action": "reconcile", "organizationId", "since"?: iso, "resumeFrom"?: {...}}}: brings one
 * organization's projection to WorkOS's truth after missed webhooks.
 *
 * <ol>
 * <li><b>Events</b>: the Events API from the stored cursor ({@code eventsCursor} on the organization
 * item) or from {@code since}, applied through the projection exactly as webhooks are (same
 * exactly-once marker, same ordering rules), so that the audit log gets the missed events too. The
 * cursor only moves past events older than {@link EventsCatchUp#SETTLE} at reconcile time: WorkOS may list the
 * newest events a few seconds late, and a cursor past an event not yet visible would skip it.</li>
 * <li><b>Objects</b>: the organization and its domains, connections, directories, then per directory
 * its groups and users (with their group memberships), listed from WorkOS 100 at a time in
 * ascending id order, and merged with our items of the same kind read in key (= id) order
 * ({@link ObjectMerge}, per kind {@link ObjectListing}, memberships {@link Memberships}).
 * An object on both sides is upserted through the projection only when WorkOS's
 * {@code updated_at} is newer (unchanged objects cost no write); an object only WorkOS has is
 * created; an object only we have is a deletion <i>candidate</i>, confirmed by a GET before it is
 * tombstoned (a 404), so that an object created while we were listing, or a list that is not
 * strictly in id order, never deletes anything by mistake: at worst it costs a GET.</li>
 * </ol>
 *
 * <p>Every write goes through the projection's conditional writes, so a webhook arriving during a
 * reconcile does no harm, and the counters stay exact. The run stops cleanly, with
 * {@code "complete": false} and a {@code resumeFrom} position, before the Lambda times out or when
 * WorkOS still answers 429 after the SDK's retries; every step is idempotent, so resuming from the
 * last checkpoint repeats at most one page ({@link ReconcilePosition}). The answer: {@link ReconcileReport}.
 */
final class Reconcile {
    static final Set<String> FIELDS = Set.of("action", "organizationId", "since", "resumeFrom", "actor");
    static final int PAGE = EventsCatchUp.PAGE;

    /** Thrown at a checkpoint to stop the run cleanly. */
    private static final class Stop extends RuntimeException {
        final String reason;

        Stop(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    private final Env env;
    private final RetriedProjection projection;
    private String organizationId;
    private WorkOS workos;
    private Budget budget;
    private ReconcilePosition position;
    private Instant now;
    private ObjectMerge objects;
    private ReconcileReport report;
    private long lapStarted = System.nanoTime();

    Reconcile(Env env) {
        this.env = env;
        this.projection = new RetriedProjection(env);
    }

    ObjectNode run(JsonNode event, Context context) {
        Input in = Input.of(event, FIELDS);
        organizationId = in.organizationId(true);
        Instant since = in.instant("since");
        ReconcilePosition resume = ReconcilePosition.parse(event.get("resumeFrom"));
        if (since != null && resume != null) {
            throw OperatorError.invalid("Give \"since\" or \"resumeFrom\", not both: a resumed run continues where it stopped.");
        }
        String actor = in.actor();
        Map<String, AttributeValue> organization = env.dynamo().getItem(r -> r.tableName(env.table())
                .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK)).consistentRead(true)).item();
        if (organization == null || organization.isEmpty() || Attr.flag(organization, "deleted")) {
            throw OperatorError.organizationNotFound(organizationId, "onboard it first (\"action\": \"onboard\", \"organizationId\").");
        }
        report = new ReconcileReport(organizationId);
        report.cursorBefore = Attr.str(organization, "eventsCursor");

        workos = env.workos().get();
        budget = new Budget(context, env.config().getInt(Budget.MARGIN_SETTING, Budget.DEFAULT_MARGIN_MS));
        now = env.clock().instant();
        objects = new ObjectMerge(env, projection, workos, organizationId, this::checkpoint);
        long started = System.nanoTime();
        position = resume != null ? resume : new ReconcilePosition(Phase.EVENTS, null, null);
        try {
            runFrom(position, report.cursorBefore, since);
        } catch (Stop stop) {
            report.stoppedBecause = stop.reason;
        } catch (RateLimitException e) {
            report.stoppedBecause = "rate_limited";
            report.retryAfterSeconds = e.retryAfterSeconds;
        } catch (StoreUnavailableException e) {
            report.stoppedBecause = "store_unavailable";
        }
        lap();
        if (report.stoppedBecause == null) {
            Refresh.markChecked(env, organizationId, now); // WorkOS's state, confirmed as of the run's start
        }
        report.cursorAfter = readCursor();
        ObjectNode answer = report.toJson(objects, (System.nanoTime() - started) / 1_000_000, position);
        env.audit().write(organizationId, "reconcile", actor, report.summary(objects), context);
        return answer;
    }

    // ---------------------------------------------------------------- phases

    /** The phases from {@code start} on: from the stored cursor, or {@code since}, or where a stopped run was. */
    private void runFrom(ReconcilePosition start, String cursor, Instant since) {
        Phase from = start.phase();
        if (from == Phase.EVENTS) {
            events(start.after() != null ? start.after() : since != null ? null : cursor, since);
        }
        if (from.ordinal() <= Phase.ORGANIZATION.ordinal()) {
            enter(new ReconcilePosition(Phase.ORGANIZATION, null, null));
            organization();
        }
        if (from.ordinal() <= Phase.CONNECTIONS.ordinal()) {
            String after = from == Phase.CONNECTIONS ? start.after() : null;
            enter(new ReconcilePosition(Phase.CONNECTIONS, null, after));
            objects.merge(new ObjectListing.Connections(objects), after, false);
        }
        if (from.ordinal() <= Phase.DIRECTORIES.ordinal()) {
            String after = from == Phase.DIRECTORIES ? start.after() : null;
            enter(new ReconcilePosition(Phase.DIRECTORIES, null, after));
            objects.merge(new ObjectListing.Directories(objects), after, false);
        }
        // A directory WorkOS no longer has was tombstoned above; the projection holds all in it as gone.
        for (String directoryId : directoryIds()) {
            boolean resumingHere = directoryId.equals(start.directoryId());
            if (start.directoryId() != null && directoryId.compareTo(start.directoryId()) < 0) {
                continue; // finished in an earlier invocation
            }
            if (!(resumingHere && from == Phase.USERS)) {
                String after = resumingHere && from == Phase.GROUPS ? start.after() : null;
                enter(new ReconcilePosition(Phase.GROUPS, directoryId, after));
                objects.merge(new ObjectListing.Groups(objects, directoryId), after, false);
            }
            String after = resumingHere && from == Phase.USERS ? start.after() : null;
            enter(new ReconcilePosition(Phase.USERS, directoryId, after));
            Memberships memberships = new Memberships(objects, directoryId, after);
            objects.merge(new ObjectListing.Users(objects, directoryId, memberships), after, false);
            memberships.finish();
        }
    }

    /**
     * The organization with its domains, its connections and its directories, merged as a run's
     * object phases do (no events, no users or groups): what a {@link Refresh} reads. WorkOS
     * failures propagate; the counts per kind are returned.
     */
    ObjectNode objects(String organizationId) {
        this.organizationId = organizationId;
        workos = env.workos().get();
        budget = new Budget(null, 0);
        now = env.clock().instant();
        objects = new ObjectMerge(env, projection, workos, organizationId, this::checkpoint);
        report = new ReconcileReport(organizationId);
        enter(new ReconcilePosition(Phase.ORGANIZATION, null, null));
        organization();
        enter(new ReconcilePosition(Phase.CONNECTIONS, null, null));
        objects.merge(new ObjectListing.Connections(objects), null, false);
        enter(new ReconcilePosition(Phase.DIRECTORIES, null, null));
        objects.merge(new ObjectListing.Directories(objects), null, false);
        lap();
        ObjectNode answer = Json.object();
        for (String kind : List.of("organization", "domains", "connections", "directories")) {
            answer.set(kind, objects.counts.get(kind).toJson());
        }
        answer.put("deletionChecks", objects.verifications);
        return answer;
    }

    /** A new phase: only remembered (the budget is checked after work, so that every invocation progresses). */
    private void enter(ReconcilePosition p) {
        lap();
        position = p;
    }

    /** Adds the time since the last lap to the current phase. */
    private void lap() {
        long t = System.nanoTime();
        if (position != null) {
            report.phaseMillis.merge(position.phase().wire(), (t - lapStarted) / 1_000_000, Long::sum);
        }
        lapStarted = t;
    }

    private void checkpoint(String after) {
        position = position.at(after);
        if (budget.exhausted()) {
            throw new Stop("time");
        }
    }

    /** The Events API after the event id {@code after} (or from {@code since}), applied in order. */
    private void events(String after, Instant since) {
        position = new ReconcilePosition(Phase.EVENTS, null, after);
        EventsCatchUp catchUp = new EventsCatchUp(projection, workos, new DeadLetters(env.dynamo(), env.table(), env.clock()), now);
        try {
            catchUp.run(organizationId, after, since, this::moveCursor, this::checkpoint);
        } finally {
            report.eventsApplied += catchUp.applied;
            report.eventsDuplicate += catchUp.duplicates;
            report.eventsIgnored += catchUp.ignored;
            report.eventsKeptForReplay += catchUp.keptForReplay;
        }
    }

    /** Forward only: a concurrent run that got further is not moved back. */
    private void moveCursor(String eventId) {
        try {
            env.dynamo().updateItem(r -> r.tableName(env.table())
                    .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                    .updateExpression("SET eventsCursor = :cursor")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(eventsCursor) OR eventsCursor < :cursor)")
                    .expressionAttributeValues(Map.of(":cursor", Attr.s(eventId))));
        } catch (ConditionalCheckFailedException alreadyThere) {
            // the cursor is at this event or past it
        }
    }

    private String readCursor() {
        Map<String, AttributeValue> item = env.dynamo().getItem(r -> r.tableName(env.table())
                .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                .projectionExpression("eventsCursor").consistentRead(true)).item();
        return item == null ? null : Attr.str(item, "eventsCursor");
    }

    private void organization() {
        ObjectNode wire;
        try {
            wire = SdkToWire.tree(workos.getOrganizations().get(organizationId));
        } catch (NotFoundException e) {
            objects.counts.get("organization").add(projection.delete(WorkOsObjectType.ORGANIZATION, organizationId, null,
                    organizationId, now));
            objects.merge(new ObjectListing.Domains(objects, List.of()), null, true);
            return;
        }
        objects.counts.get("organization").add(projection.upsert(WorkOsObjectType.ORGANIZATION, wire));
        List<ObjectNode> domains = new ArrayList<>();
        JsonNode list = wire.get("domains");
        if (list != null && list.isArray()) {
            list.forEach(d -> domains.add((ObjectNode) d));
        }
        domains.sort(Comparator.comparing(d -> Json.text(d, "id")));
        objects.merge(new ObjectListing.Domains(objects, domains), null, false);
    }

    // ---------------------------------------------------------------- directories to walk

    /** The organization's directories as WorkOS lists them, in id order (a handful: held in memory). */
    private List<String> directoryIds() {
        List<String> ids = new ArrayList<>();
        String after = null;
        do {
            Page<com.workos.models.Directory> page = workos.getDirectorySync().list(null, after, PAGE, PaginationOrder.Asc,
                    organizationId, null, null);
            page.data.forEach(d -> ids.add(d.getId()));
            after = page.data.isEmpty() ? null : page.listMetadata.after;
        } while (after != null);
        ids.sort(Comparator.naturalOrder());
        return ids;
    }
}
