package io.gatekeep.adversarial;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1,000 mixed requests from 8 threads against the local runner over HTTP: identity health, audit pages,
 * portal links, settings, the provider catalog, and webhooks signed with the runner's secret (users
 * created, updated and deleted in one directory, some delivered twice). No 5xx, every webhook
 * acknowledged, and afterwards the projection is exact: every event's marker, every user in its final
 * state, the directory's counter, one audit entry per applied event, issued link and settings change.
 */
@Order(3)
class LoadTest {
    static final int REQUESTS = 1_000;
    static final int THREADS = 8;
    static final int USERS = 80;
    static final long SEED = 1_000L;

    enum Kind { HEALTH, AUDIT, PORTAL_LINK, SETTINGS, PROVIDERS, WEBHOOK }

    record Outcome(Kind kind, String what, int status, String error) {}

    /** One unit of work for one thread: a single request, or one user's webhooks in order. */
    interface Work {
        List<Outcome> run() throws Exception;

        int requests();
    }

    static Adversarial adv;
    static String org;
    static String directory;
    static String owner;
    static String admin;
    static String member;

    @BeforeAll
    static void start() throws Exception {
        adv = Adversarial.get();
        var control = adv.system.emulator().control();
        var created = control.createOrganization("Loadco", DomainSpec.verified("loadco.example"));
        org = created.id();
        control.createConnection(org, "OktaSAML", "Loadco Okta", "active");
        directory = control.createDirectory(org, "okta scim v2.0", "Loadco directory", "linked").id();
        // WorkOS (the emulator) tells the runner about Loadco by signed webhooks, as it would in AWS.
        assertTrue(control.awaitDeliveries(Duration.ofSeconds(60)), "the emulator's webhooks were not delivered");
        owner = adv.token(org, "owner");
        admin = adv.token(org, "admin");
        member = adv.token(org, "member");
        assertEquals(200, adv.send("PUT", "/organizations/" + org + "/it-contacts", owner, "{\"emails\":[\"it@loadco.example\"]}").status());
        assertEquals(200, adv.setPlan(org, true, true).status());
    }

