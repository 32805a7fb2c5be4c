package io.gatekeep.directoryroles;

import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many live directory users a proposed mapping would give another role, before it is saved.
 *
 * <p>The request bound, stated: at most {@value #MAX_PAGES} Queries of gsi1 ({@code USERS#{orgId}}:
 * the organization's live users, never a Scan), each of at most {@value #PAGE} users, projecting only
 * the user's {@code groups} and stored {@code role}. So an organization of up to
 * {@value #MAX_USERS} live users gets an exact answer; past that the answer covers the first
 * {@value #MAX_USERS} users by id and says so ({@code complete: false}); the counts of the rest are
 * what the change itself will find. A user's role now is what its item stores (the current mapping's
 * default role when it stores none), so a re-derivation still under way is previewed as it stands.
 */
final class RolePreview {
    static final int PAGE = 1_000;
    static final int MAX_PAGES = 10;
    static final int MAX_USERS = PAGE * MAX_PAGES;

    /** {@code users}: how many moved from {@code from} to {@code to}. */
    record Change(String from, String to, long users) {}

    /**
     * {@code usersChecked} users read ({@code complete}: all of them), {@code usersChanging} of them
     * would change role ({@code changes}, most users first), {@code usersPerRoleAfter} among those read,
     * highest privilege first; {@code queries}: the DynamoDB Queries it took.
     */
    record Result(long usersChecked, boolean complete, long usersChanging, List<Change> changes,
                  Map<String, Long> usersPerRoleAfter, int queries) {}

    private final DynamoDbClient dynamo;
    private final String table;
    private final int page;
    private final int maxPages;

    RolePreview(DynamoDbClient dynamo, String table) {
        this(dynamo, table, PAGE, MAX_PAGES);
    }

    /** Other bounds: for tests of the bound itself. */
    RolePreview(DynamoDbClient dynamo, String table, int page, int maxPages) {
        this.dynamo = dynamo;
        this.table = table;
        this.page = page;
        this.maxPages = maxPages;
    }

    Result preview(String organizationId, RoleMapping current, RoleMapping proposed) {
        Map<String, Long> moves = new TreeMap<>();
        Map<String, Long> after = new TreeMap<>(RoleMapping.PRIVILEGE);
        proposed.roleOrder().forEach(role -> after.put(role, 0L));
        long checked = 0;
        int queries = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse users = dynamo.query(QueryRequest.builder().tableName(table).indexName(Keys.GSI1)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", Keys.GSI1_PK, "#groups", "groups", "#role", "role"))
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.usersPk(organizationId))))
                    .projectionExpression("#groups, #role")
                    .limit(page).exclusiveStartKey(from).build());
            queries++;
            for (Map<String, AttributeValue> user : users.items()) {
                checked++;
                String now = current.effective(Attr.str(user, "role"));
                String next = proposed.roleOf(Attr.strList(user, "groups"));
                after.merge(next, 1L, Long::sum);
                if (!now.equals(next)) {
                    moves.merge(now + "\n" + next, 1L, Long::sum);
                }
            }
            start = users.hasLastEvaluatedKey() && !users.lastEvaluatedKey().isEmpty() ? users.lastEvaluatedKey() : null;
        } while (start != null && queries < maxPages);
        List<Change> changes = new ArrayList<>();
        long changing = 0;
        for (Map.Entry<String, Long> move : moves.entrySet()) {
            String[] roles = move.getKey().split("\n", 2);
            changes.add(new Change(roles[0], roles[1], move.getValue()));
            changing += move.getValue();
        }
        changes.sort((a, b) -> a.users() != b.users() ? Long.compare(b.users(), a.users())
                : a.from().equals(b.from()) ? RoleMapping.PRIVILEGE.compare(a.to(), b.to()) : RoleMapping.PRIVILEGE.compare(a.from(), b.from()));
        return new Result(checked, start == null, changing, List.copyOf(changes), new LinkedHashMap<>(after), queries);
    }

}
