package io.gatekeep.shared.org;

import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.List;
import java.util.Map;

/**
 * What an organization's plan includes: the vendor's to set (an operator's {@code set-plan}, or the
 * product's back office through the IAM-authorized internal route), never the tenant's. Kept on the
 * organization item as {@code entitlementSso} and {@code entitlementDirectorySync} (BOOL).
 *
 * <p>Items written before entitlements existed hold one flag, {@code planSso}, which gated SSO and
 * Directory Sync alike. Such an item reads as both entitlements equal to that flag, so a deployed
 * organization keeps exactly what it had until its plan is set again; {@link #write} sets both
 * entitlements and removes the old flag in the same update, so each item changes shape once.
 */
public record Entitlements(boolean sso, boolean directorySync) {
    public static final String SSO = "entitlementSso";
    public static final String DIRECTORY_SYNC = "entitlementDirectorySync";
    /** The single flag of items written before entitlements: it stood for both. */
    public static final String LEGACY_PLAN_SSO = "planSso";
    /** The audit entry of a plan change, whoever made it (the actor says who: operator or back office). */
    public static final String AUDIT_TYPE = "settings.plan_updated";

    public static final Entitlements NONE = new Entitlements(false, false);

    /** One product the plan can include, and the gate's answer when it does not. */
    public enum Entitlement {
        SSO("plan_excludes_sso",
                "SSO isn't enabled for your organisation's plan yet. Contact your Smart Core Connect account manager or support."),
        DIRECTORY_SYNC("plan_excludes_directory_sync",
                "Directory Sync isn't enabled for your organisation's plan yet. Contact your Smart Core Connect account manager or support.");

        private final String errorCode;
        private final String message;

        Entitlement(String errorCode, String message) {
            this.errorCode = errorCode;
            this.message = message;
        }

        /** The 403 code of the portal-link gate and the health blocker. */
        public String errorCode() {
            return errorCode;
        }

        /** The product documents' words (help centre, "Configure single sign-on"). */
        public String message() {
            return message;
        }
    }

    /**
     * A plan as the operator's {@code set-plan} and the back office's route give it: both
     * {@code sso} and {@code directorySync}, each true or false (the whole plan, so nothing is left
     * to a default). {@link IllegalArgumentException} names what is wrong.
     */
    public static Entitlements parse(com.fasterxml.jackson.databind.JsonNode body) {
        return new Entitlements(required(body, "sso"), required(body, "directorySync"));
    }

    private static boolean required(com.fasterxml.jackson.databind.JsonNode body, String field) {
        var value = body.get(field);
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false (the plan names both sso and directorySync).");
        }
        return value.booleanValue();
    }

    public boolean includes(Entitlement entitlement) {
        return switch (entitlement) {
            case SSO -> sso;
            case DIRECTORY_SYNC -> directorySync;
        };
    }

    /** From an organization item, old shape included (see the class comment). */
    public static Entitlements fromItem(Map<String, AttributeValue> item) {
        if (item.containsKey(SSO) || item.containsKey(DIRECTORY_SYNC)) {
            return new Entitlements(Attr.flag(item, SSO), Attr.flag(item, DIRECTORY_SYNC));
        }
        boolean legacy = Attr.flag(item, LEGACY_PLAN_SSO);
        return new Entitlements(legacy, legacy);
    }

    public String summary() {
        return "Plan set: Single Sign-On " + (sso ? "included" : "not included") + ", Directory Sync "
                + (directorySync ? "included" : "not included") + ".";
    }

    /** The update expression's parts that store this plan (and drop the old flag). */
    public String setExpression() {
        return "SET #entitlementSso = :entitlementSso, #entitlementDirectorySync = :entitlementDirectorySync REMOVE #planSso";
    }

    public Map<String, String> names() {
        return Map.of("#entitlementSso", SSO, "#entitlementDirectorySync", DIRECTORY_SYNC, "#planSso", LEGACY_PLAN_SSO);
    }

    public Map<String, AttributeValue> values() {
        return Map.of(":entitlementSso", Attr.bool(sso), ":entitlementDirectorySync", Attr.bool(directorySync));
    }

    /**
     * Sets the plan of an existing, non-deleted organization and writes its audit entry, in one
     * TransactWriteItems: both or neither. False when the organization is unknown or deleted
     * (nothing written). A transaction that races another write of the organization item (a
     * webhook) is cancelled with TransactionConflict and tried once more: the write is idempotent.
     */
    public boolean write(DynamoDbClient dynamo, String table, String organizationId, AuditEntry audit) {
        Map<String, AttributeValue> values = new java.util.HashMap<>(values());
        values.put(":false", Attr.bool(false));
        Update update = Update.builder()
                .tableName(table)
                .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                .updateExpression(setExpression())
                .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(deleted) OR deleted = :false)")
                .expressionAttributeNames(names())
                .expressionAttributeValues(values)
                .build();
        Put put = Put.builder().tableName(table).item(audit.toItem()).build();
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(
                        TransactWriteItem.builder().update(update).build(),
                        TransactWriteItem.builder().put(put).build()));
                return true;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                    return false;
                }
                boolean conflict = reasons.stream().anyMatch(reason -> "TransactionConflict".equals(reason.code()));
                if (!conflict || attempt >= 2) {
                    throw e;
                }
            }
        }
    }
}
