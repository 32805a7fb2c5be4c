package io.gatekeep.shared.projection;

import static io.gatekeep.shared.projection.Projection.MAX_AHEAD;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.projection.MembershipPlans.MembershipChange;
import io.gatekeep.shared.projection.ObjectPlans.Op;
import io.gatekeep.shared.projection.ObjectPlans.Prior;
import io.gatekeep.shared.projection.Projection.Effect;
import io.gatekeep.shared.projection.Transactions.Known;
import io.gatekeep.shared.projection.Transactions.Outcome;
import io.gatekeep.shared.projection.WireObjects.ObjectWrite;
import io.gatekeep.shared.table.Attr;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reconcile's writes: objects as WorkOS's list and get calls return them, deletes of objects WorkOS no
 * longer has, and memberships set as WorkOS lists them; the same plans as the events' (same rules), with
 * no marker or audit entry (reconcile writes its own). {@link Projection}'s {@code upsert...},
 * {@code delete...} and {@code setMembership} are these.
 */
final class Snapshots {
    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Transactions transactions;
    private final ObjectPlans objects;
    private final MembershipPlans memberships;
    /** Directory -> organization, from the directory index: it never changes, so it is read once. */
    private final Map<String, String> directoryOrganizations = new ConcurrentHashMap<>();

    Snapshots(DynamoDbClient dynamo, String table, Clock clock, Transactions transactions, ObjectPlans objects,
              MembershipPlans memberships) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.transactions = transactions;
        this.objects = objects;
        this.memberships = memberships;
    }

    Change upsertOrganization(JsonNode organization) {
        return snapshot(WireObjects.organization(organization, null), Op.UPSERT, null);
    }

    Change upsertDomain(JsonNode domain) {
        return snapshot(WireObjects.domain(domain, null), Op.UPSERT, null);
    }

    Change upsertConnection(JsonNode connection) {
        return snapshot(WireObjects.connection(connection, null), Op.UPSERT, null);
    }

    Change upsertDirectory(JsonNode directory) {
        return snapshot(WireObjects.directory(directory, null), Op.UPSERT, null);
    }

    Change upsertUser(JsonNode user) {
        return snapshot(requireOrganization(WireObjects.user(user, null)), Op.UPSERT, null);
    }

    Change upsertGroup(JsonNode group) {
        return snapshot(requireOrganization(WireObjects.group(group, null)), Op.UPSERT, null);
    }

    Change deleteOrganization(String organizationId, Instant at) {
        return snapshot(WireObjects.organization(Json.object().put("id", organizationId), at), Op.DELETE, at);
    }

    Change deleteDomain(String organizationId, String domainId, Instant at) {
        return snapshot(WireObjects.domain(Json.object().put("id", domainId).put("organization_id", organizationId), at),
                Op.DELETE, at);
    }

    Change deleteConnection(String organizationId, String connectionId, Instant at) {
        return snapshot(WireObjects.connection(Json.object().put("id", connectionId).put("organization_id", organizationId), at),
                Op.DELETE, at);
    }

    Change deleteDirectory(String organizationId, String directoryId, Instant at) {
        return snapshot(WireObjects.directory(Json.object().put("id", directoryId).put("organization_id", organizationId), at),
                Op.DELETE, at);
    }

    Change deleteUser(String organizationId, String directoryId, String userId, Instant at) {
        return snapshot(WireObjects.user(Json.object().put("id", userId).put("directory_id", directoryId)
                .put("organization_id", organizationId), at), Op.DELETE, at);
    }

    Change deleteGroup(String organizationId, String directoryId, String groupId, Instant at) {
        return snapshot(WireObjects.group(Json.object().put("id", groupId).put("directory_id", directoryId)
                .put("organization_id", organizationId), at), Op.DELETE, at);
    }

    Change setMembership(String directoryId, String userId, String groupId, boolean member, Instant at) {
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
        Outcome<Effect> outcome = transactions.run(k -> 2 + (MembershipPlans.mappedGroup(k, change.groupId()) ? 1 : 0),
                new Known(),
                k -> memberships.membershipPlan(null, organizationId, change, true, k));
        return outcome.result().change();
    }

    Optional<String> organizationOfDirectory(String directoryId) {
        try {
            var item = dynamo.getItem(r -> r.tableName(table).key(EventItems.indexKey(directoryId)).consistentRead(true)).item();
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
                k -> objects.objectPlan(null, object, op, Prior.LIVE, null, at, true, k));
        return outcome.result().change();
    }
}
