package io.gatekeep.shared.projection;

import io.gatekeep.shared.Times;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Re-derivation of an organization's directory users, for what no single event can do: a mapping
 * change (every user's role may change), a deleted group (WorkOS drops its memberships without an
 * event per member: the group leaves its users' {@code groups}, and their roles follow) and a
 * deleted directory (its users leave the listing).
 *
 * <p>The work is queued on one item per organization, {@code ROLEJOB / {orgId}}: {@code generation}
 * (+1 per piece of work, in the same transaction as the mapping change or the deletion that calls for
 * it), {@code deadGroups}, {@code deadDirectories}, and the walk's position. A run walks the
 * organization's directories in id order and each one's users one page ({@value #PAGE}) at a time
 * (bounded memory whatever the directory size), recomputes each user from its item and the mapping,
 * and writes only the users that change, {@value #BATCH} to a transaction together with the
 * directory's counter changes and a check that the mapping is the one used; each user's condition is
 * its {@code rev} as read, so a webhook that changed the user in between cancels the write and the
 * user is recomputed from the item the cancellation returns. The position is saved after every page
 * (a later run resumes there) on the condition that no new work arrived; new work sends the walk back
 * to the start. The job item is deleted when a walk ends with no new work.
 *
 * <p>Run by {@code PUT .../role-mappings} right after the change (within its time budget) and by the
 * role-jobs function every minute for whatever is left.
 */
public final class RoleJobs {
    static final String GENERATION = "generation";
    static final String DEAD_GROUPS = "deadGroups";
    static final String DEAD_DIRECTORIES = "deadDirectories";
    static final String POSITION_DIRECTORY = "positionDirectory";
    static final String POSITION_AFTER = "positionAfter";
    static final String POSITION_GENERATION = "positionGeneration";
    /** Users read per Query. */
    static final int PAGE = 100;
    /** Users written per transaction (with the directory item and the mapping check: at most 27 items). */
    static final int BATCH = 25;
    private static final int ATTEMPTS = 6;

    /** What a run did: complete (no work left) or stopped at its deadline, with the users read and written. */
    public record Result(String organizationId, boolean complete, long usersChecked, long usersChanged) {}

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public RoleJobs(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ queueing

    /** The job item's change that queues work: in the transaction of the change that calls for it. */
    static TransactWriteItem enqueueItem(String table, String organizationId, String deadGroup, String deadDirectory,
                                         Instant now) {
        ItemUpdate job = new ItemUpdate(table, Keys.ROLE_JOB_PK, organizationId);
        job.set("organizationId", Attr.s(organizationId)).set("queuedAt", Attr.s(Times.iso(now))).add(GENERATION, 1);
        if (deadGroup != null) {
            job.addToSet(DEAD_GROUPS, deadGroup);
        }
        if (deadDirectory != null) {
            job.addToSet(DEAD_DIRECTORIES, deadDirectory);
        }
        return job.toTransactItem();
    }

    /** Queues a walk of the organization (e.g. once after deploying, so that existing users get listed). */
    public void enqueue(String organizationId) {
        var item = enqueueItem(table, organizationId, null, null, clock.instant()).update();
        call(() -> dynamo.updateItem(r -> r.tableName(table).key(item.key()).updateExpression(item.updateExpression())
                .expressionAttributeNames(item.expressionAttributeNames())
                .expressionAttributeValues(item.expressionAttributeValues())));
    }

    /** Whether work is queued for the organization. */
    public boolean pending(String organizationId) {
        return !get(jobKey(organizationId)).isEmpty();
    }

    // ------------------------------------------------------------------ running

    /** Every organization with queued work, until the deadline ({@link System#nanoTime()}). */
    public List<Result> runPending(long deadlineNanos) {
        List<Result> results = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call(() -> dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", Attr.s(Keys.ROLE_JOB_PK)))
                    .consistentRead(true).exclusiveStartKey(from).build()));
            for (Map<String, AttributeValue> job : page.items()) {
                if (System.nanoTime() > deadlineNanos) {
                    return results;
                }
                results.add(run(Attr.str(job, Keys.SK), deadlineNanos));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return results;
    }

    /** The organization's queued work, until done or the deadline ({@link System#nanoTime()}). */
    public Result run(String organizationId, long deadlineNanos) {
        long checked = 0;
        long changed = 0;
        while (true) {
            Map<String, AttributeValue> job = get(jobKey(organizationId));
            if (job.isEmpty()) {
                return new Result(organizationId, true, checked, changed);
            }
            if (System.nanoTime() > deadlineNanos) {
                return new Result(organizationId, false, checked, changed);
            }
            long generation = Attr.num(job, GENERATION, 0);
            RoleMapping mapping = RoleMapping.fromItem(get(Attr.key(Keys.orgPk(organizationId), Keys.ROLE_MAP_SK)));
            Set<String> deadDirectories = new HashSet<>(Attr.strList(job, DEAD_DIRECTORIES));
            String fromDirectory = null;
            String fromUser = null;
            if (Attr.num(job, POSITION_GENERATION, -1) == generation) {
                fromDirectory = Attr.str(job, POSITION_DIRECTORY);
                fromUser = Attr.str(job, POSITION_AFTER);
            }
            Walk walk = new Walk(organizationId, mapping, new HashSet<>(Attr.strList(job, DEAD_GROUPS)));
            boolean again = false;
            for (Directory directory : directories(organizationId)) {
                if (fromDirectory != null && directory.id().compareTo(fromDirectory) < 0) {
                    continue; // walked before this run
                }
                if (directory.deleted() && !deadDirectories.contains(directory.id())) {
                    continue; // its users left the listing when it was deleted
                }
                String after = directory.id().equals(fromDirectory) ? fromUser : null;
                while (!again) {
                    if (System.nanoTime() > deadlineNanos) {
                        return new Result(organizationId, false, checked + walk.checked, changed + walk.changed);
                    }
                    QueryResponse page = usersPage(directory.id(), after);
                    if (!walk.page(directory, page.items())) {
                        again = true; // the mapping changed or the directory was deleted: new work is queued
                        break;
                    }
                    if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                        break;
                    }
                    after = Attr.str(page.lastEvaluatedKey(), Keys.SK).substring(Keys.USER_PREFIX.length());
                    again = !checkpoint(organizationId, generation, directory.id(), after);
                }
                if (again) {
                    break;
                }
            }
            checked += walk.checked;
            changed += walk.changed;
            if (!again && finish(organizationId, generation)) {
                return new Result(organizationId, true, checked, changed);
            }
            // new work arrived during the walk: walk again with it
        }
    }

    private record Directory(String id, boolean deleted) {}

    /** The organization's directories, live and deleted, in id order (a handful). */
    private List<Directory> directories(String organizationId) {
        List<Directory> directories = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call(() -> dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :dir)")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.orgPk(organizationId)), ":dir", Attr.s(Keys.DIRECTORY_PREFIX)))
                    .projectionExpression("sk, deleted").consistentRead(true).exclusiveStartKey(from).build()));
            for (Map<String, AttributeValue> item : page.items()) {
                directories.add(new Directory(Attr.str(item, Keys.SK).substring(Keys.DIRECTORY_PREFIX.length()),
                        Attr.flag(item, "deleted")));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return directories;
    }

    private QueryResponse usersPage(String directoryId, String afterUserId) {
        String pk = Keys.directoryPk(directoryId);
        Map<String, AttributeValue> start = afterUserId == null ? null : Attr.key(pk, Keys.userSk(afterUserId));
        return call(() -> dynamo.query(QueryRequest.builder().tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :user)")
                .expressionAttributeValues(Map.of(":pk", Attr.s(pk), ":user", Attr.s(Keys.USER_PREFIX)))
                .projectionExpression("pk, sk, updatedAt, deleted, #groups, #role, rev, gsi1pk, gsi2pk")
                .expressionAttributeNames(Map.of("#groups", UserRoles.GROUPS, "#role", UserRoles.ROLE))
                .limit(PAGE).consistentRead(true).exclusiveStartKey(start).build()));
    }

    /** Saves the position, unless new work arrived (then the walk starts again). */
    private boolean checkpoint(String organizationId, long generation, String directoryId, String after) {
        try {
            call(() -> dynamo.updateItem(r -> r.tableName(table).key(jobKey(organizationId))
                    .updateExpression("SET positionDirectory = :d, positionAfter = :a, positionGeneration = :g")
                    .conditionExpression("generation = :g")
                    .expressionAttributeValues(Map.of(":d", Attr.s(directoryId), ":a", Attr.s(after), ":g", Attr.n(generation)))));
            return true;
        } catch (ConditionalCheckFailedException newWork) {
            return false;
        }
    }

    /** Deletes the job, unless new work arrived. */
    private boolean finish(String organizationId, long generation) {
        try {
            call(() -> dynamo.deleteItem(r -> r.tableName(table).key(jobKey(organizationId))
                    .conditionExpression("generation = :g").expressionAttributeValues(Map.of(":g", Attr.n(generation)))));
            return true;
        } catch (ConditionalCheckFailedException newWork) {
            return false;
        }
    }

    /** One walk over an organization's users with one mapping. */
    private final class Walk {
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

        Walk(String organizationId, RoleMapping mapping, Set<String> deadGroups) {
            this.organizationId = organizationId;
            this.mapping = mapping;
            this.deadGroups = deadGroups;
        }

        /** Recomputes a page of users and writes those that change; false when the walk must start again. */
        boolean page(Directory directory, List<Map<String, AttributeValue>> users) {
            legacyGroups.clear();
            List<Map<String, AttributeValue>> batch = new ArrayList<>(BATCH);
            for (Map<String, AttributeValue> user : users) {
                checked++;
                if (plan(directory, user) != null) {
                    batch.add(user);
                }
                if (batch.size() == BATCH) {
                    if (!write(directory, batch)) {
                        return false;
                    }
                    batch.clear();
                }
            }
            return batch.isEmpty() || write(directory, batch);
        }

        /** What this user's item must become: null when it is right already (or is a tombstone). */
        private UserWrite plan(Directory directory, Map<String, AttributeValue> user) {
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
                QueryResponse page = call(() -> dynamo.query(QueryRequest.builder().tableName(table)
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
                QueryResponse page = call(() -> dynamo.query(QueryRequest.builder().tableName(table)
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
        private boolean write(Directory directory, List<Map<String, AttributeValue>> users) {
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

    private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
        var item = call(() -> dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true))).item();
        return item == null ? Map.of() : item;
    }

    private static Map<String, AttributeValue> jobKey(String organizationId) {
        return Attr.key(Keys.ROLE_JOB_PK, organizationId);
    }

    private static <T> T call(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
