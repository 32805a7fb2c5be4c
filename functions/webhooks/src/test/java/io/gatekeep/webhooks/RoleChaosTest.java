package io.gatekeep.webhooks;

import io.gatekeep.emulator.DeliveryAttempt;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.RoleJobs;
import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.projection.RoleMappings;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.testsupport.ConcurrentDeliveries;
import io.gatekeep.testsupport.OrganizationHistory;
import io.gatekeep.testsupport.ProjectionCheck;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Directory roles under the webhook chaos of {@link ChaosTest}: the same history, delivered 1-3
 * times per event, reordered, through store failures, with a group -> role mapping in place while
 * users and memberships arrive, and a different mapping saved (and its re-derivation running)
 * half-way through the deliveries. A mapped group is deleted (WorkOS drops its memberships without
 * an event each) and a directory is deleted. Once the deliveries are done and the queued role job
 * has run (as the role-jobs function does every minute), every live user's role equals
 * {@link RoleMapping#roleOf} of its WorkOS groups under the final mapping, and the listing indexes,
 * the directories' role counters and health's role counts are exact ({@link RoleCheck}); the rest of
 * the projection still equals WorkOS ({@link ProjectionCheck}). Reconcile's writes (the projection's
 * snapshot API) in random order, concurrently, reach the same roles.
 *
 * <p>Seeds: {@code -Dchaos.seed=N} (the emulator-delivered run, {@code -Dchaos.roleUsers} users, 60 by
 * default) and {@code -Dchaos.roleSeeds=1,2} (the shuffled concurrent runs). A failure names its seed.
 */
class RoleChaosTest {
    private final DynamoDbClient clean = LocalDynamo.shared().client();

