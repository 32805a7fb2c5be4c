package io.gatekeep.shared.projection;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.projection.ObjectPlans.Op;
import io.gatekeep.shared.projection.ObjectPlans.Prior;
import io.gatekeep.shared.projection.Transactions.Known;
import io.gatekeep.shared.projection.Transactions.Outcome;
import io.gatekeep.shared.projection.Transactions.Plan;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The projection of WorkOS state in the single table: organizations, domains, connections (with
 * their SAML certificate), directories (state, last sync, user and group counts), directory users,
 * groups and memberships. Used by the webhook ({@link #apply}) and by the operator's reconcile and
 * replay ({@link #apply} for Events API items and dead letters, the {@code upsert...},
 * {@code delete...} and {@link #setMembership} methods for objects read from WorkOS list calls, in
 * the same wire shape).
 *
 * <p>Rules (shared/README.md): an object is written only when its {@code updated_at} is newer than
 * the stored one; a delete leaves a tombstone that no late create or update passes; the directory
 * counters change in the same transaction as the user or group whose existence they count, and only
 * on a real transition; memberships are ordered by the time of their last change. An event is one
 * TransactWriteItems of its marker (condition: absent), its projection change and its audit entry,
 * so it applies at most once and a duplicate writes nothing.
 *
 * <p>DynamoDB calls per event: one transaction on the common path. Its conditions spell out what it
 * assumes (a created user is new, an updated user exists and is older, the directory's last sync is
 * older...). When an assumption is wrong, DynamoDB cancels the transaction and returns the items as
 * they are; the one correct transaction follows: two calls. The only read is for a directory event
 * whose payload lacks the organization (WorkOS always sends it): one TransactGetItems, then one
 * transaction written from what it read. No path makes more than two calls, but one: a membership of
 * a group mapped to a role ({@link RoleMapping}) when the user is in another mapped group, not created
 * yet or deleted, which takes three (see {@link MembershipPlans}: the new role depends on the user's other
 * groups, which only its item holds). Directory users also carry their groups and derived role, and
 * the directories count users per role, in the same transactions ({@link UserRoles}).
 *
 * <p>Its parts: {@link ObjectPlans} (an object change's transaction, and the certificate facts),
 * {@link MembershipPlans} (a group membership's, with the user's groups and role), {@link Snapshots}
 * (reconcile's writes), {@link EventItems} (marker, audit entry, directory index, the read before a
 * transaction), {@link SignIns} (sign-ins and organization memberships); {@link Transactions} runs a
 * plan, retrying conflicts, and {@link DirectoryShards} spreads a hot directory's writes.
 */
public final class Projection {
    /** The audit partition of events that name no organization. */
    public static final String UNASSIGNED = "_unassigned";
    /** Markers outlive WorkOS's retry window (about 3 days). */
    public static final Duration MARKER_TTL = Duration.ofDays(4);
    /** Tombstones outlive any late delivery and the Events API's 30 days of history. */
    public static final Duration TOMBSTONE_TTL = Duration.ofDays(30);
    /**
     * How far ahead of Gatekeep's clock an event's {@code created_at} (or its object's {@code updated_at})
     * may be: clocks drift by seconds, not minutes. Beyond it the event is refused, not clamped: see
     * {@link FromTheFuture}.
     */
    public static final Duration MAX_AHEAD = Duration.ofMinutes(5);

    /**
     * An event stamped more than {@link #MAX_AHEAD} ahead of Gatekeep's clock: refused with nothing
     * written. Decision: refuse rather than clamp. Applied as stamped, it would freeze its object (no
     * genuine update is "newer" than the year 2999) and, before audit entries were ordered by Gatekeep's
     * clock, pinned the log. Clamped to now, it would be stored with a time WorkOS never gave, and could
     * beat a genuine update made in the minutes that follow. Refused, it is retried by WorkOS (non-2xx, for
     * about three days) and applied as soon as the clocks agree, so a real event delayed by skew is not
     * lost; one that stays in the future is never applied, because nothing can order it.
     */
    public static final class FromTheFuture extends IllegalArgumentException {
        /** The time stamped on the event or its object that is ahead of the clock. */
        public final transient Instant at;

        public FromTheFuture(String what, Instant at) {
            super(what + " " + Times.iso(at) + " is more than " + MAX_AHEAD.toMinutes() + " minutes ahead of Gatekeep's clock");
            this.at = at;
        }
    }

    // item roles in a transaction (how a cancellation reason is read back), for the plans
    static final String OBJECT = "object";
    static final String DIRECTORY = "directory";
    static final String MEMBERSHIP = "membership";
    static final String INDEX = "index";
    static final String AUDIT = "audit";
    static final String USER = "user";
    static final String GROUP = "group";
    static final String MAPPING = "mapping";
    static final String JOB = "job";
    static final String SHARD = "shard";

    static final String UPDATED_AT = "updatedAt";
    static final String DELETED = "deleted";
    static final String LAST_SYNC_AT = "lastSyncAt";
    static final String CHANGED_AT = "changedAt";
    static final String CERTIFICATE_UPDATED_AT = "certificateUpdatedAt";

    /** What a plan achieves: the change, or why nothing in the projection changed. */
    record Effect(Change change, String ignored) {
        static Effect of(Change change) {
            return new Effect(change, null);
        }

        static Effect ignored(String reason) {
            return new Effect(Change.UNCHANGED, reason);
        }
    }

    /** An event being applied, with the time it happened (its created_at, else now). */
    record Event(WorkOsEvent event, Instant at) {}

    private final Clock clock;
    private final Transactions transactions;
    private final EventItems items;
    private final ObjectPlans objects;
    private final MembershipPlans memberships;
    private final Snapshots snapshots;
    private final SignIns signIns;

    public Projection(DynamoDbClient dynamo, String table, Clock clock) {
        this.clock = clock;
        this.transactions = new Transactions(dynamo);
        this.items = new EventItems(dynamo, table, clock, transactions);
        DirectoryShards shards = new DirectoryShards(); // one set of shards for objects and memberships
        this.objects = new ObjectPlans(table, clock, transactions, items, shards);
        this.memberships = new MembershipPlans(table, transactions, items, objects, shards);
        this.snapshots = new Snapshots(dynamo, table, clock, transactions, objects, memberships);
        this.signIns = new SignIns(items, transactions, table);
    }

    // ------------------------------------------------------------------------------------ events

    /**
     * Applies one event exactly once. Throws {@link StoreUnavailableException} when the table did not
     * take it (nothing was written; try again later). The event types it applies are
     * {@link WorkOsEventType}'s (one case each: the switch has no default); any other is recorded in the
     * audit log only.
     */
    public ApplyOutcome apply(WorkOsEvent event) {
        return transactions.within(Transactions.DEFAULT_TIME, () -> applyNow(event));
    }

    /**
     * The same, retrying transactions that met another one ({@code TransactionConflict}, e.g. a burst on
     * one directory) for {@code timeLeft} at most: a webhook gives its Lambda's remaining time.
     */
    public ApplyOutcome apply(WorkOsEvent event, Duration timeLeft) {
        return transactions.within(timeLeft, () -> applyNow(event));
    }

    private ApplyOutcome applyNow(WorkOsEvent event) {
        refuseFromTheFuture(event);
        Event e = new Event(event, event.createdAt() != null ? event.createdAt() : clock.instant());
        WorkOsEventType type = event.type();
        if (type == null) {
            return recordOnly(e, organizationOf(event), ApplyOutcome.UNKNOWN_EVENT);
        }
        JsonNode data = event.data();
        Instant at = e.at();
        try {
            return switch (type) {
                case ORGANIZATION_CREATED, ORGANIZATION_UPDATED ->
                        objects.apply(e, WireObjects.organization(data, at), Op.UPSERT, Prior.WRITABLE, null);
                case ORGANIZATION_DELETED ->
                        objects.apply(e, WireObjects.organization(data, at), Op.DELETE, Prior.WRITABLE, null);
                case ORGANIZATION_DOMAIN_CREATED, ORGANIZATION_DOMAIN_UPDATED, ORGANIZATION_DOMAIN_VERIFIED ->
                        objects.apply(e, WireObjects.domain(data, at), Op.UPSERT, Prior.WRITABLE, null);
                case ORGANIZATION_DOMAIN_VERIFICATION_FAILED ->
                        objects.apply(e, WireObjects.domain(data.path("organization_domain"), at), Op.UPSERT, Prior.WRITABLE, null);
                case ORGANIZATION_DOMAIN_DELETED ->
                        objects.apply(e, WireObjects.domain(data, at), Op.DELETE, Prior.WRITABLE, null);
                case CONNECTION_ACTIVATED, CONNECTION_DEACTIVATED ->
                        objects.apply(e, WireObjects.connection(data, at), Op.UPSERT, Prior.WRITABLE, null);
                case CONNECTION_DELETED ->
                        objects.apply(e, WireObjects.connection(data, at), Op.DELETE, Prior.WRITABLE, null);
                case CONNECTION_SAML_CERTIFICATE_RENEWAL_REQUIRED -> objects.certificate(e, true);
                case CONNECTION_SAML_CERTIFICATE_RENEWED -> objects.certificate(e, false);
                case DSYNC_ACTIVATED -> objects.apply(e, WireObjects.directory(data, at), Op.UPSERT, Prior.WRITABLE, at);
                case DSYNC_DELETED -> objects.apply(e, WireObjects.directory(data, at), Op.DELETE, Prior.WRITABLE, null);
                // users and groups are counted: each event assumes the usual prior state
                case DSYNC_USER_CREATED -> objects.apply(e, WireObjects.user(data, at), Op.UPSERT, Prior.ABSENT, at);
                case DSYNC_USER_UPDATED -> objects.apply(e, WireObjects.user(data, at), Op.UPSERT, Prior.LIVE, at);
                case DSYNC_USER_DELETED -> objects.apply(e, WireObjects.user(data, at), Op.DELETE, Prior.LIVE, at);
                case DSYNC_GROUP_CREATED -> objects.apply(e, WireObjects.group(data, at), Op.UPSERT, Prior.ABSENT, at);
                case DSYNC_GROUP_UPDATED -> objects.apply(e, WireObjects.group(data, at), Op.UPSERT, Prior.LIVE, at);
                case DSYNC_GROUP_DELETED -> objects.apply(e, WireObjects.group(data, at), Op.DELETE, Prior.LIVE, at);
                case DSYNC_GROUP_USER_ADDED -> memberships.apply(e, true);
                case DSYNC_GROUP_USER_REMOVED -> memberships.apply(e, false);
                // sign-ins through SSO, and the memberships that give them a role (SignIns)
                case AUTHENTICATION_SSO_SUCCEEDED -> signIns.succeeded(e);
                case AUTHENTICATION_SSO_FAILED, AUTHENTICATION_SSO_TIMED_OUT -> signIns.failed(e);
                case ORGANIZATION_MEMBERSHIP_CREATED, ORGANIZATION_MEMBERSHIP_UPDATED -> signIns.membership(e, false);
                case ORGANIZATION_MEMBERSHIP_DELETED -> signIns.membership(e, true);
            };
        } catch (WireObjects.Unreadable unreadable) {
            return recordOnly(e, organizationOf(event), ApplyOutcome.UNREADABLE);
        }
    }

    /**
     * {@link FromTheFuture} when the event's {@code created_at}, or the {@code updated_at} of its object
     * (the data, or an object one level inside it: a membership's user and group, a failed verification's
     * domain), is more than {@link #MAX_AHEAD} ahead of the clock.
     */
    private void refuseFromTheFuture(WorkOsEvent event) {
        Instant limit = clock.instant().plus(MAX_AHEAD);
        if (event.createdAt() != null && event.createdAt().isAfter(limit)) {
            throw new FromTheFuture("created_at", event.createdAt());
        }
        List<JsonNode> objects = new java.util.ArrayList<>(List.of(event.data()));
        event.data().forEach(child -> {
            if (child.isObject()) {
                objects.add(child);
            }
        });
        for (JsonNode object : objects) {
            Instant updatedAt = Times.parseOrNull(Json.text(object, "updated_at"));
            if (updatedAt != null && updatedAt.isAfter(limit)) {
                throw new FromTheFuture("updated_at", updatedAt);
            }
        }
    }

    /**
     * The organization an event belongs to, as far as its payload says (null when it names none or
     * only through its directory): for filing dead letters and unknown events.
     */
    public static String organizationOf(WorkOsEvent event) {
        JsonNode data = event.data();
        List<JsonNode> candidates = event.category().equals("organization")
                ? List.of(data.path("id"))
                : List.of(data.path("organization_id"), data.path("connection").path("organization_id"),
                        data.path("organization_domain").path("organization_id"),
                        data.path("user").path("organization_id"), data.path("group").path("organization_id"),
                        data.path("sso").path("organization_id"));
        for (JsonNode candidate : candidates) {
            String id = candidate.isTextual() ? candidate.asText() : null;
            if (id != null) {
                try {
                    return WireObjects.optionalId(Json.object().put("id", id), "id");
                } catch (WireObjects.Unreadable notAnId) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Events with nothing to project (unknown names, unreadable data): marker and audit entry only. */
    private ApplyOutcome recordOnly(Event e, String organizationId, String reason) {
        Outcome<Effect> outcome = transactions.run(2, new Known(), k -> new Plan<Effect>()
                .add(Transactions.MARKER, items.marker(e, organizationId))
                .add(AUDIT, items.audit(e, organizationId))
                .result(Effect.ignored(reason)));
        return outcome(e, organizationId, outcome);
    }

    static ApplyOutcome outcome(Event e, String organizationId, Outcome<Effect> outcome) {
        String org = organizationId == null ? UNASSIGNED : organizationId;
        if (outcome.duplicate()) {
            return new ApplyOutcome(ApplyOutcome.Status.DUPLICATE, e.event().id(), e.event().name(), org, null);
        }
        Effect effect = outcome.result();
        return new ApplyOutcome(effect.ignored() == null ? ApplyOutcome.Status.APPLIED : ApplyOutcome.Status.IGNORED,
                e.event().id(), e.event().name(), org, effect.ignored());
    }

    // ---------------------------------------------------------------- snapshots (reconcile): Snapshots

    /** An organization as a list or get call returns it (its nested domains are not written: use {@link #upsertDomain}). */
    public Change upsertOrganization(JsonNode organization) {
        return snapshots.upsertOrganization(organization);
    }

    public Change upsertDomain(JsonNode domain) {
        return snapshots.upsertDomain(domain);
    }

    public Change upsertConnection(JsonNode connection) {
        return snapshots.upsertConnection(connection);
    }

    public Change upsertDirectory(JsonNode directory) {
        return snapshots.upsertDirectory(directory);
    }

    /** A directory user; its {@code organization_id} is required here. */
    public Change upsertUser(JsonNode user) {
        return snapshots.upsertUser(user);
    }

    /** A directory group; its {@code organization_id} is required here. */
    public Change upsertGroup(JsonNode group) {
        return snapshots.upsertGroup(group);
    }

    /**
     * Deletes, for objects WorkOS no longer has. {@code at} is when that was seen (e.g. when the list
     * call began): an object the projection stored as updated after it is left alone.
     */
    public Change deleteOrganization(String organizationId, Instant at) {
        return snapshots.deleteOrganization(organizationId, at);
    }

    public Change deleteDomain(String organizationId, String domainId, Instant at) {
        return snapshots.deleteDomain(organizationId, domainId, at);
    }

    public Change deleteConnection(String organizationId, String connectionId, Instant at) {
        return snapshots.deleteConnection(organizationId, connectionId, at);
    }

    public Change deleteDirectory(String organizationId, String directoryId, Instant at) {
        return snapshots.deleteDirectory(organizationId, directoryId, at);
    }

    public Change deleteUser(String organizationId, String directoryId, String userId, Instant at) {
        return snapshots.deleteUser(organizationId, directoryId, userId, at);
    }

    public Change deleteGroup(String organizationId, String directoryId, String groupId, Instant at) {
        return snapshots.deleteGroup(organizationId, directoryId, groupId, at);
    }

    /**
     * Makes the stored membership {@code member} as of {@code at}, unless a change at or after
     * {@code at} is stored already. CREATED: now a member; DELETED: no longer one; UNCHANGED:
     * already so, newer, or not a member and never stored as one (nothing written). The user's
     * groups and role change with it, as with a membership event: one TransactWriteItems (a mapped
     * group: up to three, see {@link #apply}), plus one GetItem of the directory index per directory
     * (the organization never changes, so it is remembered).
     */
    public Change setMembership(String directoryId, String userId, String groupId, boolean member, Instant at) {
        return snapshots.setMembership(directoryId, userId, groupId, member, at);
    }

    /** The organization of a directory, from the directory index (one GetItem). */
    public Optional<String> organizationOfDirectory(String directoryId) {
        return snapshots.organizationOfDirectory(directoryId);
    }
}
