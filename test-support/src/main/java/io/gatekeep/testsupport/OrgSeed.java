package io.gatekeep.testsupport;

import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an organization's partition the way shared/README.md lays it out (organization, domain,
 * connection and directory items), so a function's tests can set up an organization without the
 * webhook function. The organization item carries an {@code eventsCursor}, as reconcile leaves it,
 * so that tests can check that writers keep the attributes they do not own.
 */
public final class OrgSeed {
    private final DynamoDbClient dynamo;
    private final String table;

    public OrgSeed(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** An organization with every gate open: SSO and Directory Sync in the plan, a verified domain, one IT contact. */
    public OrgSeed ready(String orgId) {
        return organization(orgId, List.of("it@acme.test"), true).domain(orgId, "org_domain_1", "acme.test", "verified");
    }

    /** {@code plan}: SSO and Directory Sync both in the plan (true) or neither (false). */
    public OrgSeed organization(String orgId, List<String> itContacts, boolean plan) {
        return organization(orgId, itContacts, new Entitlements(plan, plan));
    }

    public OrgSeed organization(String orgId, List<String> itContacts, Entitlements plan) {
        Map<String, AttributeValue> item = organizationItem(orgId, itContacts);
        item.put(Entitlements.SSO, Attr.bool(plan.sso()));
        item.put(Entitlements.DIRECTORY_SYNC, Attr.bool(plan.directorySync()));
        return put(item);
    }

    /** An organization item as written before entitlements: one {@code planSso} flag (a deployed table has these). */
    public OrgSeed legacyOrganization(String orgId, List<String> itContacts, boolean planSso) {
        Map<String, AttributeValue> item = organizationItem(orgId, itContacts);
        item.put(Entitlements.LEGACY_PLAN_SSO, Attr.bool(planSso));
        return put(item);
    }

    private Map<String, AttributeValue> organizationItem(String orgId, List<String> itContacts) {
        Map<String, AttributeValue> item = base(Keys.orgPk(orgId), Keys.ORG_SK);
        item.put("name", Attr.s("Acme"));
        item.put("itContacts", Attr.strings(itContacts));
        item.put("eventsCursor", Attr.s("event_01HCURSOR"));
        item.put("createdAt", Attr.s("2026-01-01T00:00:00.000Z"));
        item.put("updatedAt", Attr.s("2026-01-01T00:00:00.000Z"));
        return item;
    }

    /** A deleted organization: the tombstone the webhooks leave. */
    public OrgSeed deletedOrganization(String orgId) {
        Map<String, AttributeValue> item = base(Keys.orgPk(orgId), Keys.ORG_SK);
        item.put("name", Attr.s("Gone"));
        item.put("itContacts", Attr.strings(List.of("it@gone.test")));
        item.put(Entitlements.SSO, Attr.bool(true));
        item.put(Entitlements.DIRECTORY_SYNC, Attr.bool(true));
        item.put("updatedAt", Attr.s("2026-02-01T00:00:00.000Z"));
        item.put("deleted", Attr.bool(true));
        item.put(Keys.TTL, Attr.n(1_900_000_000L));
        return put(item);
    }

    public OrgSeed domain(String orgId, String domainId, String domain, String state) {
        Map<String, AttributeValue> item = base(Keys.orgPk(orgId), Keys.domainSk(domainId));
        item.put("domain", Attr.s(domain));
        item.put("state", Attr.s(state));
        item.put("verificationStrategy", Attr.s("dns"));
        item.put("updatedAt", Attr.s("2026-01-02T00:00:00.000Z"));
        return put(item);
    }

    public OrgSeed connection(String orgId, String connectionId, String state) {
        Map<String, AttributeValue> item = base(Keys.orgPk(orgId), Keys.connectionSk(connectionId));
        item.put("name", Attr.s("Okta"));
        item.put("connectionType", Attr.s("OktaSAML"));
        item.put("state", Attr.s(state));
        item.put("createdAt", Attr.s("2026-01-03T00:00:00.000Z"));
        item.put("updatedAt", Attr.s("2026-01-03T00:00:00.000Z"));
        return put(item);
    }

    public OrgSeed directory(String orgId, String directoryId, String state) {
        Map<String, AttributeValue> item = base(Keys.orgPk(orgId), Keys.directorySk(directoryId));
        item.put("name", Attr.s("Okta SCIM"));
        item.put("directoryType", Attr.s("okta scim v2.0"));
        item.put("state", Attr.s(state));
        item.put("createdAt", Attr.s("2026-01-04T00:00:00.000Z"));
        item.put("updatedAt", Attr.s("2026-01-04T00:00:00.000Z"));
        item.put("userCount", Attr.n(0));
        item.put("groupCount", Attr.n(0));
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
