package io.gatekeep.directoryroles;

import io.gatekeep.localaws.LocalContext;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatekeep.directoryroles.RolesFixture.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mapping change over 10,000 directory users (two directories, 20 groups, 1-2 groups each), in a
 * JVM limited to 256 MB of heap (the role-jobs function's memory size) that also holds DynamoDB
 * Local and its 10,000 users: the PUT re-derives what its time allows, the role-jobs function the
 * rest, page by page. Afterwards every user has {@link RoleMapping#roleOf} its groups, health's
 * counts are exact and the listing pages through every user once. Run with {@code -Pheavy};
 * excluded from the default suite for its length.
 */
@Tag("heavy")
class HeavyRoleMappingTest {
    static final int USERS = 10_000;
    static final String ORG = "org_01HHEAVYROLES00000000000001";
    static final List<String> DIRECTORIES = List.of("directory_01HHEAVYA", "directory_01HHEAVYB");

    static String group(int g) {
        return String.format("directory_group_heavy_%02d", g);
    }

    /** User i's groups: a function of i, so the expected roles are computed without holding the users. */
    static Set<String> groupsOf(int i) {
        Set<String> groups = new TreeSet<>();
        groups.add(group(i % 20));
        if (i % 3 == 0) {
            groups.add(group((i * 7 + 3) % 20));
        }
        return groups;
    }

    static String userId(int i) {
        return String.format("directory_user_heavy_%05d", i);
    }

    static String directoryOf(int i) {
        return DIRECTORIES.get(i % 2);
    }

    @Test
    void tenThousandUsersTakeTheirNewRolesInBoundedMemory() {
        assertTrue(Runtime.getRuntime().maxMemory() <= 300L * 1024 * 1024,
                "run with -Pheavy (-Xmx256m): max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        RolesFixture fx = new RolesFixture();
        long t0 = System.nanoTime();
        seed(fx);
        long seededMs = (System.nanoTime() - t0) / 1_000_000;

        // groups 0-4 -> admin, 5-9 -> member, 10-11 -> billing; the rest unmapped; default viewer
        StringBuilder body = new StringBuilder("{\"defaultRole\": \"viewer\", \"mappings\": [");
        List<RoleMapping.Entry> entries = new ArrayList<>();
        for (int g = 0; g < 12; g++) {
            String role = g < 5 ? "admin" : g < 10 ? "member" : "billing";
            entries.add(new RoleMapping.Entry(group(g), role));
            body.append(g == 0 ? "" : ",").append("{\"directoryGroupId\": \"").append(group(g)).append("\", \"role\": \"")
                    .append(role).append("\"}");
        }
        body.append("]}");
        RoleMapping mapping = new RoleMapping(entries, "viewer", 0);

        HeapWatch watch = HeapWatch.start();
        // (a second watch follows for the second change)
        long t1 = System.nanoTime();
        RolesFixture.Response put = fx.send(as(fx.put(ORG, body.toString()), ORG, "owner"),
                new LocalContext("RoleMappingsFunction", 29_000, 1024));
        long putMs = (System.nanoTime() - t1) / 1_000_000;
        assertEquals(200, put.status(), put.toString());
        List<Object> runs = new ArrayList<>();
        runs.add(put.body().get("rederivation"));
        boolean complete = put.body().at("/rederivation/status").asText().equals("complete");
        long t2 = System.nanoTime();
        for (int run = 0; !complete && run < 10; run++) { // the schedule, once a minute
            Map<String, Object> report = fx.jobs.handleRequest(Map.of("source", "aws.events"),
                    new LocalContext("RoleJobsFunction", 300_000, 256));
            runs.add(report.get("jobs"));
            complete = report.get("jobs").toString().contains("status=complete");
        }
        long jobsMs = (System.nanoTime() - t2) / 1_000_000;
        String heap = watch.stop();
        assertTrue(complete, runs.toString());

        // every user's role, read back page by page
        Map<String, Long> expected = new LinkedHashMap<>();
        mapping.roleOrder().forEach(r -> expected.put(r, 0L));
        for (int i = 0; i < USERS; i++) {
            expected.merge(mapping.roleOf(groupsOf(i)), 1L, Long::sum);
        }
        int checked = 0;
        for (String dir : DIRECTORIES) {
            for (Map<String, AttributeValue> item : fx.dynamo.queryPaginator(QueryRequest.builder().tableName(fx.table)
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", Attr.s(Keys.directoryPk(dir))))
                    .consistentRead(true).build()).items()) {
                String sk = Attr.str(item, Keys.SK);
                if (!sk.startsWith(Keys.USER_PREFIX)) {
                    continue;
                }
                int i = Integer.parseInt(sk.substring(sk.lastIndexOf('_') + 1));
                assertEquals(mapping.roleOf(groupsOf(i)), mapping.effective(Attr.str(item, "role")), sk);
                assertEquals(Keys.usersPk(ORG), Attr.str(item, Keys.GSI1_PK), sk);
                checked++;
            }
        }
        assertEquals(USERS, checked);
        assertEquals(expected, OrganizationView.load(fx.dynamo, fx.table, ORG).orElseThrow().roleCounts(), "health's counts");

        // the listing: every user once, by id, 100 a page; and the admins alone
        long t3 = System.nanoTime();
        long listed = pageThrough(fx, null);
        long admins = pageThrough(fx, "admin");
        long listMs = (System.nanoTime() - t3) / 1_000_000;
        assertEquals(USERS, listed);
        assertEquals(expected.get("admin"), admins);

        System.out.printf("HEAVY roles: %d users seeded in %d ms; PUT %d ms (%s); role jobs %d ms (%s); live heap %s,"
                        + " max heap %d MB; listing %d + %d users in %d ms; counts %s%n",
                USERS, seededMs, putMs, runs.getFirst(), jobsMs, runs.subList(1, runs.size()), heap,
                Runtime.getRuntime().maxMemory() / (1024 * 1024), listed, admins, listMs, expected);

        // A second change from a PUT with little time left: it stops in progress, the role-jobs function finishes.
        StringBuilder second = new StringBuilder("{\"defaultRole\": \"member\", \"mappings\": [");
        List<RoleMapping.Entry> secondEntries = new ArrayList<>();
        for (int g = 0; g < 20; g += 2) {
            String role = g < 6 ? "owner" : "support";
            secondEntries.add(new RoleMapping.Entry(group(g), role));
            second.append(g == 0 ? "" : ",").append("{\"directoryGroupId\": \"").append(group(g)).append("\", \"role\": \"")
                    .append(role).append("\"}");
        }
        second.append("]}");
        RoleMapping secondMapping = new RoleMapping(secondEntries, "member", 0);
        watch = HeapWatch.start();
        long t4 = System.nanoTime();
        RolesFixture.Response hurried = fx.send(as(fx.put(ORG, second.toString()), ORG, "owner"),
                new LocalContext("RoleMappingsFunction", 6_000, 1024));
        long hurriedMs = (System.nanoTime() - t4) / 1_000_000;
        assertEquals(200, hurried.status(), hurried.toString());
        assertEquals("in_progress", hurried.body().at("/rederivation/status").asText(), hurried.toString());
        long t5 = System.nanoTime();
        Map<String, Object> report = fx.jobs.handleRequest(Map.of("source", "aws.events"), new LocalContext("RoleJobsFunction", 300_000, 256));
        long finishMs = (System.nanoTime() - t5) / 1_000_000;
        String heap2 = watch.stop();
        assertTrue(report.get("jobs").toString().contains("status=complete"), report.toString());
        Map<String, Long> expected2 = new LinkedHashMap<>();
        secondMapping.roleOrder().forEach(r -> expected2.put(r, 0L));
        for (int i = 0; i < USERS; i++) {
            expected2.merge(secondMapping.roleOf(groupsOf(i)), 1L, Long::sum);
        }
        assertEquals(expected2, OrganizationView.load(fx.dynamo, fx.table, ORG).orElseThrow().roleCounts(), "health's counts");
        assertEquals(expected2.get("owner"), pageThrough(fx, "owner"));
        assertEquals(expected2.get("member"), pageThrough(fx, "member"), "the default role's users");
        System.out.printf("HEAVY roles, second change: PUT %d ms (%s), then role jobs %d ms (%s); live heap %s; counts %s%n",
                hurriedMs, hurried.body().get("rederivation"), finishMs, report.get("jobs"), heap2, expected2);
    }

    /** Pages through the listing, 100 at a time; checks the order and that no id comes twice; returns the count. */
    private static long pageThrough(RolesFixture fx, String role) {
        String cursor = null;
        String last = "";
        long count = 0;
        do {
            RolesFixture.Response r = fx.send(as(fx.list(ORG), ORG, "admin").query("limit", "100").query("role", role)
                    .query("cursor", cursor));
            assertEquals(200, r.status(), r.toString());
            for (var u : r.body().get("data")) {
                String id = u.get("id").asText();
                assertTrue(id.compareTo(last) > 0, "in order, none twice: " + id + " after " + last);
                last = id;
                count++;
            }
            cursor = r.body().get("nextCursor").isNull() ? null : r.body().get("nextCursor").asText();
        } while (cursor != null);
        return count;
    }

    /** The projection as webhooks would have left it with no mapping: users, groups, memberships, counters. */
    private static void seed(RolesFixture fx) {
        fx.organization(ORG);
        for (String dir : DIRECTORIES) {
            fx.directory(ORG, dir);
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, Long> users = new HashMap<>();
        for (int i = 0; i < USERS; i++) {
            String dir = directoryOf(i);
            String user = userId(i);
            Map<String, AttributeValue> item = new HashMap<>(Attr.key(Keys.directoryPk(dir), Keys.userSk(user)));
            item.put("organizationId", Attr.s(ORG));
            item.put("email", Attr.s(user + "@heavy.test"));
            item.put("firstName", Attr.s("User"));
            item.put("lastName", Attr.s(Integer.toString(i)));
            item.put("state", Attr.s("active"));
            item.put("updatedAt", Attr.s("2026-05-01T10:00:00.000Z"));
            item.put("groups", AttributeValue.fromSs(List.copyOf(groupsOf(i))));
            item.put("rev", Attr.n(1 + groupsOf(i).size()));
            item.put(Keys.GSI1_PK, Attr.s(Keys.usersPk(ORG)));
            item.put(Keys.GSI1_SK, Attr.s(Keys.usersSk(user)));
            item.put(Keys.GSI2_PK, Attr.s(Keys.usersDefaultRolePk(ORG)));
            item.put(Keys.GSI2_SK, Attr.s(Keys.usersSk(user)));
            items.add(item);
            for (String g : groupsOf(i)) {
                Map<String, AttributeValue> member = new HashMap<>(Attr.key(Keys.directoryPk(dir), Keys.memberSk(user, g)));
                member.put("member", Attr.bool(true));
                member.put("changedAt", Attr.s("2026-05-01T10:00:01.000Z"));
                items.add(member);
            }
            users.merge(dir, 1L, Long::sum);
            if (items.size() >= 500) {
                write(fx, items);
                items.clear();
            }
        }
        write(fx, items);
        for (String dir : DIRECTORIES) {
            fx.dynamo.updateItem(r -> r.tableName(fx.table).key(Attr.key(Keys.orgPk(ORG), Keys.directorySk(dir)))
                    .updateExpression("SET userCount = :n").expressionAttributeValues(Map.of(":n", Attr.n(users.get(dir)))));
        }
    }

    private static void write(RolesFixture fx, List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> batch = items.subList(from, Math.min(items.size(), from + 25)).stream()
                    .map(i -> WriteRequest.builder().putRequest(PutRequest.builder().item(i).build()).build()).toList();
            Map<String, List<WriteRequest>> request = Map.of(fx.table, batch);
            while (!request.isEmpty()) {
                Map<String, List<WriteRequest>> ask = request;
                var response = fx.dynamo.batchWriteItem(r -> r.requestItems(ask));
                request = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    /** The live heap (what the heap pools hold right after a collection), sampled every 20 ms, whole JVM. */
    private static final class HeapWatch {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private final long baseline;
        private final Thread thread;

        private HeapWatch() {
            baseline = liveHeap();
            thread = new Thread(() -> {
                while (running.get()) {
                    peak.accumulateAndGet(liveHeap(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static HeapWatch start() {
            HeapWatch w = new HeapWatch();
            w.thread.setDaemon(true);
            w.thread.start();
            return w;
        }

        String stop() {
            running.set(false);
            return "baseline " + baseline / (1024 * 1024) + " MB, peak " + peak.get() / (1024 * 1024) + " MB";
        }

        private static long liveHeap() {
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
                used += afterGc == null ? 0 : afterGc.getUsed();
            }
            return used;
        }
    }
}
