package io.gatekeep.identityhealth;

import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes projection items exactly as shared/README.md lays them out (what the webhooks keep),
 * so that the health read is tested against the real item layout in DynamoDB Local.
 */
final class SeedItems {
    private final DynamoDbClient dynamo;
    private final String table;

    SeedItems(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** The plan as the vendor set it: both entitlements. */
    void organization(String orgId, List<String> itContacts, io.gatekeep.shared.org.Entitlements plan) {
        organization(orgId, itContacts, false);
        Map<String, AttributeValue> item = key(Keys.orgPk(orgId), Keys.ORG_SK);
        dynamo.updateItem(r -> r.tableName(table).key(item)
                .updateExpression("SET entitlementSso = :sso, entitlementDirectorySync = :ds REMOVE planSso")
                .expressionAttributeValues(Map.of(":sso", Attr.bool(plan.sso()), ":ds", Attr.bool(plan.directorySync()))));
    }

    /** The organization item as written before entitlements (one planSso flag): most tests keep this old shape. */
    void organization(String orgId, List<String> itContacts, boolean planSso) {
        Map<String, AttributeValue> item = key(Keys.orgPk(orgId), Keys.ORG_SK);
        item.put("name", Attr.s("Org " + orgId));
        item.put("itContacts", Attr.strings(itContacts));
        item.put("planSso", Attr.bool(planSso));
        item.put("createdAt", Attr.s("2026-01-01T00:00:00.000Z"));
        item.put("updatedAt", Attr.s("2026-01-01T00:00:00.000Z"));
        put(item);
    }

    void deletedOrganization(String orgId) {
        Map<String, AttributeValue> item = key(Keys.orgPk(orgId), Keys.ORG_SK);
        item.put("name", Attr.s("Gone"));
        item.put("updatedAt", Attr.s("2026-02-01T00:00:00.000Z"));
        item.put("deleted", Attr.bool(true));
        item.put(Keys.TTL, Attr.n(1_900_000_000L));
        put(item);
    }

    void domain(String orgId, String domainId, String domain, String state) {
        Map<String, AttributeValue> item = key(Keys.orgPk(orgId), Keys.domainSk(domainId));
        item.put("domain", Attr.s(domain));
        item.put("state", Attr.s(state));
        item.put("verificationStrategy", Attr.s("dns"));
        item.put("updatedAt", Attr.s("2026-01-02T00:00:00.000Z"));
        put(item);
    }

    void connection(String orgId, String connectionId, String name, String type, String state, String createdAt) {
        connection(orgId, connectionId, name, type, state, createdAt, null, false);
    }

    void connection(String orgId, String connectionId, String name, String type, String state, String createdAt,
                    String certificateExpiresAt, boolean renewalRequired) {
        Map<String, AttributeValue> item = key(Keys.orgPk(orgId), Keys.connectionSk(connectionId));
        item.put("name", Attr.s(name));
        item.put("connectionType", Attr.s(type));
        item.put("state", Attr.s(state));
        item.put("createdAt", Attr.s(createdAt));
        item.put("updatedAt", Attr.s(createdAt));
        if (certificateExpiresAt != null) {
            item.put("certificateExpiresAt", Attr.s(certificateExpiresAt));
        }
        if (renewalRequired) {
            item.put("certificateRenewalRequired", Attr.bool(true));
        }
        put(item);
    }

    /** A deleted connection: a tombstone with the same key. */
    void deletedConnection(String orgId, String connectionId) {
        Map<String, AttributeValue> item = key(Keys.orgPk(orgId), Keys.connectionSk(connectionId));
        item.put("name", Attr.s("Old"));
        item.put("connectionType", Attr.s("OktaSAML"));
        item.put("state", Attr.s("active"));
        item.put("createdAt", Attr.s("2020-01-01T00:00:00.000Z"));
        item.put("updatedAt", Attr.s("2026-01-05T00:00:00.000Z"));
        item.put("deleted", Attr.bool(true));
        item.put(Keys.TTL, Attr.n(1_900_000_000L));
        put(item);
    }

    void directory(String orgId, String directoryId, String name, String type, String state, String createdAt,
                   String lastSyncAt, long userCount, long groupCount) {
        Map<String, AttributeValue> item = key(Keys.orgPk(orgId), Keys.directorySk(directoryId));
        item.put("name", Attr.s(name));
        item.put("directoryType", Attr.s(type));
        item.put("state", Attr.s(state));
        item.put("domain", Attr.s("example.test"));
        item.put("createdAt", Attr.s(createdAt));
        item.put("updatedAt", Attr.s(createdAt));
        if (lastSyncAt != null) {
            item.put("lastSyncAt", Attr.s(lastSyncAt));
        }
        item.put("userCount", Attr.n(userCount));
        item.put("groupCount", Attr.n(groupCount));
        put(item);
        Map<String, AttributeValue> index = key(Keys.directoryPk(directoryId), Keys.DIRECTORY_META_SK);
        index.put("organizationId", Attr.s(orgId));
        put(index);
    }

    /** Directory users in their directory's partition, written with BatchWriteItem (25 per call, in parallel). */
    void directoryUsers(String orgId, String directoryId, int count) throws Exception {
        List<List<WriteRequest>> batches = new ArrayList<>();
        List<WriteRequest> batch = new ArrayList<>(25);
        for (int i = 0; i < count; i++) {
            Map<String, AttributeValue> item = key(Keys.directoryPk(directoryId), Keys.userSk(String.format("directory_user_%06d", i)));
            item.put("organizationId", Attr.s(orgId));
            item.put("email", Attr.s("user" + i + "@example.test"));
            item.put("firstName", Attr.s("User"));
            item.put("lastName", Attr.s(Integer.toString(i)));
            item.put("state", Attr.s("active"));
            item.put("updatedAt", Attr.s("2026-01-03T00:00:00.000Z"));
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            if (batch.size() == 25) {
                batches.add(batch);
                batch = new ArrayList<>(25);
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (List<WriteRequest> b : batches) {
                done.add(pool.submit(() -> writeBatch(b)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    private void writeBatch(List<WriteRequest> requests) {
        Map<String, List<WriteRequest>> pending = Map.of(table, requests);
        while (!pending.isEmpty()) {
            Map<String, List<WriteRequest>> thisRound = pending;
            BatchWriteItemResponse response = dynamo.batchWriteItem(r -> r.requestItems(thisRound));
            pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
        }
    }

    private void put(Map<String, AttributeValue> item) {
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return new HashMap<>(Attr.key(pk, sk));
    }
}
