package io.gatekeep.auditevents;

import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one page of an organization's audit log, newest first, with exactly one Query:
 * the organization's partition ({@code AUDIT#{orgId}}, sort key {@code {recordedAt}#{entryId}}: the
 * order is Gatekeep's clock, see {@link io.gatekeep.shared.audit.AuditEntry}),
 * or, with a type filter, the category index {@code gsi1} ({@code AUDIT#{orgId}#{category}},
 * category = the filter before its first dot) plus {@code begins_with(type, prefix)} when the
 * filter is longer than its category. A filter without a dot therefore names a whole event
 * family: {@code connection} is every {@code connection.*} event.
 */
final class AuditLog {
    /**
     * One line as the API shows it; never the request id or anything else stored with it.
     * {@code recordedAt}: when Gatekeep wrote it (the log's order); {@code occurredAt}: when it happened.
     */
    record Event(String id, String type, String occurredAt, String recordedAt, String actor, String summary, String source) {}

    /**
     * Entries keyed further ahead of the clock than this are left out of the newest-first log. New
     * entries are keyed by Gatekeep's own clock, so only an entry written before that (keyed by a
     * WorkOS {@code created_at} that was in the future, e.g. 2999) can be: it no longer sits on top.
     */
    static final java.time.Duration MAX_AHEAD = io.gatekeep.shared.projection.Projection.MAX_AHEAD;

    /** {@code nextAfter}: the sort key to resume after, or null when nothing is left. */
    record Page(List<Event> events, String nextAfter) {}

    private final DynamoDbClient dynamo;
    private final String table;
    private final java.time.Clock clock;

    AuditLog(DynamoDbClient dynamo, String table, java.time.Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    Page page(String organizationId, String typeFilter, int limit, String afterSortKey) {
        String pk = Keys.auditPk(organizationId);
        Map<String, String> names = new HashMap<>(Map.of(
                "#sk", Keys.SK, "#id", "id", "#type", "type", "#at", "occurredAt",
                "#actor", "actor", "#summary", "summary", "#source", "source", "#recorded", "recordedAt"));
        Map<String, AttributeValue> values = new HashMap<>();
        // The newest entry the log shows: keyed no later than MAX_AHEAD past now ('~' sorts after every id).
        values.put(":upper", Attr.s(io.gatekeep.shared.Times.iso(clock.instant().plus(MAX_AHEAD)) + "#~"));
        Map<String, AttributeValue> start = null;
        // One more than asked: if it comes back, there is a next page and the cursor points at the
        // last entry shown; if not, the last page ends with nextCursor null, not an empty extra page.
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(table)
                .scanIndexForward(false)
                .limit(limit + 1)
                .projectionExpression("#sk, #id, #type, #at, #recorded, #actor, #summary, #source");
        if (typeFilter == null) {
            query.keyConditionExpression("pk = :pk AND #sk <= :upper");
            values.put(":pk", Attr.s(pk));
            if (afterSortKey != null) {
                start = Map.of(Keys.PK, Attr.s(pk), Keys.SK, Attr.s(afterSortKey));
            }
        } else {
            String categoryPk = Keys.auditCategoryPk(organizationId, typeFilter);
            query.indexName(Keys.GSI1).keyConditionExpression("gsi1pk = :pk AND #gsk <= :upper");
            names.put("#gsk", Keys.GSI1_SK);
            values.put(":pk", Attr.s(categoryPk));
            if (typeFilter.length() > category(typeFilter).length()) {
                query.filterExpression("begins_with(#type, :prefix)");
                values.put(":prefix", Attr.s(typeFilter));
            }
            if (afterSortKey != null) {
                start = Map.of(Keys.GSI1_PK, Attr.s(categoryPk), Keys.GSI1_SK, Attr.s(afterSortKey),
                        Keys.PK, Attr.s(pk), Keys.SK, Attr.s(afterSortKey));
            }
        }
        QueryResponse response = dynamo.query(query
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .exclusiveStartKey(start)
                .build());

        List<Map<String, AttributeValue>> items = response.items();
        String nextAfter;
        if (items.size() > limit) {
            items = items.subList(0, limit);
            nextAfter = Attr.str(items.getLast(), Keys.SK);
        } else if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
            // 1 MB reached, or the filter dropped entries: resume after the last one DynamoDB read.
            // Such a page may hold fewer than `limit` entries; nextCursor still leads on.
            nextAfter = Attr.str(response.lastEvaluatedKey(), Keys.SK);
        } else {
            nextAfter = null;
        }
        List<Event> events = items.stream().map(item -> new Event(
                Attr.str(item, "id"), Attr.str(item, "type"), Attr.str(item, "occurredAt"), recordedAt(item),
                Attr.str(item, "actor"), Attr.str(item, "summary"), Attr.str(item, "source"))).toList();
        return new Page(events, nextAfter);
    }

    /** An entry written before recordedAt existed: its sort key's time is when it was keyed. */
    private static String recordedAt(Map<String, AttributeValue> item) {
        String recorded = Attr.str(item, "recordedAt");
        if (recorded != null) {
            return recorded;
        }
        String sk = Attr.str(item, Keys.SK);
        int hash = sk == null ? -1 : sk.indexOf('#');
        return hash > 0 ? sk.substring(0, hash) : Attr.str(item, "occurredAt");
    }

    static String category(String typeFilter) {
        int dot = typeFilter.indexOf('.');
        return dot < 0 ? typeFilter : typeFilter.substring(0, dot);
    }
}
