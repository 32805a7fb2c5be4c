package io.gatekeep.shared.projection;

import io.gatekeep.shared.Times;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The organization's role mapping item ({@code ORG#{orgId} / ROLEMAP}): {@code mappings} (L of
 * {@code {directoryGroupId, role}}, in the order given), {@code defaultRole}, {@code groupRoles} (M:
 * group id -> role, which the projection's conditions read), {@code version} (N, +1 per change),
 * {@code updatedAt}, {@code updatedBy}.
 */
public final class RoleMappings {
    /** The organization is unknown to the backend, or deleted. */
    public static final class OrganizationNotFound extends RuntimeException {
        OrganizationNotFound() {
            super("organization not found", null, false, false);
        }
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public RoleMappings(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /** The stored mapping ({@link RoleMapping#NONE} when none). One consistent GetItem. */
    public RoleMapping load(String organizationId) {
        try {
            var item = dynamo.getItem(r -> r.tableName(table).key(Attr.key(Keys.orgPk(organizationId), Keys.ROLE_MAP_SK))
                    .consistentRead(true)).item();
            return RoleMapping.fromItem(item);
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Writes the mapping's copies ({@link DirectoryShards}) from the mapping item, for a mapping saved before
     * copies existed: role-jobs invoked with {@code {"organizationId"}} once after deploying does it. One
     * GetItem and, when there is a mapping, one TransactWriteItems (the copies, on the condition that the
     * mapping is still that version: a concurrent save writes them itself). False: no mapping, nothing to copy.
     */
    public boolean writeCopies(String organizationId) {
        try {
            Map<String, AttributeValue> mapping = dynamo.getItem(r -> r.tableName(table)
                    .key(Attr.key(Keys.orgPk(organizationId), Keys.ROLE_MAP_SK)).consistentRead(true)).item();
            if (mapping == null || mapping.isEmpty()) {
                return false;
            }
            ItemUpdate same = UserRoles.mappingCopy(table, organizationId, 0);
            same.when(same.name(RoleMapping.VERSION) + " = " + same.value(Attr.n(Attr.num(mapping, RoleMapping.VERSION, 0))));
            List<TransactWriteItem> items = new java.util.ArrayList<>(List.of(same.toTransactItem()));
            for (int k = 1; k <= DirectoryShards.COUNT; k++) {
                Map<String, AttributeValue> copy = new java.util.HashMap<>(mapping);
                copy.putAll(Keys.roleMapCopyKey(organizationId, k));
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(copy).build()).build());
            }
            dynamo.transactWriteItems(r -> r.transactItems(items));
            return true;
        } catch (TransactionCanceledException changedMeanwhile) {
            return true; // a save (which writes the copies) or a conflicting write came first: run it again to be sure
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Replaces the mapping of an existing organization, with its audit entry and the queued
     * re-derivation of the organization's users ({@link RoleJobs}), in one TransactWriteItems:
     * the mapping item (version +1), a check that the organization exists and is not deleted, the
     * audit entry, the job item, and the mapping's copies ({@code ROLEMAP#{orgId} / COPY#{k}}, which
     * memberships of a hot directory check instead of the mapping item: {@link DirectoryShards}).
     * Throws {@link OrganizationNotFound}.
     */
    public void save(String organizationId, List<RoleMapping.Entry> mappings, String defaultRole, AuditEntry audit) {
        RoleMapping mapping = new RoleMapping(mappings, defaultRole, 0);
        Instant now = clock.instant();
        List<TransactWriteItem> copies = new java.util.ArrayList<>();
        // the mapping item (copy 0) and the copies that hot memberships check (DirectoryShards), all alike
        for (int k = 0; k <= DirectoryShards.COUNT; k++) {
            ItemUpdate copy = UserRoles.mappingCopy(table, organizationId, k);
            copy.set(RoleMapping.MAPPINGS, mapping.mappingsValue())
                    .set(RoleMapping.DEFAULT, Attr.s(defaultRole))
                    .set(RoleMapping.GROUP_ROLES, mapping.groupRolesValue())
                    .set("updatedAt", Attr.s(Times.iso(now)))
                    .set("updatedBy", Attr.s(audit.actor()))
                    .add(RoleMapping.VERSION, 1);
            copies.add(copy.toTransactItem());
        }
        TransactWriteItem organization = TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(table).key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(deleted) OR deleted = :false)")
                .expressionAttributeValues(Map.of(":false", Attr.bool(false))).build()).build();
        List<TransactWriteItem> items = new java.util.ArrayList<>(List.of(copies.get(0), organization,
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(audit.toItem()).build()).build(),
                RoleJobs.enqueueItem(table, organizationId, null, null, now)));
        items.addAll(copies.subList(1, copies.size()));
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(items));
                return;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                if (reasons.size() > 1 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                    throw new OrganizationNotFound();
                }
                // another transaction held one of the items (a webhook's, a role job's): the write is whole, try again
                boolean conflict = reasons.stream().anyMatch(reason -> "TransactionConflict".equals(reason.code()));
                if (!conflict || attempt >= 3) {
                    throw new StoreUnavailableException("DynamoDB cancelled the mapping change", e, attempt);
                }
            } catch (SdkException e) {
                throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e, attempt);
            }
        }
    }
}
