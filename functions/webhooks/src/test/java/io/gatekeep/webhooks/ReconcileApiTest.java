package io.gatekeep.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.UserUpdate;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.projection.ApplyOutcome;
import io.gatekeep.shared.projection.Change;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.WorkOsEvent;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.OrganizationHistory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.gatekeep.webhooks.WebhookFixture.flag;
import static io.gatekeep.webhooks.WebhookFixture.n;
import static io.gatekeep.webhooks.WebhookFixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The projection's API for the operator's reconcile and replay: objects in the wire shape WorkOS
 * list calls return (read raw from the emulator's API), and events from the Events API, under the
 * same updated_at, tombstone and counter rules as webhooks; each write says what it changed.
 */
class ReconcileApiTest {
    private final WebhookFixture store = new WebhookFixture();
    private final Projection projection = new Projection(store.dynamo, store.table, Clock.systemUTC());
    private final HttpClient http = HttpClient.newHttpClient();

    /** Every item of a WorkOS list call, following its {@code after} cursor. */
    private List<JsonNode> list(WorkOsEmulator workos, String path, Map<String, String> query) {
        List<JsonNode> items = new ArrayList<>();
        String after = null;
        do {
            StringBuilder url = new StringBuilder(workos.baseUrl()).append(path).append("?limit=100&order=asc"); // oldest first (WorkOS defaults to desc)
            query.forEach((k, v) -> url.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            if (after != null) {
                url.append("&after=").append(after);
            }
            JsonNode page = get(workos, url.toString());
            page.get("data").forEach(items::add);
            JsonNode next = page.path("list_metadata").path("after");
            after = next.isTextual() && !page.get("data").isEmpty() ? next.asText() : null;
        } while (after != null);
        return items;
    }

    private JsonNode get(WorkOsEmulator workos, String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + workos.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return Json.parse(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One reconcile pass over an organization: every object WorkOS lists, with the changes counted. */
    private Map<Change, Integer> reconcile(WorkOsEmulator workos, String orgId) {
        Map<Change, Integer> counts = new java.util.EnumMap<>(Change.class);
        Instant listedAt = Instant.now();
        JsonNode org = get(workos, workos.baseUrl() + "/organizations/" + orgId);
        counts.merge(projection.upsertOrganization(org), 1, Integer::sum);
        org.get("domains").forEach(d -> counts.merge(projection.upsertDomain(d), 1, Integer::sum));
        for (JsonNode c : list(workos, "/connections", Map.of("organization_id", orgId))) {
            counts.merge(projection.upsertConnection(c), 1, Integer::sum);
        }
        for (JsonNode d : list(workos, "/directories", Map.of("organization_id", orgId))) {
            counts.merge(projection.upsertDirectory(d), 1, Integer::sum);
            String dir = d.get("id").asText();
            List<String> listedUsers = new ArrayList<>();
            for (JsonNode u : list(workos, "/directory_users", Map.of("directory", dir))) {
                listedUsers.add(u.get("id").asText());
                counts.merge(projection.upsertUser(u), 1, Integer::sum);
                for (JsonNode g : u.get("groups")) {
                    counts.merge(projection.setMembership(dir, u.get("id").asText(), g.get("id").asText(), true, listedAt),
                            1, Integer::sum);
                }
            }
            for (JsonNode g : list(workos, "/directory_groups", Map.of("directory", dir))) {
                counts.merge(projection.upsertGroup(g), 1, Integer::sum);
            }
            // what WorkOS no longer lists is deleted, as of when the listing began
            for (var item : store.partition(Keys.directoryPk(dir))) {
                String sk = Attr.str(item, Keys.SK);
                if (sk.startsWith(Keys.USER_PREFIX) && !Attr.flag(item, "deleted")
                        && !listedUsers.contains(sk.substring(Keys.USER_PREFIX.length()))) {
                    counts.merge(projection.deleteUser(orgId, dir, sk.substring(Keys.USER_PREFIX.length()), listedAt), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    @Test
    void listCallsOfTheEmulatorBuildTheSameObjectsAndASecondPassChangesNothing() {
        try (WorkOsEmulator workos = WorkOsEmulator.builder().seed(11).start()) {
            EmulatorControl control = workos.control();
            var org = control.createOrganization("Listed Inc.", DomainSpec.verified("listed.test"), DomainSpec.pending("listed.dev"));
            control.createConnection(org.id(), "OktaSAML", "Listed Okta", "active");
            control.createConnection(org.id(), "GenericOIDC", null, "draft");
            var dir = control.createDirectory(org.id(), "okta scim v2.0", "Listed Directory", "linked");
            var eng = control.createGroup(dir.id(), "Engineering");
            var ops = control.createGroup(dir.id(), "Operations");
            List<Snapshot.User> users = control.addUsers(dir.id(), 6);
            for (int i = 0; i < users.size(); i++) {
                control.addUserToGroup((i % 2 == 0 ? eng : ops).id(), users.get(i).id());
            }
            control.updateUser(users.get(0).id(), UserUpdate.state("suspended"));

            Map<Change, Integer> first = reconcile(workos, org.id());
            assertEquals(1 + 2 + 2 + 1 + 6 + 6 + 2, first.get(Change.CREATED), first::toString);
            assertEquals(List.of(), store.objectDifferences(control.snapshot(), org.id()));
            assertEquals(org.id(), s(store.item(Keys.directoryPk(dir.id()), Keys.DIRECTORY_META_SK), "organizationId"),
                    "upsertDirectory keeps the directory index");

            store.calls.reset();
            Map<Change, Integer> second = reconcile(workos, org.id());
            assertEquals(Map.of(Change.UNCHANGED, first.get(Change.CREATED)), second);
            assertEquals(first.get(Change.CREATED), store.calls.total(), "one call per unchanged object: " + store.calls.operations());
        }
    }

    @Test
    void changesInWorkOsAreReportedAsUpdatesAndDeletes() {
        try (WorkOsEmulator workos = WorkOsEmulator.builder().seed(12).start()) {
            EmulatorControl control = workos.control();
            var org = control.createOrganization("Changing Inc.", DomainSpec.verified("changing.test"));
            var dir = control.createDirectory(org.id(), "okta scim v2.0", "Changing Directory", "linked");
            var group = control.createGroup(dir.id(), "Team");
            List<Snapshot.User> users = control.addUsers(dir.id(), 4);
            reconcile(workos, org.id());
            assertEquals(4, n(store.item(Keys.orgPk(org.id()), Keys.directorySk(dir.id())), "userCount"));

            control.deleteUser(users.get(0).id());
            control.updateUser(users.get(1).id(), UserUpdate.name("Renamed", "Person"));
            control.renameGroup(group.id(), "Squad");
            Map<Change, Integer> counts = reconcile(workos, org.id());
            assertEquals(1, counts.get(Change.DELETED), counts::toString);
            assertEquals(2, counts.get(Change.UPDATED), counts::toString);
            assertEquals(List.of(), store.objectDifferences(control.snapshot(), org.id()));
            assertEquals(3, n(store.item(Keys.orgPk(org.id()), Keys.directorySk(dir.id())), "userCount"));
        }
    }

    @Test
    void theEventsApiReplaysToTheSameStateAndASecondReplayIsAllDuplicates() {
        try (WorkOsEmulator workos = WorkOsEmulator.builder().seed(13).start()) {
            OrganizationHistory history = OrganizationHistory.play(workos.control(), 12, new Random(13), () -> { });
            String names = String.join(",", io.gatekeep.shared.projection.WorkOsEventType.NAMES);
            List<JsonNode> events = list(workos, "/events", Map.of("events", names, "organization_id", history.organizationId()));
            assertEquals(workos.control().events().size(), events.size());
            for (JsonNode event : events) {
                assertTrue(projection.apply(WorkOsEvent.of(event)).status() != ApplyOutcome.Status.DUPLICATE);
            }
            assertEquals(List.of(), store.differences(workos.control().snapshot(), workos.control().events(),
                    history.organizationId()));
            for (JsonNode event : events) {
                assertEquals(ApplyOutcome.Status.DUPLICATE, projection.apply(WorkOsEvent.of(event)).status());
            }
        }
    }

    @Test
    void eachWriteSaysWhatItChanged() {
        String org = "org_01HRECONCILE0000000000001";
        String dir = "directory_01HRECONCILE000000000001";
        ObjectNode user = Json.object().put("object", "directory_user").put("id", "directory_user_r1").put("directory_id", dir)
                .put("organization_id", org).put("email", "rae@reconcile.test").put("state", "active")
                .put("updated_at", "2026-05-01T10:00:00.000Z");
        assertEquals(Change.CREATED, projection.upsertUser(user));
        assertEquals(Change.UNCHANGED, projection.upsertUser(user));
        assertEquals(Change.UNCHANGED, projection.upsertUser(user.deepCopy().put("updated_at", "2026-05-01T09:00:00.000Z")));
        assertEquals(Change.UPDATED, projection.upsertUser(user.deepCopy().put("state", "inactive")
                .put("updated_at", "2026-05-01T11:00:00.000Z")));
        var dirItem = store.item(Keys.orgPk(org), Keys.directorySk(dir));
        assertEquals(1, n(dirItem, "userCount"));
        assertNull(s(dirItem, "lastSyncAt"), "a snapshot is not a sync");

        // a delete as of a time before the stored update leaves the newer object alone
        assertEquals(Change.UNCHANGED, projection.deleteUser(org, dir, "directory_user_r1", Instant.parse("2026-05-01T10:30:00Z")));
        assertEquals(Change.DELETED, projection.deleteUser(org, dir, "directory_user_r1", Instant.parse("2026-05-01T12:00:00Z")));
        assertEquals(Change.UNCHANGED, projection.deleteUser(org, dir, "directory_user_r1", Instant.parse("2026-05-01T13:00:00Z")));
        assertEquals(Change.UNCHANGED, projection.upsertUser(user.deepCopy().put("updated_at", "2026-05-01T11:30:00.000Z")),
                "the tombstone holds");
        assertEquals(0, n(store.item(Keys.orgPk(org), Keys.directorySk(dir)), "userCount"));

        Instant t1 = Instant.parse("2026-05-01T10:00:00Z");
        Instant t2 = Instant.parse("2026-05-01T11:00:00Z");
        assertEquals(Change.UNCHANGED, projection.setMembership(dir, "directory_user_r2", "directory_group_r", false, t1),
                "not a member and never one: nothing to write");
        assertNull(store.item(Keys.directoryPk(dir), Keys.memberSk("directory_user_r2", "directory_group_r")));
        assertEquals(Change.CREATED, projection.setMembership(dir, "directory_user_r2", "directory_group_r", true, t1));
        assertEquals(Change.UNCHANGED, projection.setMembership(dir, "directory_user_r2", "directory_group_r", true, t2));
        assertEquals(Change.DELETED, projection.setMembership(dir, "directory_user_r2", "directory_group_r", false, t2));
        assertEquals(Change.UNCHANGED, projection.setMembership(dir, "directory_user_r2", "directory_group_r", true, t1),
                "older than the stored change");
        assertFalse(flag(store.item(Keys.directoryPk(dir), Keys.memberSk("directory_user_r2", "directory_group_r")), "member"));

        assertThrows(IllegalArgumentException.class, () -> projection.upsertUser(user.deepCopy().without("organization_id")));
        assertThrows(IllegalArgumentException.class, () -> projection.upsertUser(user.deepCopy().without("updated_at")));
        assertThrows(IllegalArgumentException.class, () -> projection.upsertUser(user.deepCopy().put("id", "bad#id")));

        assertEquals(Change.CREATED, projection.upsertDirectory(Json.object().put("id", dir).put("organization_id", org)
                .put("state", "linked").put("type", "okta scim v2.0").put("name", "R").put("updated_at", "2026-05-01T08:00:00.000Z")));
        assertEquals(0, n(store.item(Keys.orgPk(org), Keys.directorySk(dir)), "userCount"), "the counters survive the directory write");
        assertTrue(projection.organizationOfDirectory(dir).filter(org::equals).isPresent());
        assertTrue(projection.organizationOfDirectory("directory_unknown").isEmpty());
    }
}
