package io.gatekeep.local;

import static io.gatekeep.local.TemplateCheck.list;
import static io.gatekeep.local.TemplateCheck.map;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link TemplateCheck}'s rule for permissions: a function's policies reach DynamoDB only on the one
 * table and its indexes (no managed DynamoDB policy, no policy template naming another table), and no
 * statement grants anything on every resource.
 */
final class PolicyRules {
    private final Map<String, Object> resources;
    private final String tableId;
    private final List<String> problems;

    PolicyRules(Map<String, Object> resources, String tableId, List<String> problems) {
        this.resources = resources;
        this.tableId = tableId;
        this.problems = problems;
    }

    /** The {@code Policies} of function {@code id}. */
    void check(String id, Object policies) {
        for (Object policy : list(policies)) {
            if (policy instanceof String managed) {
                if (managed.toLowerCase(Locale.ROOT).contains("dynamodb")) {
                    problems.add("function " + id + " uses the managed policy " + managed + ", which is not limited to the one table");
                }
                continue;
            }
            Map<String, Object> p = map(policy);
            for (var template : p.entrySet()) {
                if (template.getKey().equals("Statement")) {
                    for (Object statement : list(template.getValue())) {
                        statement(id, map(statement));
                    }
                } else if (template.getKey().startsWith("DynamoDB")) {
                    Object table = map(template.getValue()).get("TableName");
                    if (tableId == null || !tableId.equals(map(table).get("Ref"))) {
                        problems.add("function " + id + ": policy " + template.getKey() + " names " + describe(table) + ", not the table " + tableId);
                    }
                }
            }
        }
    }

    private void statement(String id, Map<String, Object> statement) {
        Object actions = statement.get("Action");
        List<?> actionList = actions instanceof List<?> l ? l : List.of(String.valueOf(actions));
        Object resource = statement.get("Resource");
        List<?> resourceList = resource instanceof List<?> l ? l : List.of(resource == null ? "(none)" : resource);
        boolean dynamo = actionList.stream().anyMatch(a -> String.valueOf(a).toLowerCase(Locale.ROOT).startsWith("dynamodb:")
                || String.valueOf(a).equals("*"));
        for (Object r : resourceList) {
            if ("*".equals(r)) {
                problems.add("function " + id + ": a policy statement grants " + actionList + " on every resource (*)");
            } else if (dynamo && !isTableOrIndex(r)) {
                problems.add("function " + id + ": a policy names " + describe(r) + ", not the table " + tableId + " or its indexes");
            }
        }
    }

    private boolean isTableOrIndex(Object resource) {
        Map<String, Object> m = map(resource);
        if (m.get("Fn::GetAtt") instanceof List<?> getAtt) {
            return getAtt.size() == 2 && String.valueOf(getAtt.get(0)).equals(tableId) && "Arn".equals(getAtt.get(1));
        }
        if (m.get("Fn::Sub") instanceof String sub) {
            Matcher index = Pattern.compile("\\$\\{" + Pattern.quote(String.valueOf(tableId)) + "\\.Arn}/index/(.+)").matcher(sub);
            return index.matches() && (index.group(1).equals("*") || tableIndexes().contains(index.group(1)));
        }
        return false;
    }

    private static String describe(Object value) {
        Map<String, Object> m = map(value);
        if (m.get("Ref") != null) {
            return "!Ref " + m.get("Ref");
        }
        if (m.get("Fn::GetAtt") instanceof List<?> l) {
            return "!GetAtt " + String.join(".", l.stream().map(String::valueOf).toList());
        }
        if (m.get("Fn::Sub") != null) {
            return "!Sub " + m.get("Fn::Sub");
        }
        return String.valueOf(value);
    }

    private Set<String> tableIndexes() {
        Set<String> names = new LinkedHashSet<>();
        if (tableId != null) {
            for (Object g : list(map(map(resources.get(tableId)).get("Properties")).get("GlobalSecondaryIndexes"))) {
                names.add(String.valueOf(map(g).get("IndexName")));
            }
        }
        return names;
    }
}
