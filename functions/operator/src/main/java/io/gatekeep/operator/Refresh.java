package io.gatekeep.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One organization brought to WorkOS's current state from WorkOS's lists, where WorkOS sends no
 * event (a connection created as draft or moved to validating, a directory gone invalid_credentials
 * or unlinked): the organization with its domains, its connections and its directories, merged
 * exactly like reconcile's object phases (snapshot writes: an object stored as newer, by a webhook,
 * is never moved back; a missing one is deleted only after WorkOS answers 404 to a GET).
 *
 * <p>At most one WorkOS read per organization every {@link #MIN_INTERVAL}, whoever asks (every tab,
 * every user, the sweep): the right to read is claimed with one conditional write on the
 * organization item. {@code checkedAt} on that item records when WorkOS's state was last confirmed.
 */
final class Refresh {
    static final Duration MIN_INTERVAL = Duration.ofSeconds(30);

    enum Claim { CLAIMED, RECENT, UNKNOWN }

    /** The claim's outcome with the organization's {@code checkedAt} before it, and when the next read may start. */
    record Slot(Claim claim, String checkedAt, Instant nextAllowedAt) {}

    private Refresh() {}

    /**
     * Claims the organization's WorkOS read: one UpdateItem, conditional on the last claim being
     * at least {@link #MIN_INTERVAL} old. UNKNOWN: no such organization (or a deleted one).
     */
    static Slot claim(Env env, String organizationId, Instant now) {
        try {
            Map<String, AttributeValue> old = env.dynamo().updateItem(r -> r.tableName(env.table())
                    .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                    .updateExpression("SET refreshStartedAt = :now, " + Keys.GSI1_PK + " = :orgs, " + Keys.GSI1_SK + " = :id")
                    .conditionExpression("attribute_exists(pk) AND NOT deleted = :true"
                            + " AND (attribute_not_exists(refreshStartedAt) OR refreshStartedAt <= :cutoff)")
                    .expressionAttributeValues(Map.of(":now", Attr.s(Times.iso(now)),
                            ":cutoff", Attr.s(Times.iso(now.minus(MIN_INTERVAL))), ":true", AttributeValue.fromBool(true),
                            ":orgs", Attr.s(Keys.ORGANIZATIONS), ":id", Attr.s(organizationId)))
                    .returnValues(ReturnValue.ALL_OLD)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
            return new Slot(Claim.CLAIMED, old == null ? null : Attr.str(old, "checkedAt"), now.plus(MIN_INTERVAL));
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> item = e.hasItem() ? e.item() : Map.of();
            if (item.isEmpty() || Attr.flag(item, "deleted")) {
                return new Slot(Claim.UNKNOWN, null, null);
            }
            Instant last = Times.parseOrNull(Attr.str(item, "refreshStartedAt"));
            return new Slot(Claim.RECENT, Attr.str(item, "checkedAt"), last == null ? now : last.plus(MIN_INTERVAL));
        }
    }

    /**
     * Reads WorkOS (organization with domains, connections, directories: a few list calls, plus a
     * GET for any object WorkOS no longer lists) and applies what changed; then records
     * {@code checkedAt} as the time the reads began. WorkOS failures propagate (nothing more is written).
     */
    static ObjectNode run(Env env, String organizationId) {
        Instant startedAt = env.clock().instant();
        ObjectNode counts = new Reconcile(env).objects(organizationId);
        markChecked(env, organizationId, startedAt);
        counts.put("checkedAt", Times.iso(startedAt));
        return counts;
    }

    /** {@code checkedAt = at} unless a later confirmation is stored; the organization joins the sweep's list. */
    static void markChecked(Env env, String organizationId, Instant at) {
        try {
            env.dynamo().updateItem(r -> r.tableName(env.table())
                    .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                    .updateExpression("SET checkedAt = :at, " + Keys.GSI1_PK + " = :orgs, " + Keys.GSI1_SK + " = :id")
                    .conditionExpression("attribute_exists(pk) AND NOT deleted = :true"
                            + " AND (attribute_not_exists(checkedAt) OR checkedAt < :at)")
                    .expressionAttributeValues(Map.of(":at", Attr.s(Times.iso(at)), ":true", AttributeValue.fromBool(true),
                            ":orgs", Attr.s(Keys.ORGANIZATIONS), ":id", Attr.s(organizationId))));
        } catch (ConditionalCheckFailedException newerOrGone) {
            // confirmed later by another run, or the organization is gone
        }
    }
}
