package io.gatekeep.shared.projection;

import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One walk of a {@link RoleJobs} run over an organization's users with one mapping: each page of a
 * directory's users recomputed (groups without the deleted ones, the role the mapping gives, the
 * listing keys), and the users that change written {@value RoleJobs#BATCH} to a transaction with the
 * directory's counters and the mapping check, a user changed in between recomputed from the item the
 * cancellation returns. Apart from {@link RoleJobs}, which queues the work and keeps the walk's position.
 */
final class RoleJobWalk {
    private static final int ATTEMPTS = 6;

    private final DynamoDbClient dynamo;
    private final String table;
    private final String organizationId;
    private final RoleMapping mapping;
    private final Set<String> deadGroups;
    /** The deleted groups of the directory being walked, read once when a user written before roles existed needs them. */
    private String deletedGroupsOf;
    private Set<String> deletedGroups;
    /** Rebuilt groups of the page's users written before roles existed (read again after a failed write). */
    private final Map<String, Set<String>> legacyGroups = new HashMap<>();
    long checked;
    long changed;

    RoleJobWalk(DynamoDbClient dynamo, String table, String organizationId, RoleMapping mapping, Set<String> deadGroups) {
        this.dynamo = dynamo;
        this.table = table;
        this.organizationId = organizationId;
        this.mapping = mapping;
        this.deadGroups = deadGroups;
    }

    /** Recomputes a page of users and writes those that change; false when the walk must start again. */
    boolean page(RoleJobs.Directory directory, List<Map<String, AttributeValue>> users) {
        legacyGroups.clear();
        List<Map<String, AttributeValue>> batch = new ArrayList<>(RoleJobs.BATCH);
        for (Map<String, AttributeValue> user : users) {
            checked++;
            if (plan(directory, user) != null) {
                batch.add(user);
            }
            if (batch.size() == RoleJobs.BATCH) {
                if (!write(directory, batch)) {
                    return false;
                }
                batch.clear();
            }
        }
        return batch.isEmpty() || write(directory, batch);
    }

    /** What this user's item must become: null when it is right already (or is a tombstone). */
    private UserWrite plan(RoleJobs.Directory directory, Map<String, AttributeValue> user) {
        if (user.isEmpty() || Attr.flag(user, "deleted")) {
            return null;
        }
        String userId = Attr.str(user, Keys.SK).substring(Keys.USER_PREFIX.length());
        ItemUpdate update = new ItemUpdate(table, Keys.directoryPk(directory.id()), Keys.userSk(userId));
        String gsi1 = Attr.str(user, Keys.GSI1_PK);
        String gsi2 = Attr.str(user, Keys.GSI2_PK);
        if (directory.deleted()) {
            if (gsi1 == null && gsi2 == null) {
                return null;
            }
            UserRoles.unlist(update);
            update.add(UserRoles.REV, 1).when(UserRoles.revIs(update, user));
            return new UserWrite(update, Map.of());
        }
        boolean live = Attr.str(user, "updatedAt") != null;
        // A live user without its listing key was written before roles existed: its groups are
        // rebuilt from its membership items, once (every user the projection creates now is listed).
        boolean legacy = live && gsi1 == null;
        Set<String> groups = new HashSet<>(legacy
                ? legacyGroups.computeIfAbsent(userId, id -> memberships(directory.id(), id))
                : Attr.strList(user, UserRoles.GROUPS));
        Set<String> dead = new HashSet<>(groups);
        dead.retainAll(deadGroups);
        groups.removeAll(dead);
        String stored = Attr.str(user, UserRoles.ROLE);
        String wanted = mapping.storedRole(groups);
        boolean listed = live
                ? Keys.usersPk(organizationId).equals(gsi1) && UserRoles.gsi2Pk(organizationId, wanted).equals(gsi2)
                : gsi1 == null && gsi2 == null;
        if (dead.isEmpty() && Objects.equals(stored, wanted) && listed) {
            return null;
        }
        if (legacy) {
            if (groups.isEmpty()) {
                update.remove(UserRoles.GROUPS);
            } else {
                update.set(UserRoles.GROUPS, AttributeValue.fromSs(List.copyOf(groups)));
            }
        } else {
            update.deleteFromSet(UserRoles.GROUPS, dead);
        }
        if (!Objects.equals(stored, wanted)) {
            UserRoles.setRole(update, wanted);
        }
        if (live) {
            UserRoles.list(update, organizationId, userId, wanted);
        } else {
            UserRoles.unlist(update);
        }
        update.add(UserRoles.REV, 1).when(UserRoles.revIs(update, user));
        return new UserWrite(update, live ? UserRoles.move(stored, wanted) : Map.of());
    }

    /** The groups of a user written before roles existed: its memberships with {@code member}, of live groups. */
    private Set<String> memberships(String directoryId, String userId) {
        if (!directoryId.equals(deletedGroupsOf)) {
            deletedGroups = deletedGroups(directoryId);
            deletedGroupsOf = directoryId;
        }
        Set<String> groups = new HashSet<>();
        String prefix = Keys.MEMBER_PREFIX + userId + "#";
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = RoleJobs.call(() -> dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :member)")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.directoryPk(directoryId)), ":member", Attr.s(prefix)))
                    .consistentRead(true).exclusiveStartKey(from).build()));
            for (Map<String, AttributeValue> m : page.items()) {
                String group = Attr.str(m, Keys.SK).substring(prefix.length());
                if (Attr.flag(m, "member") && !deletedGroups.contains(group)) {
                    groups.add(group);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return groups;
    }

    /** The directory's group tombstones (group ids only: bounded by the directory's groups, not its users). */
    private Set<String> deletedGroups(String directoryId) {
        Set<String> deleted = new HashSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = RoleJobs.call(() -> dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :group)")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.directoryPk(directoryId)), ":group", Attr.s(Keys.GROUP_PREFIX)))
                    .projectionExpression("sk, deleted").consistentRead(true).exclusiveStartKey(from).build()));
            for (Map<String, AttributeValue> g : page.items()) {
                if (Attr.flag(g, "deleted")) {
                    deleted.add(Attr.str(g, Keys.SK).substring(Keys.GROUP_PREFIX.length()));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return deleted;
    }

    /**
     * Writes the batch's changes in one transaction; a user changed in between is recomputed from
     * the item the cancellation returns. False when the mapping or the directory changed.
     */
    private boolean write(RoleJobs.Directory directory, List<Map<String, AttributeValue>> users) {
        List<Map<String, AttributeValue>> current = new ArrayList<>(users);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            List<TransactWriteItem> items = new ArrayList<>();
            Map<String, Long> counts = new LinkedHashMap<>();
            List<Integer> userAt = new ArrayList<>();
            for (int i = 0; i < current.size(); i++) {
                UserWrite w = plan(directory, current.get(i));
                if (w != null) {
                    userAt.add(i);
                    items.add(w.update().toTransactItem());
                    w.counts().forEach((k, v) -> counts.merge(k, v, Long::sum));
                }
            }
            if (items.isEmpty()) {
                return true;
            }
            int written = items.size();
            if (!directory.deleted()) {
                ItemUpdate dir = new ItemUpdate(table, Keys.orgPk(organizationId), Keys.directorySk(directory.id()));
                counts.forEach((counter, n) -> {
                    if (n != 0) {
                        dir.add(counter, n);
                    }
                });
                dir.when("attribute_not_exists(" + dir.name("deleted") + ")");
                items.add(dir.toTransactItem());
                items.add(UserRoles.mappingIs(table, organizationId, mapping.version()));
            }
            try {
                dynamo.transactWriteItems(r -> r.transactItems(items));
                changed += written;
                return true;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                for (int i = 0; i < reasons.size(); i++) {
                    String code = reasons.get(i).code();
                    if (!"ConditionalCheckFailed".equals(code)) {
                        if (code != null && !code.equals("None") && !code.equals("TransactionConflict")) {
                            throw new StoreUnavailableException("DynamoDB cancelled the role job's write: " + code, e, attempt);
                        }
                        continue;
                    }
                    if (i >= written) {
                        return false; // the directory was deleted or the mapping changed: both queue new work
                    }
                    CancellationReason reason = reasons.get(i);
                    String sk = Attr.str(current.get(userAt.get(i)), Keys.SK);
                    if (sk != null) {
                        legacyGroups.remove(sk.substring(Keys.USER_PREFIX.length()));
                    }
                    current.set(userAt.get(i), reason.hasItem() ? withKey(reason.item(), current.get(userAt.get(i))) : Map.of());
                }
                pause(attempt);
            } catch (SdkException e) {
                throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e, attempt);
            }
        }
        throw new StoreUnavailableException("the users kept changing during the role job");
    }

    private record UserWrite(ItemUpdate update, Map<String, Long> counts) {}

    private static Map<String, AttributeValue> withKey(Map<String, AttributeValue> fresh, Map<String, AttributeValue> old) {
        Map<String, AttributeValue> item = new HashMap<>(fresh);
        item.putIfAbsent(Keys.PK, old.get(Keys.PK));
        item.putIfAbsent(Keys.SK, old.get(Keys.SK));
        return item;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(5L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
