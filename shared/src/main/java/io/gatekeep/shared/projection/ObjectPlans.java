package io.gatekeep.shared.projection;

import static io.gatekeep.shared.projection.Projection.AUDIT;
import static io.gatekeep.shared.projection.Projection.CERTIFICATE_UPDATED_AT;
import static io.gatekeep.shared.projection.Projection.DELETED;
import static io.gatekeep.shared.projection.Projection.DIRECTORY;
import static io.gatekeep.shared.projection.Projection.INDEX;
import static io.gatekeep.shared.projection.Projection.JOB;
import static io.gatekeep.shared.projection.Projection.LAST_SYNC_AT;
import static io.gatekeep.shared.projection.Projection.OBJECT;
import static io.gatekeep.shared.projection.Projection.SHARD;
import static io.gatekeep.shared.projection.Projection.TOMBSTONE_TTL;
import static io.gatekeep.shared.projection.Projection.UPDATED_AT;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.org.ConnectionSignIns;
import io.gatekeep.shared.projection.Projection.Effect;
import io.gatekeep.shared.projection.Projection.Event;
import io.gatekeep.shared.projection.Transactions.Known;
import io.gatekeep.shared.projection.Transactions.Outcome;
import io.gatekeep.shared.projection.Transactions.Plan;
import io.gatekeep.shared.projection.WireObjects.ObjectWrite;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An object change's transaction, for an event or a snapshot: what the stored item's state calls for
 * ({@link Decision}: create, update, tombstone or nothing, by {@code updated_at}), the item, for users and
 * groups their directory's counters and last sync (on the directory item or a counter shard,
 * {@link DirectoryShards}) and a user's role parts ({@link UserRoles}), the directory index, the role job
 * a deleted group or directory queues; and the SAML certificate facts. Apart from {@link Projection},
 * which dispatches the events, and {@link MembershipPlans}, which shares the directory's part.
 */
final class ObjectPlans {
    enum Op { UPSERT, DELETE }

    /** What an object's item holds (observed), or what a plan assumes it holds. */
    enum Prior {
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

    private final String table;
    private final Clock clock;
    private final Transactions transactions;
    private final EventItems items;
    private final DirectoryShards shards;

    ObjectPlans(String table, Clock clock, Transactions transactions, EventItems items, DirectoryShards shards) {
        this.table = table;
        this.clock = clock;
        this.transactions = transactions;
        this.items = items;
        this.shards = shards;
    }

