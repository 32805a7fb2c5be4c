package io.gatekeep.shared.projection;

import io.gatekeep.shared.table.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An organization's directory group -> product role mapping, with the role of users in no mapped
 * group ({@code defaultRole}), as {@code PUT .../role-mappings} stored it ({@code ORG#{orgId}/ROLEMAP};
 * {@link #NONE} when nothing was ever stored: every directory user is a {@code member}).
 *
 * <p><b>Privilege order</b> (the rule, in one place): {@code owner} > {@code admin} > {@code member} >
 * every custom role, custom roles in alphabetical order ({@code billing} > {@code support}). A user's
 * role is the highest-privilege role mapped to any of its groups; a user in no mapped group has the
 * default role. A custom role slug is {@code [a-z][a-z0-9_-]{0,31}}.
 *
 * <p><b>What a user item stores</b> ({@link #storedRole}): the user's role when it differs from the
 * default role, nothing when it is the default. So a user created with no groups needs no knowledge
 * of the mapping (the webhook's common path stays one call), and the directory's role counters
 * ({@code roleCount#<role>}) count only users with a stored role: the default role's count is the
 * directory's {@code userCount} minus the others ({@link #counts}).
 */
public record RoleMapping(List<Entry> mappings, String defaultRole, long version) {
    /** The role slug rule. */
    public static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    /** The product's own roles, highest privilege first. */
    public static final List<String> KNOWN_ROLES = List.of("owner", "admin", "member");
    public static final String DEFAULT_ROLE = "member";
    /** More mapped groups than this and the projection's membership condition would pass DynamoDB's 4 KB limit. */
    public static final int MAX_MAPPINGS = 50;
    /** No mapping stored: no group is mapped, everyone is a member. */
    public static final RoleMapping NONE = new RoleMapping(List.of(), DEFAULT_ROLE, 0);

    /** Highest privilege first: known roles in their order, then custom roles alphabetically. */
    public static final Comparator<String> PRIVILEGE = Comparator
            .comparingInt((String role) -> {
                int known = KNOWN_ROLES.indexOf(role);
                return known < 0 ? KNOWN_ROLES.size() : known;
            })
            .thenComparing(Comparator.naturalOrder());

    // the mapping item's attributes
    static final String MAPPINGS = "mappings";
    static final String DEFAULT = "defaultRole";
    /** groupId -> role, for the projection's one-attribute condition "this group is not mapped". */
    static final String GROUP_ROLES = "groupRoles";
    static final String VERSION = "version";

    public record Entry(String directoryGroupId, String role) {}

    public RoleMapping {
        mappings = List.copyOf(mappings);
    }

    public static boolean validRole(String role) {
        return role != null && ROLE.matcher(role).matches();
    }

    /** The role mapped to this group, or null. */
    public String roleOfGroup(String groupId) {
        for (Entry e : mappings) {
            if (e.directoryGroupId().equals(groupId)) {
                return e.role();
            }
        }
        return null;
    }

    public boolean maps(String groupId) {
        return roleOfGroup(groupId) != null;
    }

    /** The role of a user in these groups: the highest-privilege mapped role, else the default role. */
    public String roleOf(Collection<String> groups) {
        String best = null;
        for (String group : groups) {
            String role = roleOfGroup(group);
            if (role != null && (best == null || PRIVILEGE.compare(role, best) < 0)) {
                best = role;
            }
        }
        return best == null ? defaultRole : best;
    }

    /** What a user item stores for these groups: its role, or null when that is the default role. */
    public String storedRole(Collection<String> groups) {
        String role = roleOf(groups);
        return role.equals(defaultRole) ? null : role;
    }

    /** A user's role from what its item stores. */
    public String effective(String stored) {
        return stored == null ? defaultRole : stored;
    }

    /** Every role this mapping can give, highest privilege first. */
    public List<String> roleOrder() {
        TreeSet<String> roles = new TreeSet<>(PRIVILEGE);
        roles.add(defaultRole);
        mappings.forEach(e -> roles.add(e.role()));
        return List.copyOf(roles);
    }

    /** The mapped group ids other than {@code groupId}. */
    List<String> otherMappedGroups(String groupId) {
        List<String> others = new ArrayList<>();
        for (Entry e : mappings) {
            if (!e.directoryGroupId().equals(groupId)) {
                others.add(e.directoryGroupId());
            }
        }
        return others;
    }

    /**
     * Users per role, highest privilege first: every role of the mapping (0 when nobody has it), the
     * default role with the users no counter counts, and any other role a counter still holds (a
     * re-derivation after a mapping change is still under way).
     */
    public Map<String, Long> counts(long users, Map<String, Long> storedRoleCounts) {
        TreeSet<String> roles = new TreeSet<>(PRIVILEGE);
        roles.addAll(roleOrder());
        storedRoleCounts.forEach((role, n) -> {
            if (n != 0) {
                roles.add(role);
            }
        });
        long stored = storedRoleCounts.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String role : roles) {
            long n = storedRoleCounts.getOrDefault(role, 0L) + (role.equals(defaultRole) ? users - stored : 0);
            counts.put(role, n);
        }
        return counts;
    }

    // ------------------------------------------------------------------ items

    /** The mapping as its item holds it; {@link #NONE} for no item (an empty map). */
    public static RoleMapping fromItem(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty() || Attr.str(item, DEFAULT) == null) {
            return NONE;
        }
        List<Entry> entries = new ArrayList<>();
        AttributeValue list = item.get(MAPPINGS);
        if (list != null && list.hasL()) {
            for (AttributeValue v : list.l()) {
                if (v.hasM()) {
                    entries.add(new Entry(Attr.str(v.m(), "directoryGroupId"), Attr.str(v.m(), "role")));
                }
            }
        }
        return new RoleMapping(entries, Attr.str(item, DEFAULT), Attr.num(item, VERSION, 0));
    }

    /** The item's {@code mappings} attribute: the entries in the given order. */
    AttributeValue mappingsValue() {
        return AttributeValue.fromL(mappings.stream().map(e -> AttributeValue.fromM(Map.of(
                "directoryGroupId", Attr.s(e.directoryGroupId()), "role", Attr.s(e.role())))).toList());
    }

    /** The item's {@code groupRoles} attribute: group id -> role. */
    AttributeValue groupRolesValue() {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        mappings.forEach(e -> m.put(e.directoryGroupId(), Attr.s(e.role())));
        return AttributeValue.fromM(m);
    }
}
