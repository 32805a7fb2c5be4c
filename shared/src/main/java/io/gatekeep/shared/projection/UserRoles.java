package io.gatekeep.shared.projection;

import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The role parts of a directory user's item, shared by the projection's user and membership writes
 * and by {@link RoleJobs}:
 * <ul>
 * <li>{@code groups} (SS): the user's groups, as the applied memberships say (ADD/DELETE in the same
 * transaction as the membership item, so it always mirrors the memberships with {@code member=true});
 * a deleted group is never added, and {@link RoleJobs} removes it from the users that had it.</li>
 * <li>{@code role} (S): the user's role when it is not the default role ({@link RoleMapping#storedRole}).</li>
 * <li>{@code rev} (N): +1 on every write of {@code groups}, {@code role} or the user's existence, so a
 * write computed from a read can state "nothing changed since" in one condition.</li>
 * <li>{@code gsi1pk/gsi1sk} = {@code USERS#{org}} / {@code USER#{id}} and {@code gsi2pk/gsi2sk} =
 * {@code USERS#{org}#ROLE#{role}} (or {@code USERS#{org}#DEFAULT}) / {@code USER#{id}}: only on live
 * users, for the directory-users listing.</li>
 * </ul>
 * The directory item counts live users per stored role: {@code roleCount#<role>}.
 */
final class UserRoles {
    static final String ROLE = "role";
    static final String GROUPS = "groups";
    static final String REV = "rev";
    static final String ROLE_COUNT_PREFIX = "roleCount#";

    private UserRoles() {}

    static String counter(String role) {
        return ROLE_COUNT_PREFIX + role;
    }

    /** The directory counter changes when a live user's stored role goes from {@code before} to {@code after}. */
    static Map<String, Long> move(String before, String after) {
        Map<String, Long> deltas = new HashMap<>();
        if (!Objects.equals(before, after)) {
            if (before != null) {
                deltas.merge(counter(before), -1L, Long::sum);
            }
            if (after != null) {
                deltas.merge(counter(after), 1L, Long::sum);
            }
        }
        return deltas;
    }

    static String gsi2Pk(String organizationId, String storedRole) {
        return storedRole == null ? Keys.usersDefaultRolePk(organizationId) : Keys.usersRolePk(organizationId, storedRole);
    }

    /** A live user is listed: both indexes. */
    static void list(ItemUpdate user, String organizationId, String userId, String storedRole) {
        user.set(Keys.GSI1_PK, Attr.s(Keys.usersPk(organizationId))).set(Keys.GSI1_SK, Attr.s(Keys.usersSk(userId)));
        listRole(user, organizationId, userId, storedRole);
    }

    static void listRole(ItemUpdate user, String organizationId, String userId, String storedRole) {
        user.set(Keys.GSI2_PK, Attr.s(gsi2Pk(organizationId, storedRole))).set(Keys.GSI2_SK, Attr.s(Keys.usersSk(userId)));
    }

    static void unlist(ItemUpdate user) {
        user.remove(Keys.GSI1_PK, Keys.GSI1_SK, Keys.GSI2_PK, Keys.GSI2_SK);
    }

    static void setRole(ItemUpdate user, String storedRole) {
        if (storedRole == null) {
            user.remove(ROLE);
        } else {
            user.set(ROLE, Attr.s(storedRole));
        }
    }

    /** The condition "the stored role is {@code storedRole}" (null: none stored). */
    static String roleIs(ItemUpdate user, String storedRole) {
        String role = user.name(ROLE);
        return storedRole == null ? "attribute_not_exists(" + role + ")" : role + " = " + user.value(Attr.s(storedRole));
    }

    /** The condition "the item's rev is still the one read". */
    static String revIs(ItemUpdate user, Map<String, AttributeValue> seen) {
        String rev = user.name(REV);
        AttributeValue value = seen.get(REV);
        return value == null || value.n() == null ? "attribute_not_exists(" + rev + ")" : rev + " = " + user.value(value);
    }

    /** The user item as the membership changes it: the group in or out of its set, and a new rev. */
    static ItemUpdate membershipChange(String table, String directoryId, String userId, String groupId, boolean member) {
        ItemUpdate user = new ItemUpdate(table, Keys.directoryPk(directoryId), Keys.userSk(userId));
        if (member) {
            user.addToSet(GROUPS, groupId);
        } else {
            user.deleteFromSet(GROUPS, java.util.List.of(groupId));
        }
        return user.add(REV, 1);
    }

    /**
     * The mapping item's check that a group is not mapped (a missing item maps nothing): one attribute,
     * so it conflicts with no other group's change of the mapping.
     */
    static TransactWriteItem notMapped(String table, String organizationId, String groupId) {
        return notMapped(table, organizationId, groupId, 0);
    }

    /** The same check on copy {@code k} of the mapping (0: the mapping item; see {@link DirectoryShards}). */
    static TransactWriteItem notMapped(String table, String organizationId, String groupId, int k) {
        ItemUpdate check = mappingCopy(table, organizationId, k);
        check.when("attribute_not_exists(" + check.name(RoleMapping.GROUP_ROLES) + "." + check.name(groupId) + ")");
        return check.toTransactItem();
    }

    /** The mapping item's check that the mapping is the one a role was computed with. */
    static TransactWriteItem mappingIs(String table, String organizationId, long version) {
        return mappingIs(table, organizationId, version, 0);
    }

    static TransactWriteItem mappingIs(String table, String organizationId, long version, int k) {
        ItemUpdate check = mappingCopy(table, organizationId, k);
        String v = check.name(RoleMapping.VERSION);
        check.when(version == 0 ? "attribute_not_exists(" + v + ")" : v + " = " + check.value(Attr.n(version)));
        return check.toTransactItem();
    }

    /** Copy {@code k} of the organization's role mapping (0: the mapping item itself). */
    static ItemUpdate mappingCopy(String table, String organizationId, int k) {
        var key = Keys.roleMapCopyKey(organizationId, k);
        return new ItemUpdate(table, Attr.str(key, Keys.PK), Attr.str(key, Keys.SK));
    }

    /** The group item's check that the group is not deleted (a group not seen yet is not deleted). */
    static TransactWriteItem groupNotDeleted(String table, String directoryId, String groupId) {
        ItemUpdate check = new ItemUpdate(table, Keys.directoryPk(directoryId), Keys.groupSk(groupId));
        check.when("attribute_not_exists(" + check.name("deleted") + ")");
        return check.toTransactItem();
    }
}