    /** First mapping: saved once the directory's groups exist, before any user arrives. */
    static Map<String, String> firstMapping() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Engineering", "admin");
        m.put("Finance", "admin"); // deleted later in the history
        m.put("Support", "support");
        m.put("Sales", "billing");
        m.put("Legacy", "owner"); // the deleted directory's group
        return m;
    }

    /** Second mapping, saved mid-way: changes roles, the default role, and maps the group everyone may join. */
    static Map<String, String> secondMapping() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Everyone", "member");
        m.put("Support", "admin");
        m.put("Finance", "owner");
        m.put("Sales", "billing");
        return m;
    }

    private static RoleMapping save(DynamoDbClient dynamo, String table, String orgId, Map<String, String> byName,
                                    Map<String, String> groupIds, String defaultRole) {
        List<RoleMapping.Entry> entries = new ArrayList<>();
        byName.forEach((name, role) -> {
            if (groupIds.containsKey(name)) {
                entries.add(new RoleMapping.Entry(groupIds.get(name), role));
            }
        });
        AuditEntry audit = new AuditEntry(orgId, "audit_role_" + System.nanoTime(), "settings.role_mappings_updated",
                java.time.Instant.now(), "chaos@test", "Role mappings set.", AuditEntry.Source.GATEKEEP, null);
        new RoleMappings(dynamo, table, Clock.systemUTC()).save(orgId, entries, defaultRole, audit);
        return new RoleMapping(entries, defaultRole, 0);
    }

    /** Group name -> id, from the group.created events so far (deleted groups included). */
    private static Map<String, String> groupIds(List<StoredEvent> events) {
        Map<String, String> ids = new LinkedHashMap<>();
        for (StoredEvent e : events) {
            if (e.event().equals("dsync.group.created")) {
                ids.put(Json.text(e.data(), "name"), Json.text(e.data(), "id"));
            }
        }
        return ids;
    }

    private void runJobsToTheEnd(WebhookFixture webhooks) {
        RoleJobs jobs = new RoleJobs(clean, webhooks.table, Clock.systemUTC());
        List<RoleJobs.Result> results = jobs.runPending(System.nanoTime() + Duration.ofSeconds(60).toNanos());
        assertTrue(results.stream().allMatch(RoleJobs.Result::complete), results.toString());
    }

    private static void assertEqualToWorkOs(WebhookFixture webhooks, EmulatorControl workos, OrganizationHistory history, RoleMapping mapping) {
        Snapshot snapshot = workos.snapshot();
        List<StoredEvent> events = workos.events();
        List<String> roles = RoleCheck.differences(webhooks, snapshot, events, history.organizationId(), mapping);
        assertEquals(List.of(), roles.subList(0, Math.min(20, roles.size())), roles.size() + " role differences");
        List<String> objects = new ArrayList<>(webhooks.differences(snapshot, events, history.organizationId()));
        long saved = webhooks.audit(history.organizationId()).stream()
                .filter(a -> a.type().equals("settings.role_mappings_updated") && a.source() == AuditEntry.Source.GATEKEEP).count();
        if (saved != 2) {
            objects.add("the two mapping changes have " + saved + " audit entries");
        }
        assertEquals(List.of(), objects.subList(0, Math.min(20, objects.size())), objects.size() + " differences");
    }

    /**
     * The emulator delivers over HTTP with duplicates, a shuffle window and retries of every 503
     * (10% of the webhook's transactions fail); the first mapping is saved as soon as the groups
     * exist, the second (with its role job, itself failing at random) when users start to change.
     */
    @Test
    void rolesFollowARealisticHistoryDeliveredThroughFailures() throws Exception {
        ChaosRun.forSeed("role chaos", "chaos.seed", Long.getLong("chaos.seed", 20_261_124L),
                Integer.getInteger("chaos.roleUsers", 60), this::emulatorDelivered);
    }

    private void emulatorDelivered(long seed, int users) {
        try (ChaosRun run = ChaosRun.emulatorDelivered(seed)) {
            EmulatorControl workos = run.workos();
            WebhookFixture webhooks = run.webhooks();
            Projection projection = new Projection(clean, webhooks.table, Clock.systemUTC());
            RoleMapping[] last = {null};
            int[] step = {0};
            long started = System.nanoTime();
            OrganizationHistory history = OrganizationHistory.play(workos, users, run.random(), () -> {
                workos.webhookDuplicates(1 + run.random().nextInt(3));
                step[0]++;
                Map<String, String> ids = groupIds(workos.events());
                if (last[0] == null && ids.containsKey("Everyone")) {
                    // An admin maps the groups once they show up; the organization is known by then
                    // (onboarded: its item is written from WorkOS, as the operator's onboard does).
                    String orgId = workos.events().getFirst().organizationId();
                    // as onboard would be retried: deliveries write the same item meanwhile
                    for (int attempt = 1; ; attempt++) {
                        try {
                            projection.upsertOrganization(Json.parse("{\"id\":\"" + orgId + "\",\"name\":\"Chaos Co\","
                                    + "\"updated_at\":\"2000-01-01T00:00:00.000Z\"}"));
                            break;
                        } catch (StoreUnavailableException busy) {
                            if (attempt == 5) {
                                throw busy;
                            }
                        }
                    }
                    last[0] = save(clean, webhooks.table, orgId, firstMapping(), ids, "member");
                } else if (last[0] != null && last[0].defaultRole().equals("member") && step[0] > 20 + users / 50 + users) {
                    // Users are changing: a second mapping, its job run while deliveries go on, through store failures.
                    String orgId = workos.events().getFirst().organizationId();
                    last[0] = save(clean, webhooks.table, orgId, secondMapping(), ids, "viewer");
                    try {
                        new RoleJobs(webhooks.dynamo, webhooks.table, Clock.systemUTC())
                                .run(orgId, System.nanoTime() + Duration.ofSeconds(5).toNanos());
                    } catch (StoreUnavailableException injected) {
                        // the job item keeps the work: the final run finishes it
                    }
                }
            });
            assertEquals("viewer", last[0].defaultRole(), "the second mapping was saved during the history");
            long played = System.nanoTime();
            assertTrue(workos.awaitDeliveries(Duration.ofMinutes(2)), "the emulator finished delivering");
            long delivered = System.nanoTime();
            List<DeliveryAttempt> attempts = workos.deliveries();
            assertEquals(List.of(), attempts.stream().filter(a -> a.outcome().equals("gave_up")).toList(), "no delivery gave up");
            assertTrue(attempts.stream().anyMatch(a -> a.status() == 503), "store failures were answered 503");
            runJobsToTheEnd(webhooks);
            long jobs = System.nanoTime();
            assertEqualToWorkOs(webhooks, workos, history, last[0]);
            System.out.printf("role chaos (emulator delivery): played %d ms, delivered %d ms, last job %d ms, checked %d ms%n",
                    (played - started) / 1_000_000, (delivered - played) / 1_000_000, (jobs - delivered) / 1_000_000,
                    (System.nanoTime() - jobs) / 1_000_000);
            System.out.println("role chaos (emulator delivery): " + workos.events().size() + " events, " + attempts.size()
                    + " delivery attempts, seed " + seed + ": roles equal WorkOS's groups under the final mapping");
        }
    }

    /** Several seeds: every event 1-3 times, all shuffled, two deliveries at a time, the mapping changed concurrently. */
    @Test
    void rolesEndEqualForShuffledConcurrentDeliveriesAndAConcurrentMappingChange() throws Exception {
        ChaosRun.forEachSeed("role chaos", "chaos.roleSeeds", "1,2", Integer.getInteger("chaos.smallUsers", 30),
                this::shuffledConcurrent);
    }

    private void shuffledConcurrent(long seed, int users) throws Exception {
        try (ChaosRun run = ChaosRun.testDelivered(seed)) {
            WebhookFixture webhooks = run.webhooks();
            OrganizationHistory history = OrganizationHistory.play(run.workos(), users, run.random(), () -> { });
            List<StoredEvent> events = run.workos().events();
            Map<String, String> ids = groupIds(events);

            // The organization is known first (a mapping is saved for a known organization), then the mapping.
            run.fault().off();
            assertEquals(200, webhooks.deliver(events.getFirst().json()).status());
            save(clean, webhooks.table, history.organizationId(), firstMapping(), ids, "member");
            run.failAtRandomAgain();

            ConcurrentDeliveries<String> deliveries = ConcurrentDeliveries.shuffledCopies(events, run.random());
            ExecutorService side = Executors.newSingleThreadExecutor();
            RoleMapping second = new RoleMapping(List.of(), "viewer", 0);
            Future<RoleMapping> change = side.submit(() -> {
                while (deliveries.taken() < deliveries.size() / 2) {
                    Thread.sleep(2);
                }
                RoleMapping saved = save(clean, webhooks.table, history.organizationId(), secondMapping(), ids, "viewer");
                // the PUT's inline run, through the same failing store as the webhooks
                try {
                    new RoleJobs(webhooks.dynamo, webhooks.table, Clock.systemUTC())
                            .run(history.organizationId(), System.nanoTime() + Duration.ofSeconds(5).toNanos());
                } catch (StoreUnavailableException injected) {
                    // left for the next run
                }
                return saved;
            });
            deliveries.run(2, body -> ConcurrentDeliveries.Answer.ofStatus(webhooks.deliver(body).status()));
            second = change.get();
            side.shutdown();
            assertEquals(0, deliveries.unexpected(), "every delivery ends 200 or 503");
            assertTrue(run.fault().injected.get() > 0, "store failures were injected");

            runJobsToTheEnd(webhooks);
            assertEqualToWorkOs(webhooks, run.workos(), history, second);
            System.out.println("role chaos (shuffled, concurrent): " + events.size() + " events, " + deliveries.size()
                    + " deliveries, seed " + seed + ": roles equal WorkOS's groups under the final mapping");
        }
    }

    /**
     * Reconcile's writes (objects as the emulator's list calls return them, memberships from each
     * user's groups) in random order from three threads, users often after their memberships, while
     * the mapping changes: the same roles as WorkOS's groups give, once the role job has run.
     */
    @Test
    void reconcileWritesInAnyOrderDeriveTheSameRoles() throws Exception {
        WebhookFixture store = new WebhookFixture();
        Projection projection = new Projection(store.dynamo, store.table, Clock.systemUTC());
        try (WorkOsEmulator emulator = WorkOsEmulator.builder().seed(5).start()) {
            EmulatorControl workos = emulator.control();
            Random random = new Random(5);
            OrganizationHistory history = OrganizationHistory.play(workos, 40, random, () -> { });
            Map<String, String> ids = groupIds(workos.events());
            java.time.Instant listedAt = java.time.Instant.now();
            var organization = get(emulator, "/organizations/" + history.organizationId());
            projection.upsertOrganization(organization);
            organization.get("domains").forEach(projection::upsertDomain);
            get(emulator, "/connections?limit=100&organization_id=" + history.organizationId()).get("data")
                    .forEach(projection::upsertConnection);
            save(clean, store.table, history.organizationId(), firstMapping(), ids, "member");
            List<Runnable> writes = new ArrayList<>();
            for (var d : get(emulator, "/directories?limit=100&organization_id=" + history.organizationId()).get("data")) {
                projection.upsertDirectory(d);
                String dir = d.get("id").asText();
                for (var g : get(emulator, "/directory_groups?limit=100&directory=" + dir).get("data")) {
                    writes.add(() -> projection.upsertGroup(g));
                }
                for (var u : get(emulator, "/directory_users?limit=100&directory=" + dir).get("data")) {
                    writes.add(() -> projection.upsertUser(u));
                    for (var g : u.get("groups")) {
                        writes.add(() -> projection.setMembership(dir, u.get("id").asText(), g.get("id").asText(), true, listedAt));
                    }
                }
            }
            ConcurrentDeliveries<Runnable> inAnyOrder = ConcurrentDeliveries.shuffled(writes, random);
            ExecutorService side = Executors.newSingleThreadExecutor();
            Future<RoleMapping> change = side.submit(() -> {
                while (inAnyOrder.attempts() < writes.size() / 2) {
                    Thread.sleep(1);
                }
                return save(clean, store.table, history.organizationId(), secondMapping(), ids, "viewer");
            });
            inAnyOrder.run(3, write -> {
                try {
                    write.run();
                    return ConcurrentDeliveries.Answer.TAKEN;
                } catch (StoreUnavailableException lostARace) {
                    return ConcurrentDeliveries.Answer.AGAIN; // the operator's RetriedProjection tries again
                }
            });
            RoleMapping last = change.get();
            side.shutdown();
            runJobsToTheEnd(store);
            List<String> roles = RoleCheck.differences(store, workos.snapshot(), workos.events(), history.organizationId(), last);
            assertEquals(List.of(), roles.subList(0, Math.min(20, roles.size())), roles.size() + " role differences");
            List<String> objects = store.objectDifferences(workos.snapshot(), history.organizationId());
            assertEquals(List.of(), objects.subList(0, Math.min(20, objects.size())), objects.size() + " differences");
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode get(WorkOsEmulator emulator, String path) {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(emulator.baseUrl() + path)).header("Authorization", "Bearer " + emulator.apiKey()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return Json.parse(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
