package io.gatekeep.operator;

import io.gatekeep.emulator.Snapshot;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares one organization's projection with the emulator's state, attribute by attribute:
 * organization, domains, connections, directories (with their user and group counters), users,
 * groups and memberships. Tombstones are not part of the organization.
 */
final class ProjectionCheck {
    private final DynamoDbClient dynamo;
    private final String table;
    private final List<String> differences = new ArrayList<>();

    private ProjectionCheck(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static void assertMirrors(OperatorFixture fx, String organizationId) {
        List<String> differences = differences(fx, organizationId);
        if (!differences.isEmpty()) {
            fail(differences.size() + " differences between the projection and WorkOS:\n  "
                    + String.join("\n  ", differences.subList(0, Math.min(40, differences.size()))));
        }
    }

    static List<String> differences(OperatorFixture fx, String organizationId) {
        ProjectionCheck check = new ProjectionCheck(fx.dynamo, fx.table);
        check.compare(fx.emulator.control().snapshot(), organizationId);
        return check.differences;
    }

    private void compare(Snapshot truth, String organizationId) {
        Map<String, Map<String, AttributeValue>> org = live(Keys.orgPk(organizationId), "");
        Snapshot.Organization o = truth.organization(organizationId).orElse(null);
        Map<String, AttributeValue> orgItem = org.remove(Keys.ORG_SK);
        if (o == null) {
            if (orgItem != null) {
                differences.add("organization " + organizationId + " is live here, gone in WorkOS");
            }
            return;
        }
        if (orgItem == null) {
            differences.add("organization " + organizationId + " missing");
            return;
        }
        same("organization name", o.name(), Attr.str(orgItem, "name"));
        same("organization updatedAt", Times.iso(o.updatedAt()), Attr.str(orgItem, "updatedAt"));

        compareKind("domain", prefixed(org, Keys.DOMAIN_PREFIX), truth.domainsOf(organizationId).stream()
                .collect(Collectors.toMap(Snapshot.Domain::id, d -> d)), (d, item) -> {
                    same("domain " + d.id() + " domain", d.domain(), Attr.str(item, "domain"));
                    same("domain " + d.id() + " state", d.state(), Attr.str(item, "state"));
                    same("domain " + d.id() + " updatedAt", Times.iso(d.updatedAt()), Attr.str(item, "updatedAt"));
                });
        compareKind("connection", prefixed(org, Keys.CONNECTION_PREFIX), truth.connectionsOf(organizationId).stream()
                .collect(Collectors.toMap(Snapshot.Connection::id, c -> c)), (c, item) -> {
                    same("connection " + c.id() + " name", c.name(), Attr.str(item, "name"));
                    same("connection " + c.id() + " type", c.connectionType(), Attr.str(item, "connectionType"));
                    same("connection " + c.id() + " state", c.state(), Attr.str(item, "state"));
                    same("connection " + c.id() + " updatedAt", Times.iso(c.updatedAt()), Attr.str(item, "updatedAt"));
                });
        Map<String, Map<String, AttributeValue>> directories = prefixed(org, Keys.DIRECTORY_PREFIX);
        compareKind("directory", directories, truth.directoriesOf(organizationId).stream()
                .collect(Collectors.toMap(Snapshot.Directory::id, d -> d)), (d, item) -> {
                    same("directory " + d.id() + " name", d.name(), Attr.str(item, "name"));
                    same("directory " + d.id() + " type", d.type(), Attr.str(item, "directoryType"));
                    same("directory " + d.id() + " state", d.state(), Attr.str(item, "state"));
                    same("directory " + d.id() + " userCount", (long) truth.usersOf(d.id()).size(), Attr.num(item, "userCount", 0));
                    same("directory " + d.id() + " groupCount", (long) truth.groupsOf(d.id()).size(), Attr.num(item, "groupCount", 0));
                    compareDirectory(truth, d.id());
                });
    }

    private void compareDirectory(Snapshot truth, String directoryId) {
        Map<String, Map<String, AttributeValue>> partition = live(Keys.directoryPk(directoryId), "");
        Map<String, Map<String, AttributeValue>> users = prefixed(partition, Keys.USER_PREFIX);
        compareKind("user", users, truth.usersOf(directoryId).stream()
                .collect(Collectors.toMap(Snapshot.User::id, u -> u)), (u, item) -> {
                    same("user " + u.id() + " email", u.email(), Attr.str(item, "email"));
                    same("user " + u.id() + " firstName", u.firstName(), Attr.str(item, "firstName"));
                    same("user " + u.id() + " lastName", u.lastName(), Attr.str(item, "lastName"));
                    same("user " + u.id() + " state", u.state(), Attr.str(item, "state"));
                    same("user " + u.id() + " updatedAt", Times.iso(u.updatedAt()), Attr.str(item, "updatedAt"));
                });
        compareKind("group", prefixed(partition, Keys.GROUP_PREFIX), truth.groupsOf(directoryId).stream()
                .collect(Collectors.toMap(Snapshot.Group::id, g -> g)), (g, item) -> {
                    same("group " + g.id() + " name", g.name(), Attr.str(item, "name"));
                    same("group " + g.id() + " updatedAt", Times.iso(g.updatedAt()), Attr.str(item, "updatedAt"));
                });
        Set<String> groupIds = truth.groupsOf(directoryId).stream().map(Snapshot.Group::id).collect(Collectors.toSet());
        Set<String> expected = truth.memberships().stream().filter(m -> groupIds.contains(m.groupId()))
                .map(m -> m.userId() + "#" + m.groupId()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> actual = new TreeSet<>();
        prefixed(partition, Keys.MEMBER_PREFIX).forEach((id, item) -> {
            if (Attr.flag(item, "member")) {
                actual.add(id);
            }
        });
        setsEqual("memberships of " + directoryId, expected, actual);
    }

    private <T> void compareKind(String kind, Map<String, Map<String, AttributeValue>> ours, Map<String, T> truth,
                                 java.util.function.BiConsumer<T, Map<String, AttributeValue>> attributes) {
        setsEqual(kind + "s", new TreeSet<>(truth.keySet()), new TreeSet<>(ours.keySet()));
        truth.forEach((id, object) -> {
            Map<String, AttributeValue> item = ours.get(id);
            if (item != null) {
                attributes.accept(object, item);
            }
        });
    }

    private void setsEqual(String what, Set<String> expected, Set<String> actual) {
        if (!expected.equals(actual)) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            Set<String> extra = new TreeSet<>(actual);
            extra.removeAll(expected);
            differences.add(what + ": missing " + abbreviate(missing) + ", extra " + abbreviate(extra));
        }
    }

    private static String abbreviate(Set<String> ids) {
        return ids.size() <= 5 ? ids.toString() : ids.stream().limit(5).toList() + " and " + (ids.size() - 5) + " more";
    }

    private void same(String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            differences.add(what + ": WorkOS " + expected + ", projection " + actual);
        }
    }

    /** The live items (no tombstones; connections and directories need a state) of a partition, by sk. */
    private Map<String, Map<String, AttributeValue>> live(String pk, String prefix) {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        dynamo.queryPaginator(r -> r.tableName(table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(pk))).consistentRead(true))
                .items().forEach(item -> {
                    String sk = Attr.str(item, Keys.SK);
                    boolean object = sk.startsWith(Keys.CONNECTION_PREFIX) || sk.startsWith(Keys.DIRECTORY_PREFIX);
                    if (Attr.flag(item, "deleted") || (object && pk.startsWith("ORG#") && Attr.str(item, "state") == null)) {
                        return;
                    }
                    items.put(sk, item);
                });
        return items;
    }

    private static Map<String, Map<String, AttributeValue>> prefixed(Map<String, Map<String, AttributeValue>> items, String prefix) {
        Map<String, Map<String, AttributeValue>> out = new TreeMap<>();
        items.forEach((sk, item) -> {
            if (sk.startsWith(prefix)) {
                out.put(sk.substring(prefix.length()), item);
            }
        });
        return out;
    }
}
