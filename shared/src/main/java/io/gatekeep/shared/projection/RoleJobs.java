package io.gatekeep.shared.projection;

import io.gatekeep.shared.Times;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * <p>A walk's pages are recomputed and written by {@link RoleJobWalk}.
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
            RoleJobWalk walk = new RoleJobWalk(dynamo, table, organizationId, mapping,
                    new HashSet<>(Attr.strList(job, DEAD_GROUPS)));
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

    /** A directory of the organization, and whether it is deleted. */
    record Directory(String id, boolean deleted) {}

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


    private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
        var item = call(() -> dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true))).item();
        return item == null ? Map.of() : item;
    }

    private static Map<String, AttributeValue> jobKey(String organizationId) {
        return Attr.key(Keys.ROLE_JOB_PK, organizationId);
    }

    /** A DynamoDB call; a failure other than a failed condition is the store being unavailable. */
    static <T> T call(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
