package io.gatekeep.shared.table;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * The single table's keys. One place names every item so that the access patterns stay visible;
 * shared/README.md has the table of patterns, keys and the functions that use them.
 *
 * <pre>
 * item                  pk                      sk
 * organization          ORG#{orgId}             ORG                    (gsi1: ORGANIZATIONS / {orgId}: the sweep's list)
 * domain                ORG#{orgId}             DOMAIN#{domainId}
 * connection            ORG#{orgId}             CONN#{connectionId}
 * directory             ORG#{orgId}             DIR#{directoryId}      (also holds userCount, groupCount)
 * directory counter     ORG#{orgId}             DIRCOUNT#{directoryId}#{k} (k = 1..32: counter shards of a hot directory)
 * directory index       DIR#{directoryId}       META                   (orgId: finds the org of group-membership events)
 * directory user        DIR#{directoryId}       USER#{userId}
 * directory group       DIR#{directoryId}       GROUP#{groupId}
 * group membership      DIR#{directoryId}       MEMBER#{userId}#{groupId}
 * role mapping          ORG#{orgId}             ROLEMAP                (directory group -> product role, default role)
 * attention item        ORG#{orgId}             ATTN#{kind}#{subjectId} (open/resolved; health lists the open ones)
 * sign-in failures      ORG#{orgId}             SIGNINFAIL#{connectionId}#{hour} (count per clock hour, ttl 2 days)
 * attention clock       ORG#{orgId}             ATTNDUE                (gsi1: ATTNDUE / {dueAt}#{orgId}: when time alone changes its items)
 * notice (outbox)       OUTBOX                  {occurredAt}#{noticeId} (until delivered to EventBridge and SES)
 * role mapping copy     ROLEMAP#{orgId}         COPY#{k}               (k = 1..32: what hot memberships check)
 * role job              ROLEJOB                 {orgId}                (users to re-derive: mapping changed, group or directory deleted)
 * organization member   ORGMEMBER#{orgId}       USER#{userId}          (WorkOS membership: role; sign-ins waiting for it)
 * processed event       EVENT#{eventId}         EVENT                  (ttl: after WorkOS's retry window)
 * audit entry           AUDIT#{orgId}           {recordedAt}#{entryId} (gsi1: AUDIT#{orgId}#{category}; Gatekeep's clock)
 * dead-lettered event   DEADLETTER              {receivedAt}#{eventId}
 * sweep state           SWEEP                   STATE                  (Events API cursor, next organization, pause)
 * </pre>
 *
 * The organization partition holds only what the dashboard reads, so connection health is one
 * Query whatever the directory size; users, groups and memberships live in their directory's
 * partition. A deleted object stays as a tombstone (same key, {@code deleted=true}, {@code ttl})
 * so that a late create or update cannot bring it back.
 */
public final class Keys {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String GSI1 = "gsi1";
    public static final String GSI1_PK = "gsi1pk";
    public static final String GSI1_SK = "gsi1sk";
    public static final String TTL = "ttl";
    /** Live directory users by organization and role (the default role's users share one bucket). */
    public static final String GSI2 = "gsi2";
    public static final String GSI2_PK = "gsi2pk";
    public static final String GSI2_SK = "gsi2sk";

    public static final String ORG_SK = "ORG";
    public static final String DIRECTORY_META_SK = "META";
    public static final String EVENT_SK = "EVENT";
    public static final String DEAD_LETTER_PK = "DEADLETTER";
    public static final String ROLE_MAP_SK = "ROLEMAP";
    public static final String ROLE_JOB_PK = "ROLEJOB";
    public static final String OUTBOX_PK = "OUTBOX";
    public static final String ATTENTION_PREFIX = "ATTN#";
    /** The organization's attention clock item, and its gsi1 partition (every organization with a due time). */
    public static final String ATTENTION_DUE = "ATTNDUE";
    /** Failed SSO sign-ins per connection and clock hour (the hourly threshold of the sign-in attention item). */
    public static final String SIGN_IN_FAILURES_PREFIX = "SIGNINFAIL#";
    /** gsi1 partition of every organization item: the sweep walks it in organization id order. */
    public static final String ORGANIZATIONS = "ORGANIZATIONS";
    public static final String SWEEP_PK = "SWEEP";
    public static final String SWEEP_SK = "STATE";

