package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.RateLimitException;
import com.workos.common.http.Page;
import com.workos.types.PaginationOrder;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.projection.ApplyOutcome;
import io.gatekeep.shared.projection.Change;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code {"action": "reconcile", "organizationId", "since"?: iso, "resumeFrom"?: {...}}}: brings one
 * organization's projection to WorkOS's truth after missed webhooks.
 *
 * <ol>
 * <li><b>Events</b>: the Events API from the stored cursor ({@code eventsCursor} on the organization
 * item) or from {@code since}, applied through the projection exactly as webhooks are (same
 * exactly-once marker, same ordering rules), so that the audit log gets the missed events too. The
 * cursor only moves past events older than {@link #SETTLE} at reconcile time: WorkOS may list the
 * newest events a few seconds late, and a cursor past an event not yet visible would skip it.</li>
 * <li><b>Objects</b>: the organization and its domains, connections, directories, then per directory
 * its groups and users (with their group memberships), listed from WorkOS 100 at a time in
 * ascending id order, and merged with our items of the same kind read in key (= id) order. Both
 * sides stream one page at a time, so memory stays bounded whatever the directory size.
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
 * last checkpoint repeats at most one page.
 */
final class Reconcile {
    static final Set<String> FIELDS = Set.of("action", "organizationId", "since", "resumeFrom", "actor");
    static final int PAGE = EventsCatchUp.PAGE;

    enum Phase {
        EVENTS, ORGANIZATION, CONNECTIONS, DIRECTORIES, GROUPS, USERS;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Phase of(String wire) {
            for (Phase p : values()) {
                if (p.wire().equals(wire)) {
                    return p;
                }
            }
            return null;
        }
    }

    /** Where a run is: the phase, the directory (groups and users phases) and the last id fully processed. */
    record Position(Phase phase, String directoryId, String after) {
        Position at(String newAfter) {
            return new Position(phase, directoryId, newAfter);
        }
    }

    /** Thrown at a checkpoint to stop the run cleanly. */
    private static final class Stop extends RuntimeException {
        final String reason;

        Stop(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    private final Env env;
    private final Projector projector;
    private final Map<String, Counts> counts = new LinkedHashMap<>();
    private long eventsApplied;
    private long eventsDuplicate;
    private long eventsIgnored;
    private long verifications;
    private String organizationId;
    private WorkOS workos;
    private Budget budget;
    private Position position;
    private Instant now;
    /** When the WorkOS page being merged was requested: the time its facts are as of. */
    private Instant listedAt;
    private final Map<String, Long> phaseMillis = new LinkedHashMap<>();
    private long lapStarted = System.nanoTime();

    Reconcile(Env env) {
        this.env = env;
        this.projector = new Projector(env);
        for (String kind : List.of("organization", "domains", "connections", "directories", "groups", "users", "memberships")) {
            counts.put(kind, new Counts());
        }
    }

    ObjectNode run(JsonNode event, Context context) {
        Input in = Input.of(event, FIELDS);
        organizationId = in.organizationId(true);
        Instant since = in.instant("since");
        Position resume = resumePosition(event.get("resumeFrom"));
        if (since != null && resume != null) {
            throw OperatorError.invalid("Give \"since\" or \"resumeFrom\", not both: a resumed run continues where it stopped.");
        }
        String actor = in.actor();
        Map<String, AttributeValue> organization = env.dynamo().getItem(r -> r.tableName(env.table())
                .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK)).consistentRead(true)).item();
        if (organization == null || organization.isEmpty() || Attr.flag(organization, "deleted")) {
            throw OperatorError.organizationNotFound(organizationId, "onboard it first (\"action\": \"onboard\", \"organizationId\").");
        }
        String cursorBefore = Attr.str(organization, "eventsCursor");

        workos = env.workos().get();
        budget = new Budget(context, env.config().getInt(Budget.MARGIN_SETTING, Budget.DEFAULT_MARGIN_MS));
        now = env.clock().instant();
        long started = System.nanoTime();
        position = resume != null ? resume : new Position(Phase.EVENTS, null, null);
        String stoppedBecause = null;
        Long retryAfter = null;
        try {
            runFrom(position, cursorBefore, since);
        } catch (Stop stop) {
            stoppedBecause = stop.reason;
        } catch (RateLimitException e) {
            stoppedBecause = "rate_limited";
            retryAfter = e.retryAfterSeconds;
        } catch (StoreUnavailableException e) {
            stoppedBecause = "store_unavailable";
        }
        lap();
        if (stoppedBecause == null) {
            Refresh.markChecked(env, organizationId, now); // WorkOS's state, confirmed as of the run's start
        }
        String cursorAfter = readCursor();

        Counts total = new Counts();
        counts.values().forEach(total::add);
        ObjectNode report = Json.object();
        report.put("action", "reconcile");
        report.put("organizationId", organizationId);
        report.put("complete", stoppedBecause == null);
        report.put("created", total.created);
        report.put("updated", total.updated);
        report.put("deleted", total.deleted);
        report.put("unchanged", total.unchanged);
        ObjectNode events = report.putObject("events");
        events.put("applied", eventsApplied);
        events.put("duplicates", eventsDuplicate);
        events.put("ignored", eventsIgnored);
        events.put("cursorBefore", cursorBefore);
        events.put("cursorAfter", cursorAfter);
        ObjectNode byKind = report.putObject("byKind");
        counts.forEach((kind, c) -> byKind.set(kind, c.toJson()));
        report.put("deletionChecks", verifications);
        report.put("durationMs", (System.nanoTime() - started) / 1_000_000);
        ObjectNode phases = report.putObject("phaseMs");
        phaseMillis.forEach(phases::put);
        if (stoppedBecause != null) {
            report.put("stoppedBecause", stoppedBecause);
            if (retryAfter != null) {
                report.put("retryAfterSeconds", retryAfter);
            }
            ObjectNode resumeFrom = positionJson(position);
            report.set("resumeFrom", resumeFrom);
            ObjectNode next = report.putObject("next");
            next.put("action", "reconcile");
            next.put("organizationId", organizationId);
            next.set("resumeFrom", resumeFrom.deepCopy());
        }

        String summary = "Reconcile " + (stoppedBecause == null ? "complete" : "stopped (" + stoppedBecause + ")")
                + ": " + total.created + " created, " + total.updated + " updated, " + total.deleted + " deleted, "
                + total.unchanged + " unchanged; " + eventsApplied + " events applied, " + eventsDuplicate + " duplicates.";
        env.audit().write(organizationId, "reconcile", actor, summary, context);
        return report;
    }

    // ---------------------------------------------------------------- phases

    /** The phases from {@code start} on: from the stored cursor, or {@code since}, or where a stopped run was. */
    private void runFrom(Position start, String cursor, Instant since) {
        Phase from = start.phase();
        if (from == Phase.EVENTS) {
            events(start.after() != null ? start.after() : since != null ? null : cursor, since);
        }
        if (from.ordinal() <= Phase.ORGANIZATION.ordinal()) {
            enter(new Position(Phase.ORGANIZATION, null, null));
            organization();
        }
        if (from.ordinal() <= Phase.CONNECTIONS.ordinal()) {
            String after = from == Phase.CONNECTIONS ? start.after() : null;
            enter(new Position(Phase.CONNECTIONS, null, after));
            merge(new ConnectionsKind(), after, false);
        }
        if (from.ordinal() <= Phase.DIRECTORIES.ordinal()) {
            String after = from == Phase.DIRECTORIES ? start.after() : null;
            enter(new Position(Phase.DIRECTORIES, null, after));
            merge(new DirectoriesKind(), after, false);
        }
        // A directory WorkOS no longer has was tombstoned above; the projection holds all in it as gone.
        for (String directoryId : directoryIds()) {
            boolean resumingHere = directoryId.equals(start.directoryId());
            if (start.directoryId() != null && directoryId.compareTo(start.directoryId()) < 0) {
                continue; // finished in an earlier invocation
            }
            if (!(resumingHere && from == Phase.USERS)) {
                String after = resumingHere && from == Phase.GROUPS ? start.after() : null;
                enter(new Position(Phase.GROUPS, directoryId, after));
                merge(new GroupsKind(directoryId), after, false);
            }
            String after = resumingHere && from == Phase.USERS ? start.after() : null;
            enter(new Position(Phase.USERS, directoryId, after));
            Memberships memberships = new Memberships(directoryId, after);
            merge(new UsersKind(directoryId, memberships), after, false);
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
        enter(new Position(Phase.ORGANIZATION, null, null));
        organization();
        enter(new Position(Phase.CONNECTIONS, null, null));
        merge(new ConnectionsKind(), null, false);
        enter(new Position(Phase.DIRECTORIES, null, null));
        merge(new DirectoriesKind(), null, false);
        lap();
        ObjectNode report = Json.object();
        for (String kind : List.of("organization", "domains", "connections", "directories")) {
            report.set(kind, counts.get(kind).toJson());
        }
        report.put("deletionChecks", verifications);
        return report;
    }

    /** A new phase: only remembered (the budget is checked after work, so that every invocation progresses). */
    private void enter(Position p) {
        lap();
        position = p;
    }

    /** Adds the time since the last lap to the current phase. */
    private void lap() {
        long t = System.nanoTime();
        if (position != null) {
            phaseMillis.merge(position.phase().wire(), (t - lapStarted) / 1_000_000, Long::sum);
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
        position = new Position(Phase.EVENTS, null, after);
        EventsCatchUp catchUp = new EventsCatchUp(projector, workos, now);
        try {
            catchUp.run(organizationId, after, since, this::moveCursor, this::checkpoint);
        } finally {
            eventsApplied += catchUp.applied;
            eventsDuplicate += catchUp.duplicates;
            eventsIgnored += catchUp.ignored;
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
            wire = WorkOsWire.tree(workos.getOrganizations().get(organizationId));
        } catch (NotFoundException e) {
            counts.get("organization").add(projector.delete(Projector.Kind.ORGANIZATION, organizationId, null,
                    organizationId, now));
            merge(new DomainsKind(List.of()), null, true);
            return;
        }
        counts.get("organization").add(projector.upsert(Projector.Kind.ORGANIZATION, wire));
        List<ObjectNode> domains = new ArrayList<>();
        JsonNode list = wire.get("domains");
        if (list != null && list.isArray()) {
            list.forEach(d -> domains.add((ObjectNode) d));
        }
        domains.sort(Comparator.comparing(d -> Json.text(d, "id")));
        merge(new DomainsKind(domains), null, false);
    }

    // ---------------------------------------------------------------- the merge

    /** One page of WorkOS objects in wire shape, and the cursor of the next page (null at the end). */
    record WirePage(List<ObjectNode> items, String next) {
        static <T> WirePage of(Page<T> page) {
            List<ObjectNode> items = new ArrayList<>(page.data.size());
            for (T item : page.data) {
                items.add(WorkOsWire.tree(item));
            }
            return new WirePage(items, page.data.isEmpty() ? null : page.listMetadata.after);
        }
    }

    /** One kind of object, as WorkOS lists it and as we store it. */
    private abstract class Kind {
        final String report;
        final Projector.Kind kind;
        final String pk;
        final String prefix;

        Kind(String report, Projector.Kind kind, String pk, String prefix) {
            this.report = report;
            this.kind = kind;
            this.pk = pk;
            this.prefix = prefix;
        }

        /** The page of WorkOS objects after this id, ascending. */
        abstract WirePage fetch(String after);

        /** The object WorkOS holds under this id, or null when it answers 404. */
        abstract ObjectNode fetchOne(String id);

        abstract String directoryId();

        /** WorkOS has this object (listed or confirmed by GET at {@code at}). */
        void present(ObjectNode wire, Instant at) {}

        /** This object is gone (deleted now, or a tombstone already). */
        void gone(String id) {}
    }

    /**
     * Merges WorkOS's ascending list with our items of the same kind in key order. Checkpoints after
     * every WorkOS page (and every 100 of our items past WorkOS's last one), where the run may stop.
     */
    private void merge(Kind kind, String after, boolean gone) {
        StoredItems ours = new StoredItems(env.dynamo(), env.table(), kind.pk, kind.prefix, after);
        String cursor = after;
        if (!gone) {
            while (true) {
                listedAt = env.clock().instant();
                WirePage page = kind.fetch(cursor);
                for (ObjectNode wire : page.items()) {
                    String id = Json.text(wire, "id");
                    while (ours.peek() != null && ours.peek().id().compareTo(id) < 0) {
                        candidate(kind, ours.next(), false);
                    }
                    StoredItems.Item match = ours.peek() != null && ours.peek().id().equals(id) ? ours.next() : null;
                    present(kind, wire, match, listedAt);
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
            candidate(kind, item, gone);
            if (++sinceCheckpoint == PAGE) {
                sinceCheckpoint = 0;
                checkpoint(item.id());
            }
        }
    }

    /** WorkOS has this object, as of {@code at}: upsert it unless we hold this version (or a newer one). */
    private void present(Kind kind, ObjectNode wire, StoredItems.Item ours, Instant at) {
        String theirs = Times.normalize(Json.text(wire, "updated_at"));
        boolean upToDate = ours != null && ours.updatedAt() != null && theirs != null
                && ours.updatedAt().compareTo(theirs) >= 0;
        counts.get(kind.report).add(upToDate ? Change.UNCHANGED : projector.upsert(kind.kind, wire));
        kind.present(wire, at);
    }

    /** One of our items WorkOS did not list: confirmed gone by a GET (or its directory is gone) before it is deleted. */
    private void candidate(Kind kind, StoredItems.Item item, boolean gone) {
        if (item.deleted()) {
            kind.gone(item.id());
            return;
        }
        ObjectNode wire = null;
        Instant seenAt = env.clock().instant();
        if (!gone) {
            verifications++;
            wire = kind.fetchOne(item.id());
        }
        if (wire != null) {
            present(kind, wire, item, seenAt);
            return;
        }
        // As of the GET that answered 404: an object stored as updated after it is left alone.
        counts.get(kind.report).add(projector.delete(kind.kind, organizationId, kind.directoryId(), item.id(), seenAt));
        kind.gone(item.id());
    }

    private static <T> T orNull(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (NotFoundException e) {
            return null;
        }
    }

    private final class DomainsKind extends Kind {
        private final List<ObjectNode> domains;

        DomainsKind(List<ObjectNode> domains) {
            super("domains", Projector.Kind.DOMAIN, Keys.orgPk(organizationId), Keys.DOMAIN_PREFIX);
            this.domains = domains;
        }

        @Override
        WirePage fetch(String after) {
            return new WirePage(domains, null);
        }

        @Override
        ObjectNode fetchOne(String id) {
            var domain = orNull(() -> workos.getOrganizationDomains().get(id));
            return domain == null || !organizationId.equals(domain.getOrganizationId()) ? null : WorkOsWire.tree(domain);
        }

        @Override
        String directoryId() {
            return null;
        }
    }

    private final class ConnectionsKind extends Kind {
        ConnectionsKind() {
            super("connections", Projector.Kind.CONNECTION, Keys.orgPk(organizationId), Keys.CONNECTION_PREFIX);
        }

        @Override
        WirePage fetch(String after) {
            return WirePage.of(workos.getSso().listConnections(null, after, PAGE, PaginationOrder.Asc, null, null,
                    organizationId, null));
        }

        @Override
        ObjectNode fetchOne(String id) {
            var connection = orNull(() -> workos.getSso().getConnection(id));
            return connection == null || !organizationId.equals(connection.getOrganizationId()) ? null : WorkOsWire.tree(connection);
        }

        @Override
        String directoryId() {
            return null;
        }
    }

    private final class DirectoriesKind extends Kind {
        DirectoriesKind() {
            super("directories", Projector.Kind.DIRECTORY, Keys.orgPk(organizationId), Keys.DIRECTORY_PREFIX);
        }

        @Override
        WirePage fetch(String after) {
            return WirePage.of(workos.getDirectorySync().list(null, after, PAGE, PaginationOrder.Asc, organizationId, null, null));
        }

        @Override
        ObjectNode fetchOne(String id) {
            var directory = orNull(() -> workos.getDirectorySync().get(id));
            return directory == null || !organizationId.equals(directory.getOrganizationId()) ? null : WorkOsWire.tree(directory);
        }

        @Override
        String directoryId() {
            return null;
        }
    }

    private final class GroupsKind extends Kind {
        private final String directoryId;

        GroupsKind(String directoryId) {
            super("groups", Projector.Kind.GROUP, Keys.directoryPk(directoryId), Keys.GROUP_PREFIX);
            this.directoryId = directoryId;
        }

        @Override
        WirePage fetch(String after) {
            return WirePage.of(workos.getDirectorySync().listGroups(null, after, PAGE, PaginationOrder.Asc, directoryId, null));
        }

        @Override
        ObjectNode fetchOne(String id) {
            var group = orNull(() -> workos.getDirectorySync().getGroup(id));
            return group == null || !directoryId.equals(group.getDirectoryId()) ? null : WorkOsWire.tree(group);
        }

        @Override
        String directoryId() {
            return directoryId;
        }
    }

    private final class UsersKind extends Kind {
        private final String directoryId;
        private final Memberships memberships;

        UsersKind(String directoryId, Memberships memberships) {
            super("users", Projector.Kind.USER, Keys.directoryPk(directoryId), Keys.USER_PREFIX);
            this.directoryId = directoryId;
            this.memberships = memberships;
        }

        @Override
        WirePage fetch(String after) {
            return WirePage.of(workos.getDirectorySync().listUsers(null, after, PAGE, PaginationOrder.Asc, directoryId,
                    null, null, null));
        }

        @Override
        ObjectNode fetchOne(String id) {
            var user = orNull(() -> workos.getDirectorySync().getUser(id));
            return user == null || !directoryId.equals(user.getDirectoryId()) ? null : WorkOsWire.tree(user);
        }

        @Override
        String directoryId() {
            return directoryId;
        }

        @Override
        void present(ObjectNode wire, Instant at) {
            memberships.sync(Json.text(wire, "id"), groupIds(wire), at);
        }

        @Override
        void gone(String id) {
            memberships.sync(id, Set.of(), env.clock().instant());
        }
    }

    private static Set<String> groupIds(JsonNode user) {
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

    /**
     * Group memberships of one directory, compared user by user: our {@code MEMBER#{userId}#{groupId}}
     * items are read in key order alongside the users (same order), and each user's memberships are
     * set to the groups WorkOS lists for that user. Memberships of a user we hold no user item for
     * (an orphan) are checked with a GET of that user.
     */
    private final class Memberships {
        private final String directoryId;
        private final StoredItems ours;

        Memberships(String directoryId, String afterUserId) {
            this.directoryId = directoryId;
            // '\uffff' sorts after every group id, so a resumed run starts past that user's memberships.
            this.ours = new StoredItems(env.dynamo(), env.table(), Keys.directoryPk(directoryId), Keys.MEMBER_PREFIX,
                    afterUserId == null ? null : afterUserId + "#\uffff");
        }

        void sync(String userId, Set<String> groups, Instant at) {
            while (ours.peek() != null && ours.peek().userId().compareTo(userId) < 0) {
                orphan(ours.peek().userId());
            }
            apply(userId, groups, take(userId), at);
        }

        /** Memberships of users after the last one processed. */
        void finish() {
            int sinceCheckpoint = 0;
            while (ours.peek() != null) {
                String userId = ours.peek().userId();
                orphan(userId);
                if (++sinceCheckpoint == PAGE) {
                    sinceCheckpoint = 0;
                    checkpoint(userId);
                }
            }
        }

        private void orphan(String userId) {
            List<StoredItems.Item> items = take(userId);
            if (items.stream().noneMatch(StoredItems.Item::member)) {
                return; // nothing live to check
            }
            verifications++;
            Instant seenAt = env.clock().instant();
            var user = orNull(() -> workos.getDirectorySync().getUser(userId));
            Set<String> groups = user == null || !directoryId.equals(user.getDirectoryId()) ? Set.of() : groupIds(WorkOsWire.tree(user));
            apply(userId, groups, items, seenAt);
        }

        private List<StoredItems.Item> take(String userId) {
            List<StoredItems.Item> items = new ArrayList<>();
            while (ours.peek() != null && ours.peek().userId().equals(userId)) {
                items.add(ours.next());
            }
            return items;
        }

        /** Sets the user's memberships to {@code groups}, as of {@code at} (when WorkOS was read). */
        private void apply(String userId, Set<String> groups, List<StoredItems.Item> current, Instant at) {
            Counts c = counts.get("memberships");
            Set<String> live = new TreeSet<>();
            for (StoredItems.Item item : current) {
                if (item.member()) {
                    live.add(item.groupId());
                }
            }
            for (String groupId : new TreeSet<>(groups)) {
                if (live.contains(groupId)) {
                    c.unchanged++;
                } else {
                    c.add(projector.membership(directoryId, userId, groupId, true, at));
                }
            }
            for (String groupId : live) {
                if (!groups.contains(groupId)) {
                    c.add(projector.membership(directoryId, userId, groupId, false, at));
                }
            }
        }
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

    // ---------------------------------------------------------------- resume positions

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,200}");

    static Position resumePosition(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw OperatorError.invalid("\"resumeFrom\" must be the object a stopped reconcile reported.");
        }
        Phase phase = Phase.of(Json.text(node, "phase"));
        String directoryId = Json.text(node, "directoryId");
        String after = Json.text(node, "after");
        boolean perDirectory = phase == Phase.GROUPS || phase == Phase.USERS;
        if (phase == null || (perDirectory != (directoryId != null))
                || (directoryId != null && !ID.matcher(directoryId).matches()) || (after != null && !ID.matcher(after).matches())) {
            throw OperatorError.invalid("\"resumeFrom\" is not a position a reconcile reported; copy it unchanged.");
        }
        return new Position(phase, directoryId, after);
    }

    static ObjectNode positionJson(Position p) {
        ObjectNode node = Json.object();
        node.put("phase", p.phase().wire());
        if (p.directoryId() != null) {
            node.put("directoryId", p.directoryId());
        }
        if (p.after() != null) {
            node.put("after", p.after());
        }
        return node;
    }
}
