package io.gatekeep.orgsettings;

import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes organization items the way shared/README.md lays them out (as the webhooks would). */
final class OrgSeed {
    private final DynamoDbClient dynamo;
    private final String table;

    OrgSeed(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    OrgSeed organization(String orgId, List<String> itContacts, boolean planSso) {
        Map<String, AttributeValue> item = base(Keys.orgPk(orgId), Keys.ORG_SK);
        item.put("name", Attr.s("Acme"));
        item.put("itContacts", Attr.strings(itContacts));
        item.put("planSso", Attr.bool(planSso));
        item.put("createdAt", Attr.s("2026-01-01T00:00:00.000Z"));
        item.put("updatedAt", Attr.s("2026-01-01T00:00:00.000Z"));
        item.put("eventsCursor", Attr.s("event_01HCURSOR"));
        return put(item);
    }

    /** A deleted organization: the tombstone the webhooks leave. */
    OrgSeed deletedOrganization(String orgId) {
        Map<String, AttributeValue> item = base(Keys.orgPk(orgId), Keys.ORG_SK);
        item.put("name", Attr.s("Gone"));
        item.put("itContacts", Attr.strings(List.of("it@gone.test")));
        item.put("planSso", Attr.bool(true));
        item.put("updatedAt", Attr.s("2026-02-01T00:00:00.000Z"));
        item.put("deleted", Attr.bool(true));
        item.put(Keys.TTL, Attr.n(1_900_000_000L));
        return put(item);
    }

    private static Map<String, AttributeValue> base(String pk, String sk) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Keys.PK, Attr.s(pk));
        item.put(Keys.SK, Attr.s(sk));
        return item;
    }

    private OrgSeed put(Map<String, AttributeValue> item) {
        dynamo.putItem(r -> r.tableName(table).item(item));
        return this;
    }
}
