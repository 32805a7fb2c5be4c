package io.gatekeep.directoryroles;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Ids;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.projection.RoleMapping;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code PUT .../role-mappings}: {@code {"mappings": [{"directoryGroupId", "role"}],
 * "defaultRole": "..."}}. At most {@value RoleMapping#MAX_MAPPINGS} mappings, each group once; roles
 * are the product's ({@code owner}, {@code admin}, {@code member}) or custom slugs
 * {@code [a-z][a-z0-9_-]{0,31}}. A group id is a WorkOS id (it need not be synced yet: a mapping may
 * come before its group). Every error is 400 {@code invalid_request} naming the field.
 */
record RoleMappingsBody(List<RoleMapping.Entry> mappings, String defaultRole) {
    static RoleMappingsBody parse(JsonNode body) {
        JsonNode list = body.get("mappings");
        if (list == null || !list.isArray()) {
            throw ApiException.invalidRequest("mappings must be a list of {\"directoryGroupId\", \"role\"} (it may be empty).");
        }
        if (list.size() > RoleMapping.MAX_MAPPINGS) {
            throw ApiException.invalidRequest("mappings holds " + list.size() + " entries; at most "
                    + RoleMapping.MAX_MAPPINGS + " groups can be mapped.");
        }
        List<RoleMapping.Entry> entries = new ArrayList<>();
        Set<String> groups = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String where = "mappings[" + i + "]";
            if (!entry.isObject()) {
                throw ApiException.invalidRequest(where + " must be an object {\"directoryGroupId\", \"role\"}.");
            }
            JsonNode group = entry.get("directoryGroupId");
            if (group == null || !group.isTextual() || !Ids.isWorkOsId(group.asText())) {
                throw ApiException.invalidRequest(where + ".directoryGroupId must be a directory group id (directory_group_...).");
            }
            String role = role(entry.get("role"), where + ".role");
            if (!groups.add(group.asText())) {
                throw ApiException.invalidRequest(where + ".directoryGroupId repeats a group already mapped.");
            }
            entries.add(new RoleMapping.Entry(group.asText(), role));
        }
        return new RoleMappingsBody(List.copyOf(entries), role(body.get("defaultRole"), "defaultRole"));
    }

    private static String role(JsonNode role, String field) {
        if (role == null || !role.isTextual() || !RoleMapping.validRole(role.asText())) {
            throw ApiException.invalidRequest(field + " must be a role: owner, admin, member, or a custom role of 1 to 32"
                    + " characters (a-z first, then a-z, 0-9, _ and -).");
        }
        return role.asText();
    }

    /**
     * How the audit log says it: every mapping and the default role (no more than 50 mappings), each group by its
     * name in quotes where {@code names} has it (a synced group), else by its id (a mapping may come first).
     */
    String summary(Map<String, String> names) {
        StringBuilder s = new StringBuilder("Directory roles set: ");
        if (mappings.isEmpty()) {
            s.append("no group mapped");
        }
        for (int i = 0; i < mappings.size(); i++) {
            String id = mappings.get(i).directoryGroupId();
            String name = names.get(id);
            s.append(i == 0 ? "" : ", ").append(name == null ? id : '"' + name + '"').append(" -> ").append(mappings.get(i).role());
        }
        return s.append("; default role ").append(defaultRole).append('.').toString();
    }
}