    public static final String DOMAIN_PREFIX = "DOMAIN#";
    public static final String CONNECTION_PREFIX = "CONN#";
    public static final String DIRECTORY_PREFIX = "DIR#";
    public static final String USER_PREFIX = "USER#";
    public static final String GROUP_PREFIX = "GROUP#";
    public static final String MEMBER_PREFIX = "MEMBER#";
    /** A directory's counter shard, in its organization's partition (not a {@code DIR#} item: readers of directories skip it). */
    public static final String DIRECTORY_SHARD_PREFIX = "DIRCOUNT#";

    private Keys() {}

    public static String orgPk(String orgId) {
        return "ORG#" + orgId;
    }

    /** An organization's WorkOS (AuthKit) memberships, one item per user: their role, for sign-ins. */
    public static String orgMemberPk(String orgId) {
        return "ORGMEMBER#" + orgId;
    }

    public static String domainSk(String domainId) {
        return DOMAIN_PREFIX + domainId;
    }

    public static String connectionSk(String connectionId) {
        return CONNECTION_PREFIX + connectionId;
    }

    public static String directorySk(String directoryId) {
        return DIRECTORY_PREFIX + directoryId;
    }

    /** Counter shard {@code k} of a directory; shard 0 is the directory item itself. */
    public static String directoryShardSk(String directoryId, int k) {
        return k == 0 ? directorySk(directoryId) : DIRECTORY_SHARD_PREFIX + directoryId + "#" + k;
    }

    /** The directory of a counter shard's sort key ({@code DIRCOUNT#{directoryId}#{k}}). */
    public static String directoryOfShard(String shardSk) {
        return shardSk.substring(DIRECTORY_SHARD_PREFIX.length(), shardSk.lastIndexOf('#'));
    }

    /** Copy {@code k} of the organization's role mapping (k >= 1), in a partition of its own; copy 0 is the mapping item. */
    public static Map<String, AttributeValue> roleMapCopyKey(String orgId, int k) {
        return k == 0 ? Attr.key(orgPk(orgId), ROLE_MAP_SK) : Attr.key("ROLEMAP#" + orgId, "COPY#" + k);
    }

    public static String directoryPk(String directoryId) {
        return DIRECTORY_PREFIX + directoryId;
    }

    public static String userSk(String userId) {
        return USER_PREFIX + userId;
    }

    public static String groupSk(String groupId) {
        return GROUP_PREFIX + groupId;
    }

    public static String memberSk(String userId, String groupId) {
        return MEMBER_PREFIX + userId + "#" + groupId;
    }

    /** An attention item: {@code {kind}#{subjectId}} ({@link io.gatekeep.shared.attention.Condition#key()}). */
    public static String attentionSk(String key) {
        return ATTENTION_PREFIX + key;
    }

    /** gsi1 sort key of an attention clock: due time first, so one Query finds every organization due by now. */
    public static String attentionDueSk(String dueAtIso, String orgId) {
        return dueAtIso + "#" + orgId;
    }

    /** {@code hour}: {@code yyyy-MM-ddTHH} (UTC). */
    public static String signInFailuresSk(String connectionId, String hour) {
        return SIGN_IN_FAILURES_PREFIX + connectionId + "#" + hour;
    }

    public static String outboxSk(String occurredAtIso, String noticeId) {
        return occurredAtIso + "#" + noticeId;
    }

    public static String eventPk(String eventId) {
        return "EVENT#" + eventId;
    }

    public static String auditPk(String orgId) {
        return "AUDIT#" + orgId;
    }

    public static String auditSk(String occurredAtIso, String entryId) {
        return occurredAtIso + "#" + entryId;
    }

    /** Audit entries are also indexed by category (the event name before its first dot). */
    public static String auditCategoryPk(String orgId, String type) {
        int dot = type.indexOf('.');
        return auditPk(orgId) + "#" + (dot < 0 ? type : type.substring(0, dot));
    }

    /** gsi1 of a live directory user: every live user of the organization, by user id. */
    public static String usersPk(String orgId) {
        return "USERS#" + orgId;
    }

    /** gsi2 of a live directory user whose role is not the organization's default role. */
    public static String usersRolePk(String orgId, String role) {
        return usersPk(orgId) + "#ROLE#" + role;
    }

    /** gsi2 of a live directory user who has the organization's default role (whatever it is named). */
    public static String usersDefaultRolePk(String orgId) {
        return usersPk(orgId) + "#DEFAULT";
    }

    /** The sort key of a user in gsi1 and gsi2. */
    public static String usersSk(String userId) {
        return USER_PREFIX + userId;
    }

    public static String deadLetterSk(String receivedAtIso, String eventId) {
        return receivedAtIso + "#" + eventId;
    }
}
