package io.gatekeep.shared.projection;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.org.ConnectionSignIns;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.projection.Transactions.Known;
import io.gatekeep.shared.projection.Transactions.Outcome;
import io.gatekeep.shared.projection.Transactions.Plan;
import io.gatekeep.shared.projection.WireObjects.Kind;
import io.gatekeep.shared.projection.WireObjects.ObjectWrite;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 * yet or deleted, which takes three (see {@link #userShare}: the new role depends on the user's other
 * groups, which only its item holds). Directory users also carry their groups and derived role, and
 * the directories count users per role, in the same transactions ({@link UserRoles}).
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

    // item roles in a transaction (how a cancellation reason is read back)
    private static final String OBJECT = "object";
    private static final String DIRECTORY = "directory";
    private static final String MEMBERSHIP = "membership";
    private static final String INDEX = "index";
    private static final String AUDIT = "audit";
    private static final String USER = "user";
    private static final String GROUP = "group";
    private static final String MAPPING = "mapping";
    private static final String JOB = "job";
    private static final String SHARD = "shard";

    private static final String UPDATED_AT = "updatedAt";
    private static final String DELETED = "deleted";
    private static final String LAST_SYNC_AT = "lastSyncAt";
    private static final String CHANGED_AT = "changedAt";
    private static final String CERTIFICATE_UPDATED_AT = "certificateUpdatedAt";

    private enum Op { UPSERT, DELETE }

    /** What an object's item holds (observed), or what a plan assumes it holds. */
    private enum Prior {
        ABSENT, LIVE, DELETED,
        /** Assumed only: absent, or live and older (objects without counters need not know which). */
        WRITABLE;

        static Prior of(Map<String, AttributeValue> item) {
            if (Attr.flag(item, "deleted")) {
                return DELETED;
            }
            return Attr.str(item, UPDATED_AT) == null ? ABSENT : LIVE;
        }
    }

    /** The write an object's prior state calls for, with its counter change and what it means to reconcile. */
    private enum Decision {
        CREATE(1, Change.CREATED), UPDATE(0, Change.UPDATED), WRITE(0, Change.UPDATED),
        TOMBSTONE_ABSENT(0, Change.UNCHANGED), TOMBSTONE_LIVE(-1, Change.DELETED), TOMBSTONE_ANY(0, Change.DELETED),
        STALE(0, Change.UNCHANGED);

        final int delta;
        final Change change;

        Decision(int delta, Change change) {
            this.delta = delta;
            this.change = change;
        }

        boolean tombstone() {
            return this == TOMBSTONE_ABSENT || this == TOMBSTONE_LIVE || this == TOMBSTONE_ANY;
        }

        /** {@code stored}: the item's updatedAt when observed (null when only assumed). */
        static Decision of(Op op, Prior prior, String stored, String version) {
            if (op == Op.UPSERT) {
                return switch (prior) {
                    case ABSENT -> CREATE;
                    case LIVE -> stored == null || stored.compareTo(version) < 0 ? UPDATE : STALE;
                    case WRITABLE -> WRITE;
                    case DELETED -> STALE;
                };
            }
            return switch (prior) {
                case ABSENT -> TOMBSTONE_ABSENT;
                case LIVE -> stored == null || stored.compareTo(version) <= 0 ? TOMBSTONE_LIVE : STALE;
                case WRITABLE -> TOMBSTONE_ANY;
                case DELETED -> STALE;
            };
        }
    }

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

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Transactions transactions;
    private final DirectoryShards shards = new DirectoryShards();
    /** Directory -> organization, from the directory index: it never changes, so it is read once. */
    private final Map<String, String> directoryOrganizations = new ConcurrentHashMap<>();
    private final SignIns signIns;

    public Projection(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.transactions = new Transactions(dynamo);
        this.signIns = new SignIns(this, transactions, table);
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
                        object(e, WireObjects.organization(data, at), Op.UPSERT, Prior.WRITABLE, null);
                case ORGANIZATION_DELETED ->
                        object(e, WireObjects.organization(data, at), Op.DELETE, Prior.WRITABLE, null);
                case ORGANIZATION_DOMAIN_CREATED, ORGANIZATION_DOMAIN_UPDATED, ORGANIZATION_DOMAIN_VERIFIED ->
                        object(e, WireObjects.domain(data, at), Op.UPSERT, Prior.WRITABLE, null);
                case ORGANIZATION_DOMAIN_VERIFICATION_FAILED ->
                        object(e, WireObjects.domain(data.path("organization_domain"), at), Op.UPSERT, Prior.WRITABLE, null);
                case ORGANIZATION_DOMAIN_DELETED ->
                        object(e, WireObjects.domain(data, at), Op.DELETE, Prior.WRITABLE, null);
                case CONNECTION_ACTIVATED, CONNECTION_DEACTIVATED ->
                        object(e, WireObjects.connection(data, at), Op.UPSERT, Prior.WRITABLE, null);
                case CONNECTION_DELETED ->
                        object(e, WireObjects.connection(data, at), Op.DELETE, Prior.WRITABLE, null);
                case CONNECTION_SAML_CERTIFICATE_RENEWAL_REQUIRED -> certificate(e, true);
                case CONNECTION_SAML_CERTIFICATE_RENEWED -> certificate(e, false);
                case DSYNC_ACTIVATED -> object(e, WireObjects.directory(data, at), Op.UPSERT, Prior.WRITABLE, at);
                case DSYNC_DELETED -> object(e, WireObjects.directory(data, at), Op.DELETE, Prior.WRITABLE, null);
                // users and groups are counted: each event assumes the usual prior state
                case DSYNC_USER_CREATED -> object(e, WireObjects.user(data, at), Op.UPSERT, Prior.ABSENT, at);
                case DSYNC_USER_UPDATED -> object(e, WireObjects.user(data, at), Op.UPSERT, Prior.LIVE, at);
                case DSYNC_USER_DELETED -> object(e, WireObjects.user(data, at), Op.DELETE, Prior.LIVE, at);
                case DSYNC_GROUP_CREATED -> object(e, WireObjects.group(data, at), Op.UPSERT, Prior.ABSENT, at);
                case DSYNC_GROUP_UPDATED -> object(e, WireObjects.group(data, at), Op.UPSERT, Prior.LIVE, at);
                case DSYNC_GROUP_DELETED -> object(e, WireObjects.group(data, at), Op.DELETE, Prior.LIVE, at);
                case DSYNC_GROUP_USER_ADDED -> membership(e, true);
                case DSYNC_GROUP_USER_REMOVED -> membership(e, false);
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

    private ApplyOutcome object(Event e, ObjectWrite object, Op op, Prior assumed, Instant syncAt) {
        Known known = new Known();
        int attempts = 2;
        boolean exactDirectory = true;
        if (object.organizationId() == null) {
            // The extra call (users and groups only; WorkOS always names their organization): read the
            // directory index for the organization and the object's own item, so that the single
            // transaction that follows is written from facts, not assumptions.
            List<Map<String, AttributeValue>> read = read(indexKey(object.directoryId()), Attr.key(object.pk(), object.sk()));
            String organizationId = Attr.str(read.get(0), "organizationId");
            if (organizationId == null) {
                throw new StoreUnavailableException("the organization of directory " + object.directoryId()
                        + " is not known yet (no directory event has arrived)");
            }
            object = object.withOrganization(organizationId);
            known.put(OBJECT, read.get(1));
            attempts = 1;
            exactDirectory = false; // its key was unknown when reading: counters change, lastSyncAt waits
        }
        ObjectWrite o = object;
        boolean exact = exactDirectory;
        Outcome<Effect> outcome = transactions.run(attempts, known,
                k -> objectPlan(e, o, op, assumed, syncAt, e.at(), exact, k));
        return outcome(e, o.organizationId(), outcome);
    }

    private ApplyOutcome certificate(Event e, boolean renewalRequired) {
        JsonNode data = e.event().data();
        JsonNode connection = data.path("connection");
        String connectionId = WireObjects.id(connection, "id", "connection");
        String organizationId = WireObjects.id(connection, "organization_id", "connection's organization");
        String expiresAt = Times.normalize(Json.text(data.path("certificate"), "expiry_date"));
        Outcome<Effect> outcome = transactions.run(2, new Known(),
                k -> certificatePlan(e, organizationId, connectionId, renewalRequired, expiresAt, k));
        return outcome(e, organizationId, outcome);
    }

    private ApplyOutcome membership(Event e, boolean member) {
        JsonNode data = e.event().data();
        JsonNode user = data.path("user");
        JsonNode group = data.path("group");
        String userId = WireObjects.id(user, "id", "member");
        String groupId = WireObjects.id(group, "id", "group");
        String directoryId = firstId(data.path("directory_id"), group.path("directory_id"), user.path("directory_id"));
        if (directoryId == null) {
            throw new WireObjects.Unreadable("the membership names no directory");
        }
        String organizationId = firstId(user.path("organization_id"), group.path("organization_id"), data.path("organization_id"));
        Known known = new Known();
        boolean readFirst = false;
        if (organizationId == null) {
            // The extra call: the organization comes from the directory index, read together with the
            // membership, user and group items so that the transaction that follows is written from facts.
            String pk = Keys.directoryPk(directoryId);
            List<Map<String, AttributeValue>> read = read(indexKey(directoryId), Attr.key(pk, Keys.memberSk(userId, groupId)),
                    Attr.key(pk, Keys.userSk(userId)), Attr.key(pk, Keys.groupSk(groupId)));
            organizationId = Attr.str(read.get(0), "organizationId"); // still null: audit under _unassigned
            known.put(MEMBERSHIP, read.get(1));
            known.put(USER, read.get(2));
            known.put(GROUP, read.get(3));
            readFirst = true;
        }
        String org = organizationId;
        MembershipChange change = new MembershipChange(directoryId, userId, groupId, member, e.at(), false);
        boolean exact = !readFirst; // the directory item's key was unknown when reading: lastSyncAt waits
        int base = readFirst ? 1 : 2;
        Outcome<Effect> outcome = transactions.run(k -> base + (mappedGroup(k, groupId) ? 1 : 0), known,
                k -> membershipPlan(e, org, change, exact, k));
        return outcome(e, org, outcome);
    }

    /** One membership change: an event's, or a snapshot's (reconcile: only a change of state is written). */
    private record MembershipChange(String directoryId, String userId, String groupId, boolean member, Instant at,
                                    boolean snapshot) {}

    /** True once a cancellation showed that the group is mapped to a role: its membership may take one more write. */
    private static boolean mappedGroup(Known known, String groupId) {
        Map<String, AttributeValue> mapping = known.get(MAPPING);
        return mapping != null && RoleMapping.fromItem(mapping).maps(groupId);
    }

    /** Events with nothing to project (unknown names, unreadable data): marker and audit entry only. */
    private ApplyOutcome recordOnly(Event e, String organizationId, String reason) {
        Outcome<Effect> outcome = transactions.run(2, new Known(), k -> new Plan<Effect>()
                .add(Transactions.MARKER, marker(e, organizationId))
                .add(AUDIT, audit(e, organizationId))
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

    // ---------------------------------------------------------------- snapshots (reconcile)

    /** An organization as a list or get call returns it (its nested domains are not written: use {@link #upsertDomain}). */
    public Change upsertOrganization(JsonNode organization) {
        return snapshot(WireObjects.organization(organization, null), Op.UPSERT, null);
    }

    public Change upsertDomain(JsonNode domain) {
        return snapshot(WireObjects.domain(domain, null), Op.UPSERT, null);
    }

    public Change upsertConnection(JsonNode connection) {
        return snapshot(WireObjects.connection(connection, null), Op.UPSERT, null);
    }

    public Change upsertDirectory(JsonNode directory) {
        return snapshot(WireObjects.directory(directory, null), Op.UPSERT, null);
    }

    /** A directory user; its {@code organization_id} is required here. */
    public Change upsertUser(JsonNode user) {
        return snapshot(requireOrganization(WireObjects.user(user, null)), Op.UPSERT, null);
    }

    /** A directory group; its {@code organization_id} is required here. */
    public Change upsertGroup(JsonNode group) {
        return snapshot(requireOrganization(WireObjects.group(group, null)), Op.UPSERT, null);
    }

    /**
     * Deletes, for objects WorkOS no longer has. {@code at} is when that was seen (e.g. when the list
     * call began): an object the projection stored as updated after it is left alone.
     */
    public Change deleteOrganization(String organizationId, Instant at) {
        return snapshot(WireObjects.organization(Json.object().put("id", organizationId), at), Op.DELETE, at);
    }

    public Change deleteDomain(String organizationId, String domainId, Instant at) {
        return snapshot(WireObjects.domain(Json.object().put("id", domainId).put("organization_id", organizationId), at),
                Op.DELETE, at);
    }

    public Change deleteConnection(String organizationId, String connectionId, Instant at) {
        return snapshot(WireObjects.connection(Json.object().put("id", connectionId).put("organization_id", organizationId), at),
                Op.DELETE, at);
    }

    public Change deleteDirectory(String organizationId, String directoryId, Instant at) {
        return snapshot(WireObjects.directory(Json.object().put("id", directoryId).put("organization_id", organizationId), at),
                Op.DELETE, at);
    }

    public Change deleteUser(String organizationId, String directoryId, String userId, Instant at) {
        return snapshot(WireObjects.user(Json.object().put("id", userId).put("directory_id", directoryId)
                .put("organization_id", organizationId), at), Op.DELETE, at);
    }

    public Change deleteGroup(String organizationId, String directoryId, String groupId, Instant at) {
        return snapshot(WireObjects.group(Json.object().put("id", groupId).put("directory_id", directoryId)
                .put("organization_id", organizationId), at), Op.DELETE, at);
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
        JsonNode ids = Json.object().put("d", directoryId).put("u", userId).put("g", groupId);
        MembershipChange change = new MembershipChange(WireObjects.id(ids, "d", "directory"), WireObjects.id(ids, "u", "user"),
                WireObjects.id(ids, "g", "group"), member, at, true);
        String org = directoryOrganizations.get(change.directoryId());
        if (org == null) {
            org = organizationOfDirectory(change.directoryId()).orElse(null);
            if (org != null) {
                directoryOrganizations.put(change.directoryId(), org);
            }
        }
        String organizationId = org;
        Outcome<Effect> outcome = transactions.run(k -> 2 + (mappedGroup(k, change.groupId()) ? 1 : 0), new Known(),
                k -> membershipPlan(null, organizationId, change, true, k));
        return outcome.result().change();
    }

    /** The organization of a directory, from the directory index (one GetItem). */
    public Optional<String> organizationOfDirectory(String directoryId) {
        try {
            var item = dynamo.getItem(r -> r.tableName(table).key(indexKey(directoryId)).consistentRead(true)).item();
            return Optional.ofNullable(item == null ? null : Attr.str(item, "organizationId"));
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static ObjectWrite requireOrganization(ObjectWrite object) {
        if (object.organizationId() == null) {
            throw new IllegalArgumentException("the " + object.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " has no \"organization_id\"");
        }
        return object;
    }

    /**
     * Reconcile's writes assume the common case of a full re-read: the object is stored and at most
     * as new (an UPDATE whose failure, if it is unchanged, costs nothing more); a wrong assumption
     * is corrected with a second transaction, or none when there is nothing to write.
     */
    private Change snapshot(ObjectWrite object, Op op, Instant at) {
        if (op == Op.UPSERT && object.updatedAt().compareTo(Times.iso(clock.instant().plus(MAX_AHEAD))) > 0) {
            return Change.UNCHANGED; // stamped ahead of the clock: it would freeze the object (see FromTheFuture)
        }
        Outcome<Effect> outcome = transactions.run(2, new Known(),
                k -> objectPlan(null, object, op, Prior.LIVE, null, at, true, k));
        return outcome.result().change();
    }

    // ------------------------------------------------------------------------------------ plans

    /**
     * One object change: the object's item, for users and groups their directory's counter (and, for
     * events, its last sync), the directory index, and for events the marker and audit entry.
     * {@code event} is null for snapshots; {@code at} is the delete's time.
     */
    private Plan<Effect> objectPlan(Event event, ObjectWrite object, Op op, Prior assumed, Instant syncAt, Instant at,
                                    boolean exactDirectory, Known known) {
        Plan<Effect> plan = new Plan<>();
        String org = object.organizationId();
        if (event != null) {
            plan.add(Transactions.MARKER, marker(event, org));
        }
        Map<String, AttributeValue> seen = known.get(OBJECT);
        Prior prior = seen == null ? assumed : Prior.of(seen);
        String version = op == Op.UPSERT ? object.updatedAt() : Times.iso(at);
        Decision decision = Decision.of(op, prior, seen == null ? null : Attr.str(seen, UPDATED_AT), version);
        Map<String, AttributeValue> directorySeen = known.get(DIRECTORY);
        Effect effect;
        if (decision == Decision.STALE) {
            effect = Effect.ignored(prior == Prior.DELETED ? ApplyOutcome.DELETED : ApplyOutcome.STALE);
        } else if (directorySeen != null && Attr.flag(directorySeen, DELETED)) {
            effect = Effect.ignored(ApplyOutcome.DELETED); // the directory is gone, and all in it
        } else {
            Instant ownSync = object.kind() == Kind.DIRECTORY && op == Op.UPSERT ? syncAt : null;
            ItemUpdate item = objectUpdate(object, decision, version, ownSync, seen);
            Map<String, Long> roleCounts = object.kind() == Kind.USER ? userLifecycle(item, object, decision, seen) : Map.of();
            plan.add(OBJECT, item.toTransactItem());
            if (object.kind().counted()) {
                int shard = exactDirectory ? shards.choose(org, known.conflicted(DIRECTORY)) : 0;
                ItemUpdate directory = directoryItem(org, object.directoryId(), shard);
                directoryUpdate(directory, object.directoryId(), shard, object.kind().counter, decision.delta,
                        syncAt, directorySeen, exactDirectory, roleCounts, plan);
                if (decision.tombstone() && object.kind() == Kind.GROUP) {
                    // hot memberships check their directory's shard, not the group item: every shard learns it
                    for (int k = 1; k <= DirectoryShards.COUNT; k++) {
                        ItemUpdate other = k == shard ? directory : directoryItem(org, object.directoryId(), k);
                        other.addToSet(DirectoryShards.DEAD_GROUPS, object.id());
                        if (k != shard) {
                            plan.add(SHARD, other.toTransactItem());
                        }
                    }
                }
                if (directory.writes() || directory.conditional()) {
                    plan.add(DIRECTORY, directory.toTransactItem());
                }
            }
            if (object.kind() == Kind.DIRECTORY) {
                plan.add(INDEX, indexPut(object.directoryId(), org));
            }
            if (decision.tombstone() && object.kind() == Kind.DIRECTORY) {
                // its counter shards are tombstoned with it: their "not deleted" condition is what hot writers check
                for (int k = 1; k <= DirectoryShards.COUNT; k++) {
                    plan.add(SHARD, directoryItem(org, object.directoryId(), k).set(DELETED, Attr.bool(true))
                            .set(Keys.TTL, Attr.n(expiry(TOMBSTONE_TTL))).toTransactItem());
                }
            }
            // WorkOS drops a deleted group's memberships, and a deleted directory's users, without an
            // event per user: the role job takes them out of the users' groups and the listing.
            if (decision.tombstone() && object.kind() == Kind.GROUP) {
                plan.add(JOB, RoleJobs.enqueueItem(table, org, object.id(), null, clock.instant()));
            } else if (decision.tombstone() && object.kind() == Kind.DIRECTORY) {
                plan.add(JOB, RoleJobs.enqueueItem(table, org, null, object.id(), clock.instant()));
            }
            effect = Effect.of(decision.change);
        }
        if (event != null) {
            plan.add(AUDIT, audit(event, org));
        }
        return plan.result(effect);
    }

    /**
     * A user's role parts as it comes and goes (see {@link UserRoles}); returns the directory's role
     * counter changes. A user created or deleted is assumed to have no stored role (the default role:
     * always so for a user created before its memberships, which is WorkOS's order); the condition
     * says so, and a user that has one is written again from its item. A created user is listed;
     * a deleted one is not, and keeps no groups or role. An update changes none of this.
     */
    private static Map<String, Long> userLifecycle(ItemUpdate item, ObjectWrite user, Decision decision,
                                                   Map<String, AttributeValue> seen) {
        String role = seen == null ? null : Attr.str(seen, UserRoles.ROLE);
        switch (decision) {
            case CREATE -> {
                item.when(UserRoles.roleIs(item, role));
                UserRoles.list(item, user.organizationId(), user.id(), role);
                item.add(UserRoles.REV, 1);
                return UserRoles.move(null, role);
            }
            case TOMBSTONE_LIVE -> {
                item.when(UserRoles.roleIs(item, role));
                UserRoles.unlist(item);
                item.remove(UserRoles.ROLE, UserRoles.GROUPS).add(UserRoles.REV, 1);
                return UserRoles.move(role, null);
            }
            case TOMBSTONE_ABSENT -> {
                UserRoles.unlist(item);
                item.remove(UserRoles.ROLE, UserRoles.GROUPS).add(UserRoles.REV, 1);
                return Map.of();
            }
            default -> {
                return Map.of();
            }
        }
    }

    /** The object's item: its WorkOS fields (SET only, so our own attributes survive) or a tombstone. */
    private ItemUpdate objectUpdate(ObjectWrite object, Decision decision, String version, Instant syncAt,
                                    Map<String, AttributeValue> seen) {
        ItemUpdate update = new ItemUpdate(table, object.pk(), object.sk());
        String updatedAt = update.name(UPDATED_AT);
        String deleted = update.name(DELETED);
        String v = update.value(Attr.s(version));
        if (decision.tombstone()) {
            update.set(DELETED, Attr.bool(true)).set(Keys.TTL, Attr.n(expiry(TOMBSTONE_TTL)));
        } else {
            update.setAll(object.fields());
            activeSince(update, object, v);
        }
        update.setTo(UPDATED_AT, v);
        update.when(switch (decision) {
            case CREATE, TOMBSTONE_ABSENT -> "attribute_not_exists(" + updatedAt + ") AND attribute_not_exists(" + deleted + ")";
            case UPDATE -> updatedAt + " < " + v + " AND attribute_not_exists(" + deleted + ")";
            case TOMBSTONE_LIVE -> updatedAt + " <= " + v + " AND attribute_not_exists(" + deleted + ")";
            case WRITE -> "attribute_not_exists(" + deleted + ") AND (attribute_not_exists(" + updatedAt + ") OR "
                    + updatedAt + " < " + v + ")";
            case TOMBSTONE_ANY -> "attribute_not_exists(" + deleted + ") AND (attribute_not_exists(" + updatedAt + ") OR "
                    + updatedAt + " <= " + v + ")";
            case STALE -> throw new IllegalStateException("a stale object is not written");
        });
        if (syncAt != null) {
            advanceSync(update, syncAt, seen);
        }
        return update;
    }

    /** The directory's item ({@code shard} 0) or one of its counter shards ({@link DirectoryShards}). */
    private ItemUpdate directoryItem(String organizationId, String directoryId, int shard) {
        return new ItemUpdate(table, Keys.orgPk(organizationId), Keys.directoryShardSk(directoryId, shard));
    }

    /**
     * A connection remembers when it last became active ({@link ConnectionSignIns#ACTIVE_SINCE}: the
     * version of the first active write after a non-active one), so that health counts only the
     * sign-ins since. Writes are applied in version order, so "keep it while active" is exact.
     */
    private static void activeSince(ItemUpdate update, ObjectWrite object, String version) {
        if (object.kind() != WireObjects.Kind.CONNECTION) {
            return;
        }
        AttributeValue state = object.fields().get("state");
        if (state != null && "active".equals(state.s())) {
            String name = update.name(ConnectionSignIns.ACTIVE_SINCE);
            update.setTo(ConnectionSignIns.ACTIVE_SINCE, "if_not_exists(" + name + ", " + version + ")");
        } else {
            update.remove(ConnectionSignIns.ACTIVE_SINCE);
        }
    }

    /**
     * The directory's share of a user or group change, on its item or a counter shard: the counter on a
     * real transition and the last sync time, on the condition that the directory was not deleted.
     * {@code exact} false: the item was not known when planning (counter only, no condition). On a
     * shard, a last sync that some shard already holds as late or later is not written (lastSyncAt is
     * the maximum over the shards), which keeps most events of a burst off a condition that would fail.
     */
    private void directoryUpdate(ItemUpdate update, String directoryId, int shard, String counter, int delta,
                                 Instant syncAt, Map<String, AttributeValue> seen, boolean exact,
                                 Map<String, Long> roleCounts, Plan<Effect> plan) {
        if (delta != 0) {
            update.add(counter, delta);
        }
        roleCounts.forEach((roleCounter, n) -> {
            if (n != 0) {
                update.add(roleCounter, n);
            }
        });
        if (!exact) {
            return;
        }
        update.when("attribute_not_exists(" + update.name(DELETED) + ")");
        if (syncAt == null) {
            return;
        }
        String sync = Times.iso(syncAt);
        if (seen != null) {
            shards.syncStored(directoryId, Attr.str(seen, LAST_SYNC_AT));
        }
        if ((shard == 0 || !shards.syncAlreadyAtLeast(directoryId, sync)) && advanceSync(update, syncAt, seen)) {
            plan.onCommit(() -> shards.syncStored(directoryId, sync));
        }
    }

    /** lastSyncAt only moves forward: SET when the stored one is older (as assumed, or as seen). */
    private static boolean advanceSync(ItemUpdate update, Instant syncAt, Map<String, AttributeValue> seen) {
        String sync = Times.iso(syncAt);
        String stored = seen == null ? null : Attr.str(seen, LAST_SYNC_AT);
        if (stored != null && stored.compareTo(sync) >= 0) {
            return false;
        }
        String name = update.name(LAST_SYNC_AT);
        String value = update.value(Attr.s(sync));
        update.setTo(LAST_SYNC_AT, value).when("attribute_not_exists(" + name + ") OR " + name + " < " + value);
        return true;
    }

    /**
     * A SAML certificate fact: renewal required (with the expiry) or renewed (with the new expiry),
     * ordered by event time on its own clock ({@code certificateUpdatedAt}), since these events carry
     * no {@code updated_at}; a deleted connection takes none.
     */
    private Plan<Effect> certificatePlan(Event event, String organizationId, String connectionId, boolean renewalRequired,
                                         String expiresAt, Known known) {
        Plan<Effect> plan = new Plan<Effect>().add(Transactions.MARKER, marker(event, organizationId));
        String time = Times.iso(event.at());
        Map<String, AttributeValue> seen = known.get(OBJECT);
        String stored = seen == null ? null : Attr.str(seen, CERTIFICATE_UPDATED_AT);
        Effect effect;
        if (seen != null && Attr.flag(seen, DELETED)) {
            effect = Effect.ignored(ApplyOutcome.DELETED);
        } else if (stored != null && stored.compareTo(time) >= 0) {
            effect = Effect.ignored(ApplyOutcome.STALE);
        } else {
            ItemUpdate update = new ItemUpdate(table, Keys.orgPk(organizationId), Keys.connectionSk(connectionId));
            String deleted = update.name(DELETED);
            String changed = update.name(CERTIFICATE_UPDATED_AT);
            String t = update.value(Attr.s(time));
            update.set("certificateRenewalRequired", Attr.bool(renewalRequired)).setTo(CERTIFICATE_UPDATED_AT, t);
            if (expiresAt != null) {
                update.set("certificateExpiresAt", Attr.s(expiresAt));
            }
            update.when("attribute_not_exists(" + deleted + ") AND (attribute_not_exists(" + changed + ") OR " + changed + " < " + t + ")");
            plan.add(OBJECT, update.toTransactItem());
            effect = Effect.of(Change.UPDATED);
        }
        return plan.add(AUDIT, audit(event, organizationId)).result(effect);
    }

    /**
     * A group membership change: an ordered set change on its own item ({@code member},
     * {@code changedAt} = the event's time), applied only when newer than the stored change, so that
     * adds and removes in any order and any number of times end as the last one says. The user's
     * {@code groups} change in the same transaction (so they mirror the memberships), and its role
     * with them when the group is mapped ({@link #userShare}). {@code event} null: a snapshot
     * (reconcile), written only when the state changes, with no marker, audit entry or last sync.
     */
    private Plan<Effect> membershipPlan(Event event, String organizationId, MembershipChange c, boolean exactDirectory,
                                        Known known) {
        Plan<Effect> plan = new Plan<>();
        if (event != null) {
            plan.add(Transactions.MARKER, marker(event, organizationId));
        }
        String time = Times.iso(c.at());
        Map<String, AttributeValue> seen = known.get(MEMBERSHIP);
        String stored = seen == null ? null : Attr.str(seen, CHANGED_AT);
        Map<String, AttributeValue> directorySeen = known.get(DIRECTORY);
        Effect effect;
        if (stored != null && stored.compareTo(time) >= 0) {
            effect = Effect.ignored(ApplyOutcome.STALE);
        } else if (c.snapshot() && seen != null && Attr.flag(seen, "member") == c.member()) {
            effect = Effect.ignored(ApplyOutcome.STALE); // already so: nothing to write
        } else if (directorySeen != null && Attr.flag(directorySeen, DELETED)) {
            effect = Effect.ignored(ApplyOutcome.DELETED);
        } else {
            ItemUpdate update = new ItemUpdate(table, Keys.directoryPk(c.directoryId()), Keys.memberSk(c.userId(), c.groupId()));
            String changed = update.name(CHANGED_AT);
            String t = update.value(Attr.s(time));
            update.set("member", Attr.bool(c.member())).setTo(CHANGED_AT, t)
                    .when("attribute_not_exists(" + changed + ") OR " + changed + " < " + t);
            if (c.snapshot()) {
                String memberName = update.name("member");
                update.when(c.member()
                        ? "attribute_not_exists(" + memberName + ") OR " + memberName + " = " + update.value(Attr.bool(false))
                        : memberName + " = " + update.value(Attr.bool(true)));
            }
            plan.add(MEMBERSHIP, update.toTransactItem());
            // hot: the directory's share, the group check and the mapping check all move to shard k
            int shard = organizationId != null && exactDirectory ? shards.choose(organizationId,
                    known.conflicted(DIRECTORY) || known.conflicted(GROUP) || known.conflicted(MAPPING)) : 0;
            ItemUpdate directory = organizationId == null ? null : directoryItem(organizationId, c.directoryId(), shard);
            Map<String, Long> roleCounts = userShare(plan, organizationId, c, known, shard, directory);
            if (organizationId != null) {
                boolean sync = event != null && exactDirectory;
                if (sync || !roleCounts.isEmpty() || shard != 0) {
                    directoryUpdate(directory, c.directoryId(), shard, null, 0,
                            sync ? event.at() : null, directorySeen, exactDirectory, roleCounts, plan);
                    if (directory.writes() || directory.conditional()) {
                        plan.add(DIRECTORY, directory.toTransactItem());
                    }
                }
            }
            effect = Effect.of(c.member() ? Change.CREATED : Change.DELETED);
        }
        if (event != null) {
            plan.add(AUDIT, audit(event, organizationId));
        }
        return plan.result(effect);
    }

    /**
     * The user's share of a membership change; returns the directory's role counter changes.
     *
     * <p>The first transaction assumes what is usual: the group is not mapped to a role (a condition on
     * one attribute of the mapping item, true when there is no mapping), so the user's role cannot
     * change and its {@code groups} are changed blindly: one call, as before roles existed. When the
     * group is mapped, the cancellation returns the mapping, and the second transaction assumes (and
     * checks) the usual user: live, with no other mapped group, its stored role as that implies; the
     * role follows and the counters move. When that user is not so, its cancellation returns the item
     * and the third transaction is written from it (its {@code rev} unchanged). A deleted group joins
     * no user's groups (the group item's condition); a deleted user's item is left alone when known.
     */
    private Map<String, Long> userShare(Plan<Effect> plan, String organizationId, MembershipChange c, Known known,
                                        int shard, ItemUpdate directory) {
        Map<String, AttributeValue> groupSeen = known.get(GROUP);
        Map<String, AttributeValue> userSeen = known.get(USER);
        Map<String, AttributeValue> directorySeen = known.get(DIRECTORY);
        boolean groupDeleted = (groupSeen != null && Attr.flag(groupSeen, DELETED))
                || (directorySeen != null && Attr.strList(directorySeen, DirectoryShards.DEAD_GROUPS).contains(c.groupId()));
        if ((c.member() && groupDeleted) || (userSeen != null && Attr.flag(userSeen, DELETED))) {
            return Map.of();
        }
        ItemUpdate user = UserRoles.membershipChange(table, c.directoryId(), c.userId(), c.groupId(), c.member());
        if (c.member() && shard != 0) {
            directory.when("NOT contains(" + directory.name(DirectoryShards.DEAD_GROUPS) + ", " + directory.value(Attr.s(c.groupId())) + ")");
        } else if (c.member()) {
            plan.add(GROUP, UserRoles.groupNotDeleted(table, c.directoryId(), c.groupId()));
        }
        Map<String, AttributeValue> mappingSeen = known.get(MAPPING);
        RoleMapping mapping = mappingSeen == null ? null : RoleMapping.fromItem(mappingSeen);
        if (organizationId == null || mapping == null || !mapping.maps(c.groupId())) {
            plan.add(USER, user.toTransactItem());
            if (organizationId != null) { // without it the mapping cannot be found: the next re-derivation decides
                plan.add(MAPPING, UserRoles.notMapped(table, organizationId, c.groupId(), shard));
            }
            return Map.of();
        }
        String groupRole = mapping.storedRole(List.of(c.groupId()));
        String before;
        String after;
        boolean live;
        if (userSeen != null) {
            live = Attr.str(userSeen, UPDATED_AT) != null;
            Set<String> groups = new HashSet<>(Attr.strList(userSeen, UserRoles.GROUPS));
            if (c.member()) {
                groups.add(c.groupId());
            } else {
                groups.remove(c.groupId());
            }
            before = Attr.str(userSeen, UserRoles.ROLE);
            after = mapping.storedRole(groups);
            user.when(UserRoles.revIs(user, userSeen));
        } else {
            live = true;
            before = c.member() ? null : groupRole;
            after = c.member() ? groupRole : null;
            String groups = user.name(UserRoles.GROUPS);
            user.when("attribute_exists(" + user.name(UPDATED_AT) + ") AND attribute_not_exists(" + user.name(DELETED) + ")");
            for (String other : mapping.otherMappedGroups(c.groupId())) {
                user.when("NOT contains(" + groups + ", " + user.value(Attr.s(other)) + ")");
            }
            user.when(UserRoles.roleIs(user, before));
        }
        Map<String, Long> counts = Map.of();
        if (!Objects.equals(before, after)) {
            UserRoles.setRole(user, after);
            if (live) {
                UserRoles.listRole(user, organizationId, c.userId(), after);
                counts = UserRoles.move(before, after);
            }
        }
        plan.add(USER, user.toTransactItem());
        plan.add(MAPPING, UserRoles.mappingIs(table, organizationId, mapping.version(), shard));
        return counts;
    }

    // ------------------------------------------------------------------------------------ items

    TransactWriteItem marker(Event event, String organizationId) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Keys.PK, Attr.s(Keys.eventPk(event.event().id())));
        item.put(Keys.SK, Attr.s(Keys.EVENT_SK));
        item.put("type", Attr.s(event.event().name()));
        item.put("organizationId", Attr.s(organizationId == null ? UNASSIGNED : organizationId));
        item.put("processedAt", Attr.s(Times.iso(clock.instant())));
        item.put(Keys.TTL, Attr.n(expiry(MARKER_TTL)));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }

    /**
     * The event's audit entry: ordered in the log by when Gatekeep recorded it (its sort key), with
     * WorkOS's {@code created_at} kept as {@code occurredAt}. It is written with the event's marker, so
     * a duplicate delivery writes neither.
     */
    TransactWriteItem audit(Event event, String organizationId) {
        AuditEntry entry = new AuditEntry(organizationId == null ? UNASSIGNED : organizationId, event.event().id(),
                event.event().name(), event.at(), clock.instant(), Summaries.actor(event.event()),
                Summaries.summary(event.event()), AuditEntry.Source.WORKOS, null);
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(entry.toItem()).build()).build();
    }

    /**
     * The directory index: which organization a directory belongs to, for events that do not say.
     * Written with every directory event (WorkOS activates a directory before it syncs anything into
     * it) and by reconcile's {@link #upsertDirectory}.
     */
    private TransactWriteItem indexPut(String directoryId, String organizationId) {
        Map<String, AttributeValue> item = new HashMap<>(indexKey(directoryId));
        item.put("organizationId", Attr.s(organizationId));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build();
    }

    private static Map<String, AttributeValue> indexKey(String directoryId) {
        return Attr.key(Keys.directoryPk(directoryId), Keys.DIRECTORY_META_SK);
    }

    @SafeVarargs
    final List<Map<String, AttributeValue>> read(Map<String, AttributeValue>... keys) {
        return transactions.read(() -> dynamo.transactGetItems(b -> b.transactItems(Arrays.stream(keys)
                        .map(key -> TransactGetItem.builder().get(Get.builder().tableName(table).key(key).build()).build())
                        .toList()))
                .responses().stream()
                .map(r -> r != null && r.hasItem() ? r.item() : Map.<String, AttributeValue>of())
                .toList());
    }

    private long expiry(Duration lifetime) {
        return clock.instant().plus(lifetime).getEpochSecond();
    }

    private static String firstId(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate.isTextual()) {
                return WireObjects.optionalId(Json.object().put("id", candidate.asText()), "id");
            }
        }
        return null;
    }
}