    /** An object change an event reports, applied: one transaction, or a read first when it names no organization. */
    ApplyOutcome apply(Event e, ObjectWrite object, Op op, Prior assumed, Instant syncAt) {
        Known known = new Known();
        int attempts = 2;
        boolean exactDirectory = true;
        if (object.organizationId() == null) {
            // The extra call (users and groups only; WorkOS always names their organization): read the
            // directory index for the organization and the object's own item, so that the single
            // transaction that follows is written from facts, not assumptions.
            List<Map<String, AttributeValue>> read = items.read(EventItems.indexKey(object.directoryId()),
                    Attr.key(object.pk(), object.sk()));
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
        return Projection.outcome(e, o.organizationId(), outcome);
    }

    /** A SAML certificate event applied ({@link #certificatePlan}). */
    ApplyOutcome certificate(Event e, boolean renewalRequired) {
        JsonNode data = e.event().data();
        JsonNode connection = data.path("connection");
        String connectionId = WireObjects.id(connection, "id", "connection");
        String organizationId = WireObjects.id(connection, "organization_id", "connection's organization");
        String expiresAt = Times.normalize(Json.text(data.path("certificate"), "expiry_date"));
        Outcome<Effect> outcome = transactions.run(2, new Known(),
                k -> certificatePlan(e, organizationId, connectionId, renewalRequired, expiresAt, k));
        return Projection.outcome(e, organizationId, outcome);
    }

    /**
     * One object change: the object's item, for users and groups their directory's counter (and, for
     * events, its last sync), the directory index, and for events the marker and audit entry.
     * {@code event} is null for snapshots; {@code at} is the delete's time.
     */
    Plan<Effect> objectPlan(Event event, ObjectWrite object, Op op, Prior assumed, Instant syncAt, Instant at,
                                    boolean exactDirectory, Known known) {
        Plan<Effect> plan = new Plan<>();
        String org = object.organizationId();
        if (event != null) {
            plan.add(Transactions.MARKER, items.marker(event, org));
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
            Instant ownSync = object.kind() == WorkOsObjectType.DIRECTORY && op == Op.UPSERT ? syncAt : null;
            ItemUpdate item = objectUpdate(object, decision, version, ownSync, seen);
            Map<String, Long> roleCounts = object.kind() == WorkOsObjectType.USER ? userLifecycle(item, object, decision, seen) : Map.of();
            plan.add(OBJECT, item.toTransactItem());
            if (object.kind().counted()) {
                int shard = exactDirectory ? shards.choose(org, known.conflicted(DIRECTORY)) : 0;
                ItemUpdate directory = directoryItem(org, object.directoryId(), shard);
                directoryUpdate(directory, object.directoryId(), shard, object.kind().counter, decision.delta,
                        syncAt, directorySeen, exactDirectory, roleCounts, plan);
                if (decision.tombstone() && object.kind() == WorkOsObjectType.GROUP) {
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
            if (object.kind() == WorkOsObjectType.DIRECTORY) {
                plan.add(INDEX, items.indexPut(object.directoryId(), org));
            }
            if (decision.tombstone() && object.kind() == WorkOsObjectType.DIRECTORY) {
                // its counter shards are tombstoned with it: their "not deleted" condition is what hot writers check
                for (int k = 1; k <= DirectoryShards.COUNT; k++) {
                    plan.add(SHARD, directoryItem(org, object.directoryId(), k).set(DELETED, Attr.bool(true))
                            .set(Keys.TTL, Attr.n(items.expiry(TOMBSTONE_TTL))).toTransactItem());
                }
            }
            // WorkOS drops a deleted group's memberships, and a deleted directory's users, without an
            // event per user: the role job takes them out of the users' groups and the listing.
            if (decision.tombstone() && object.kind() == WorkOsObjectType.GROUP) {
                plan.add(JOB, RoleJobs.enqueueItem(table, org, object.id(), null, clock.instant()));
            } else if (decision.tombstone() && object.kind() == WorkOsObjectType.DIRECTORY) {
                plan.add(JOB, RoleJobs.enqueueItem(table, org, null, object.id(), clock.instant()));
            }
            effect = Effect.of(decision.change);
        }
        if (event != null) {
            plan.add(AUDIT, items.audit(event, org));
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
            update.set(DELETED, Attr.bool(true)).set(Keys.TTL, Attr.n(items.expiry(TOMBSTONE_TTL)));
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
    ItemUpdate directoryItem(String organizationId, String directoryId, int shard) {
        return new ItemUpdate(table, Keys.orgPk(organizationId), Keys.directoryShardSk(directoryId, shard));
    }

    /**
     * A connection remembers when it last became active ({@link ConnectionSignIns#ACTIVE_SINCE}: the
     * version of the first active write after a non-active one), so that health counts only the
     * sign-ins since. Writes are applied in version order, so "keep it while active" is exact.
     */
    private static void activeSince(ItemUpdate update, ObjectWrite object, String version) {
        if (object.kind() != WorkOsObjectType.CONNECTION) {
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
    void directoryUpdate(ItemUpdate update, String directoryId, int shard, String counter, int delta,
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
        Plan<Effect> plan = new Plan<Effect>().add(Transactions.MARKER, items.marker(event, organizationId));
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
        return plan.add(AUDIT, items.audit(event, organizationId)).result(effect);
    }
}