    @Test
    void aThousandMixedRequestsFromEightThreadsLeaveAnExactProjection() throws Exception {
        Random random = new Random(SEED);
        List<Work> work = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        Instant base = Instant.now().minusSeconds(3600);
        int webhookRequests = 0;
        for (int u = 0; u < USERS; u++) {
            String user = String.format("directory_user_load%04d", u);
            Instant t = base.plusSeconds(u);
            List<String> chain = new ArrayList<>();
            String createdEvent = userEvent("dsync.user.created", user, "Created", t);
            chain.add(createdEvent);
            chain.add(userEvent("dsync.user.updated", user, "Updated", t.plusMillis(500)));
            if (u % 8 == 0) {
                chain.add(userEvent("dsync.user.deleted", user, "Updated", t.plusMillis(900)));
            }
            chain.forEach(e -> eventIds.add(Json.text(Json.parse(e), "id")));
            if (u % 5 == 0) {
                chain.add(createdEvent); // WorkOS delivers it again (late): a duplicate
            }
            webhookRequests += chain.size();
            work.add(webhooks(chain));
        }
        int auditPages = 0;
        int links = 0;
        int settings = 0;
        String[] intents = {"sso", "dsync", "domain_verification", "audit_logs", "log_streams", "certificate_renewal"};
        for (int i = webhookRequests; i < REQUESTS; i++) {
            int pick = random.nextInt(100);
            if (pick < 25) {
                String token = random.nextBoolean() ? admin : member;
                work.add(single(Kind.HEALTH, "GET", "/organizations/" + org + "/identity-health", token, null, 200));
            } else if (pick < 50) {
                String query = "?limit=" + (1 + random.nextInt(100)) + (random.nextInt(3) == 0 ? "&type=dsync." : "");
                work.add(single(Kind.AUDIT, "GET", "/organizations/" + org + "/audit-events" + query, member, null, 200));
                auditPages++;
            } else if (pick < 65) {
                String intent = intents[random.nextInt(intents.length)];
                work.add(single(Kind.PORTAL_LINK, "POST", "/organizations/" + org + "/portal-links", admin,
                        "{\"intent\":\"" + intent + "\",\"returnUrl\":\"http://localhost/identity\"}", 201));
                links++;
            } else if (pick < 78) {
                if (random.nextBoolean()) { // the vendor's back office sets the plan (AWS_IAM) while the tenant works
                    work.add(backOffice(Kind.SETTINGS, "/internal/organizations/" + org + "/entitlements",
                            "{\"sso\":true,\"directorySync\":true}", 200));
                } else {
                    work.add(single(Kind.SETTINGS, "PUT", "/organizations/" + org + "/it-contacts", owner,
                            "{\"emails\":[\"it@loadco.example\",\"sec" + i + "@loadco.example\"]}", 200));
                }
                settings++;
            } else {
                work.add(single(Kind.PROVIDERS, "GET", "/providers" + (random.nextBoolean() ? "?type=saml" : ""), member, null, 200));
            }
        }
        assertEquals(REQUESTS, work.stream().mapToInt(Work::requests).sum());
        Collections.shuffle(work, random);

        ConcurrentLinkedQueue<Work> queue = new ConcurrentLinkedQueue<>(work);
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> running = new ArrayList<>();
        long started = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            running.add(pool.submit(() -> {
                Work w;
                while ((w = queue.poll()) != null) {
                    outcomes.addAll(w.run());
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("load: %d requests from %d threads in %.1f s%n", outcomes.size(), THREADS, seconds);

        // No 5xx, and every request got the answer it should.
        assertEquals(REQUESTS, outcomes.size());
        List<Outcome> serverErrors = outcomes.stream().filter(o -> o.status() >= 500).toList();
        assertEquals(List.of(), serverErrors, "5xx answers");
        List<Outcome> unexpected = outcomes.stream().filter(o -> o.error() != null).toList();
        assertEquals(List.of(), unexpected, "unexpected answers");

        // No lost webhook: every event's marker, exactly once.
        for (String id : eventIds) {
            assertNotNull(item(Keys.eventPk(id), Keys.EVENT_SK), "no marker for " + id);
        }
        // Every user in its final state; the directory's counter exact.
        int live = 0;
        for (int u = 0; u < USERS; u++) {
            var user = item(Keys.directoryPk(directory), Keys.userSk(String.format("directory_user_load%04d", u)));
            assertNotNull(user, "user " + u);
            boolean deleted = Attr.flag(user, "deleted");
            assertEquals(u % 8 == 0, deleted, "user " + u + " deleted");
            if (!deleted) {
                live++;
                assertEquals("Updated", Attr.str(user, "lastName"), "user " + u + " has its last update");
            }
        }
        var directoryItem = item(Keys.orgPk(org), Keys.directorySk(directory));
        assertEquals(live, Attr.num(directoryItem, "userCount", -1), "the directory's user counter");
        var health = adv.send("GET", "/organizations/" + org + "/identity-health", member, null);
        assertEquals(live, health.json().path("directorySync").path("users").asInt(-1), health.toString());

        // One audit entry per applied event, per issued link, per settings change.
        Map<String, Integer> audit = auditTypes();
        int userEvents = audit.entrySet().stream().filter(e -> e.getKey().startsWith("dsync.user.")).mapToInt(Map.Entry::getValue).sum();
        assertEquals(eventIds.size(), userEvents, "audit entries of the user events " + audit);
        assertEquals(links, audit.getOrDefault("portal_link.issued", 0), "audit entries of issued links " + audit);
        long settingsOk = outcomes.stream().filter(o -> o.kind() == Kind.SETTINGS && o.status() == 200).count();
        int settingsAudited = audit.getOrDefault("settings.it_contacts_updated", 0) + audit.getOrDefault("settings.plan_updated", 0);
        assertEquals(settingsOk + 2, settingsAudited, "audit entries of settings changes (+2 from the setup) " + audit);
        assertTrue(auditPages > 0 && settings > 0 && links > 0);
    }

    private Work single(Kind kind, String method, String path, String token, String body, int expected) {
        return new Work() {
            @Override
            public List<Outcome> run() throws Exception {
                var r = adv.send(method, path, token, body);
                String error = r.status() == expected ? null : "expected " + expected + ", got " + r;
                return List.of(new Outcome(kind, method + " " + path, r.status(), error));
            }

            @Override
            public int requests() {
                return 1;
            }
        };
    }

    private Work backOffice(Kind kind, String path, String body, int expected) {
        return new Work() {
            @Override
            public List<Outcome> run() throws Exception {
                var r = adv.backOffice("PUT", path, body);
                String error = r.status() == expected ? null : "expected " + expected + ", got " + r;
                return List.of(new Outcome(kind, "PUT " + path, r.status(), error));
            }

            @Override
            public int requests() {
                return 1;
            }
        };
    }

    private Work webhooks(List<String> chain) {
        return new Work() {
            @Override
            public List<Outcome> run() throws Exception {
                List<Outcome> out = new ArrayList<>();
                for (String body : chain) {
                    var r = adv.webhook(body);
                    String status = r.status() == 200 ? Json.text(r.json(), "status") : null;
                    String error = r.status() == 200 && ("applied".equals(status) || "duplicate".equals(status))
                            ? null : "expected 200 applied/duplicate, got " + r;
                    out.add(new Outcome(Kind.WEBHOOK, Json.text(Json.parse(body), "event"), r.status(), error));
                }
                return out;
            }

            @Override
            public int requests() {
                return chain.size();
            }
        };
    }

    private static int eventCounter;

    private static synchronized String userEvent(String name, String userId, String lastName, Instant at) {
        ObjectNode user = Json.object();
        user.put("object", "directory_user");
        user.put("id", userId);
        user.put("directory_id", directory);
        user.put("organization_id", org);
        user.put("idp_id", userId);
        user.put("email", userId + "@loadco.example");
        user.put("first_name", "Load");
        user.put("last_name", lastName);
        user.putArray("emails").addObject().put("primary", true).put("type", "work").put("value", userId + "@loadco.example");
        user.put("state", name.endsWith("deleted") ? "inactive" : "active");
        user.putObject("raw_attributes");
        user.putObject("custom_attributes");
        user.put("created_at", Times.iso(at.minusMillis(500)));
        user.put("updated_at", Times.iso(at));
        ObjectNode event = Json.object();
        event.put("object", "event");
        event.put("id", String.format("event_load%06d", ++eventCounter));
        event.put("event", name);
        event.set("data", user);
        event.put("created_at", Times.iso(at));
        return Json.write(event);
    }

    private static Map<String, AttributeValue> item(String pk, String sk) {
        var item = adv.system.dynamoClient().getItem(r -> r.tableName(adv.system.tableName()).key(Attr.key(pk, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static Map<String, Integer> auditTypes() {
        Map<String, Integer> types = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = adv.system.dynamoClient().query(QueryRequest.builder().tableName(adv.system.tableName())
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(org))))
                    .consistentRead(true).exclusiveStartKey(start).build());
            page.items().forEach(i -> types.merge(Attr.str(i, "type"), 1, Integer::sum));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return types;
    }
}
