package io.gatekeep.directoryroles;

import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.List;
import java.util.Map;

/**
 * One page of an organization's live directory users, by user id, with exactly one Query: gsi1
 * ({@code USERS#{orgId}}) for all of them, or gsi2 for one role ({@code USERS#{orgId}#ROLE#{role}},
 * or {@code USERS#{orgId}#DEFAULT} when the role asked for is the default role: a user item stores
 * no role when its role is the default, see {@link RoleMapping#storedRole}).
 */
final class DirectoryUsers {
    /** A user as the API shows it; {@code groups} are directory group ids, sorted. */
    record User(String id, String directoryId, String email, String firstName, String lastName, String state,
                List<String> groups, String role) {}

    /** Where the next page starts: after this user (of this directory: the table key). */
    record After(String userId, String directoryId) {}

    record Page(List<User> users, After next) {}

    private final DynamoDbClient dynamo;
    private final String table;

    DirectoryUsers(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** {@code role} null: every user. {@code defaultRole}: the mapping's, as of the first page. */
    Page page(String organizationId, String role, String defaultRole, int limit, After after) {
        boolean byRole = role != null;
        String index = byRole ? Keys.GSI2 : Keys.GSI1;
        String pkName = byRole ? Keys.GSI2_PK : Keys.GSI1_PK;
        String skName = byRole ? Keys.GSI2_SK : Keys.GSI1_SK;
        String pk = !byRole ? Keys.usersPk(organizationId)
                : role.equals(defaultRole) ? Keys.usersDefaultRolePk(organizationId) : Keys.usersRolePk(organizationId, role);
        Map<String, AttributeValue> start = after == null ? null : Map.of(
                pkName, Attr.s(pk), skName, Attr.s(Keys.usersSk(after.userId())),
                Keys.PK, Attr.s(Keys.directoryPk(after.directoryId())), Keys.SK, Attr.s(Keys.userSk(after.userId())));
        // One more than asked: if it comes back there is a next page, and the last page ends with no cursor.
        QueryResponse response = dynamo.query(QueryRequest.builder()
                .tableName(table).indexName(index)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", pkName, "#sk", Keys.SK, "#dir", Keys.PK, "#email", "email",
                        "#first", "firstName", "#last", "lastName", "#state", "state", "#groups", "groups", "#role", "role"))
                .expressionAttributeValues(Map.of(":pk", Attr.s(pk)))
                .projectionExpression("#dir, #sk, #email, #first, #last, #state, #groups, #role")
                .limit(limit + 1)
                .exclusiveStartKey(start)
                .build());
        List<Map<String, AttributeValue>> items = response.items();
        After next = null;
        if (items.size() > limit) {
            items = items.subList(0, limit);
            next = after(items.getLast());
        } else if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
            next = after(response.lastEvaluatedKey()); // 1 MB reached before limit + 1 users
        }
        return new Page(items.stream().map(item -> user(item, defaultRole)).toList(), next);
    }

    private static After after(Map<String, AttributeValue> item) {
        return new After(Attr.str(item, Keys.SK).substring(Keys.USER_PREFIX.length()),
                Attr.str(item, Keys.PK).substring(Keys.DIRECTORY_PREFIX.length()));
    }

    private static User user(Map<String, AttributeValue> item, String defaultRole) {
        String stored = Attr.str(item, "role");
        return new User(Attr.str(item, Keys.SK).substring(Keys.USER_PREFIX.length()),
                Attr.str(item, Keys.PK).substring(Keys.DIRECTORY_PREFIX.length()),
                Attr.str(item, "email"), Attr.str(item, "firstName"), Attr.str(item, "lastName"), Attr.str(item, "state"),
                Attr.strList(item, "groups").stream().sorted().toList(),
                stored == null ? defaultRole : stored);
    }
}
