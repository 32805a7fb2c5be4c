package io.gatekeep.operator;

import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Our items of one kind in one partition ({@code pk}, {@code begins_with(sk, prefix)}), in key
 * order, read one page at a time: at most one Query page (100 items) is held, whatever the size of
 * the partition. Only the attributes reconcile compares are read.
 */
final class StoredItems {
    /** One stored object (or membership) as reconcile sees it. */
    record Item(String sk, String id, String updatedAt, boolean deleted, boolean member) {
        /** For memberships ({@code MEMBER#{userId}#{groupId}}): the user id. */
        String userId() {
            int hash = id.indexOf('#');
            return hash < 0 ? id : id.substring(0, hash);
        }

        /** For memberships: the group id. */
        String groupId() {
            int hash = id.indexOf('#');
            return hash < 0 ? null : id.substring(hash + 1);
        }
    }

    private static final int PAGE = 100;

    private final DynamoDbClient dynamo;
    private final String table;
    private final String pk;
    private final String prefix;
    private final Deque<Item> buffer = new ArrayDeque<>();
    private Map<String, AttributeValue> startKey;
    private boolean exhausted;

    /** Items whose key sorts after {@code prefix + afterId} (all of them when afterId is null). */
    StoredItems(DynamoDbClient dynamo, String table, String pk, String prefix, String afterSuffix) {
        this.dynamo = dynamo;
        this.table = table;
        this.pk = pk;
        this.prefix = prefix;
        this.startKey = afterSuffix == null ? null : Attr.key(pk, prefix + afterSuffix);
    }

    Item peek() {
        fill();
        return buffer.peekFirst();
    }

    Item next() {
        fill();
        return buffer.pollFirst();
    }

    private void fill() {
        while (buffer.isEmpty() && !exhausted) {
            QueryResponse page = dynamo.query(QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(pk), ":prefix", Attr.s(prefix)))
                    .projectionExpression("sk, updatedAt, deleted, #member")
                    .expressionAttributeNames(Map.of("#member", "member"))
                    .exclusiveStartKey(startKey)
                    .limit(PAGE)
                    .build());
            for (Map<String, AttributeValue> item : page.items()) {
                String sk = Attr.str(item, Keys.SK);
                buffer.addLast(new Item(sk, sk.substring(prefix.length()), Attr.str(item, "updatedAt"),
                        Attr.flag(item, "deleted"), Attr.flag(item, "member")));
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            exhausted = startKey == null;
        }
    }
}
