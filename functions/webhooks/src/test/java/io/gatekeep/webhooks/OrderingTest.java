package io.gatekeep.webhooks;

import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.gatekeep.webhooks.WebhookFixture.flag;
import static io.gatekeep.webhooks.WebhookFixture.n;
import static io.gatekeep.webhooks.WebhookFixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WorkOS retries, duplicates and reorders: whatever the order and however often each event
 * arrives, the projection ends as the last change says, tombstones hold, and the directory
 * counters are exact.
 */
class OrderingTest {
    static final String ORG = "org_01HORDER00000000000000001";
    static final String DIR = "directory_01HORDER0000000000000001";
    static final String CONN = "conn_01HORDER000000000000000001";

    private final WebhookFixture webhooks = new WebhookFixture();

    static String at(int second) {
        return String.format("2026-04-01T09:%02d:%02d.000Z", second / 60, second % 60);
    }

    static Payloads user(String name, String eventId, String userId, int second, String firstName) {
        return Payloads.event(name).id(eventId).at(at(second)).data("id", userId).data("directory_id", DIR)
                .data("organization_id", ORG).data("first_name", firstName).data("email", userId + "@order.test")
                .data("updated_at", at(second));
    }

    static Payloads group(String name, String eventId, String groupId, int second) {
        return Payloads.event(name).id(eventId).at(at(second)).data("id", groupId).data("directory_id", DIR)
                .data("organization_id", ORG).data("name", groupId).data("updated_at", at(second));
    }

    static Payloads membership(boolean added, String eventId, String userId, String groupId, int second) {
        return Payloads.event(added ? "dsync.group.user_added" : "dsync.group.user_removed").id(eventId).at(at(second))
                .data("directory_id", DIR).data("user.id", userId).data("user.directory_id", DIR)
                .data("user.organization_id", ORG).data("group.id", groupId).data("group.directory_id", DIR)
                .data("group.organization_id", ORG);
    }

    private String status(Payloads payload) {
        var response = webhooks.deliver(payload);
        assertEquals(200, response.status(), response::toString);
        return response.text("status") + (response.text("reason") == null ? "" : "/" + response.text("reason"));
    }

    private Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> directory() {
        return webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR));
    }

    private Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> userItem(String userId) {
        return webhooks.item(Keys.directoryPk(DIR), Keys.userSk(userId));
    }

    @Test
    void anUpdateBeforeItsCreateKeepsTheUpdateAndCountsOnce() {
        assertEquals("applied", status(user("dsync.user.updated", "ev_u2", "directory_user_a", 2, "Newer")));
        assertEquals(1, n(directory(), "userCount"));
        assertEquals("ignored/stale", status(user("dsync.user.created", "ev_u1", "directory_user_a", 1, "Older")));
        assertEquals("Newer", s(userItem("directory_user_a"), "firstName"));
        assertEquals(at(2), s(userItem("directory_user_a"), "updatedAt"));
        assertEquals(1, n(directory(), "userCount"));
        assertEquals(2, webhooks.audit(ORG).size(), "the stale event is still in the audit log");
    }

    @Test
    void aTombstoneHoldsAgainstLateUpdatesAndCreates() {
        assertEquals("applied", status(user("dsync.user.created", "ev_c", "directory_user_b", 1, "Ada")));
        assertEquals("applied", status(user("dsync.user.deleted", "ev_d", "directory_user_b", 3, "Ada")));
        assertEquals("ignored/deleted", status(user("dsync.user.updated", "ev_u", "directory_user_b", 2, "Late")));
        assertEquals("duplicate", status(user("dsync.user.created", "ev_c", "directory_user_b", 1, "Ada")));
        var item = userItem("directory_user_b");
        assertTrue(flag(item, "deleted"));
        assertEquals("Ada", s(item, "firstName"));
        assertEquals(0, n(directory(), "userCount"));

        // a delete that arrives first leaves a tombstone the create cannot pass
        assertEquals("applied", status(user("dsync.user.deleted", "ev_d2", "directory_user_c", 3, "Bo")));
        assertEquals("ignored/deleted", status(user("dsync.user.created", "ev_c2", "directory_user_c", 1, "Bo")));
        assertEquals(0, n(directory(), "userCount"));
    }

    @Test
    void membershipChangesEndAsTheLastOneSaysInAnyOrder() {
        assertEquals("applied", status(membership(false, "ev_rm", "directory_user_m", "directory_group_m", 5)));
        assertEquals("ignored/stale", status(membership(true, "ev_add", "directory_user_m", "directory_group_m", 4)));
        var member = webhooks.item(Keys.directoryPk(DIR), Keys.memberSk("directory_user_m", "directory_group_m"));
        assertFalse(flag(member, "member"));
        assertEquals(at(5), s(member, "changedAt"));
        // re-added later: the newer add wins, the old duplicates change nothing
        assertEquals("applied", status(membership(true, "ev_add2", "directory_user_m", "directory_group_m", 9)));
        assertEquals("duplicate", status(membership(false, "ev_rm", "directory_user_m", "directory_group_m", 5)));
        assertTrue(flag(webhooks.item(Keys.directoryPk(DIR), Keys.memberSk("directory_user_m", "directory_group_m")), "member"));
    }

    @Test
    void lastSyncIsTheLatestAppliedDirectoryEventWhateverTheOrder() {
        status(user("dsync.user.created", "ev_s3", "directory_user_s", 30, "A"));
        status(group("dsync.group.created", "ev_s1", "directory_group_s", 10));
        status(membership(true, "ev_s2", "directory_user_s", "directory_group_s", 20));
        assertEquals(at(30), s(directory(), "lastSyncAt"));
        assertEquals(1, n(directory(), "userCount"));
        assertEquals(1, n(directory(), "groupCount"));
        // a stale event does not count as a sync either
        status(user("dsync.user.updated", "ev_s0", "directory_user_s", 25, "Stale"));
        assertEquals(at(30), s(directory(), "lastSyncAt"));
    }

    @Test
    void connectionStateAndCertificateFollowTheirOwnClocks() {
        var activated = Payloads.event("connection.activated").id("ev_ca").at(at(10)).data("id", CONN)
                .data("organization_id", ORG).data("connection_type", "AzureSAML").data("state", "active")
                .data("updated_at", at(10));
        var deactivated = Payloads.event("connection.deactivated").id("ev_cd").at(at(20)).data("id", CONN)
                .data("organization_id", ORG).data("connection_type", "AzureSAML").data("state", "inactive")
                .data("updated_at", at(20));
        var required = Payloads.event("connection.saml_certificate_renewal_required").id("ev_cr").at(at(5))
                .data("connection.id", CONN).data("connection.organization_id", ORG)
                .data("certificate.expiry_date", "2026-05-01T00:00:00.000Z");
        var renewed = Payloads.event("connection.saml_certificate_renewed").id("ev_cn").at(at(15))
                .data("connection.id", CONN).data("connection.organization_id", ORG)
                .data("certificate.expiry_date", "2027-04-01T00:00:00.000Z");

        assertEquals("applied", status(renewed));
        assertEquals("ignored/stale", status(required), "the renewal after it already cleared the flag");
        assertEquals("applied", status(deactivated));
        assertEquals("ignored/stale", status(activated));
        var conn = webhooks.item(Keys.orgPk(ORG), Keys.connectionSk(CONN));
        assertEquals("inactive", s(conn, "state"));
        assertFalse(flag(conn, "certificateRenewalRequired"));
        assertEquals("2027-04-01T00:00:00.000Z", s(conn, "certificateExpiresAt"));
        assertEquals("AzureSAML", s(conn, "connectionType"));
    }

    @Test
    void aCertificateEventBeforeItsConnectionIsKeptForIt() {
        status(Payloads.event("connection.saml_certificate_renewal_required").id("ev_early_cert").at(at(5))
                .data("connection.id", CONN).data("connection.organization_id", ORG)
                .data("certificate.expiry_date", "2026-05-01T00:00:00.000Z"));
        var conn = webhooks.item(Keys.orgPk(ORG), Keys.connectionSk(CONN));
        assertNull(s(conn, "state"), "not a connection yet: health skips items without a state");
        status(Payloads.event("connection.activated").id("ev_late_conn").at(at(3)).data("id", CONN)
                .data("organization_id", ORG).data("state", "active").data("updated_at", at(3)));
        conn = webhooks.item(Keys.orgPk(ORG), Keys.connectionSk(CONN));
        assertEquals("active", s(conn, "state"));
        assertTrue(flag(conn, "certificateRenewalRequired"));
    }

    @Test
    void eventsOfADeletedDirectoryAreIgnored() {
        status(Payloads.event("dsync.activated").id("ev_da").at(at(1)).data("id", DIR).data("organization_id", ORG)
                .data("updated_at", at(1)));
        status(user("dsync.user.created", "ev_du1", "directory_user_d", 2, "Kept"));
        status(Payloads.event("dsync.deleted").id("ev_dd").at(at(5)).data("id", DIR).data("organization_id", ORG)
                .data("updated_at", at(5)));
        assertEquals("ignored/deleted", status(user("dsync.user.created", "ev_du2", "directory_user_e", 3, "Late")));
        assertEquals("ignored/deleted", status(membership(true, "ev_dm", "directory_user_d", "directory_group_d", 4)));
        assertEquals("ignored/deleted", status(Payloads.event("dsync.activated").id("ev_da2").at(at(4)).data("id", DIR)
                .data("organization_id", ORG).data("updated_at", at(4))));
        assertNull(userItem("directory_user_e"));
        assertTrue(flag(directory(), "deleted"));
        assertEquals(1, n(directory(), "userCount"));
    }

    @Test
    void anUpdateWithTheSameUpdatedAtIsNotNewer() {
        var created = Payloads.event("organization.created").id("ev_oc").at(at(2)).data("id", ORG).data("name", "Order")
                .data("updated_at", at(1));
        assertEquals("applied", status(created));
        var updated = Payloads.event("organization.updated").id("ev_ou").at(at(3)).data("id", ORG).data("name", "Order")
                .data("updated_at", at(1));
        assertEquals("ignored/stale", status(updated), "same updated_at: nothing newer to write");
    }

    /**
     * Many users and groups with full lifecycles; every event delivered one to three times, the
     * whole lot shuffled: the end state and the counters equal those of in-order delivery.
     */
    @Test
    void shuffledDuplicatedHistoriesEndExactlyAsInOrder() {
        for (long seed : new long[] {1, 2, 3}) {
            WebhookFixture fresh = new WebhookFixture();
            Random random = new Random(seed);
            List<Payloads> history = new ArrayList<>();
            Map<String, Boolean> alive = new HashMap<>();
            Map<String, Boolean> member = new HashMap<>();
            int t = 0;
            int id = 0;
            List<String> groups = List.of("directory_group_g1", "directory_group_g2");
            for (String g : groups) {
                history.add(group("dsync.group.created", "ev_" + (++id), g, ++t));
            }
            for (int u = 0; u < 8; u++) {
                String userId = "directory_user_" + u;
                history.add(user("dsync.user.created", "ev_" + (++id), userId, ++t, "U" + u));
                alive.put(userId, true);
                if (random.nextBoolean()) {
                    history.add(user("dsync.user.updated", "ev_" + (++id), userId, ++t, "U" + u + "b"));
                }
                String g = groups.get(random.nextInt(groups.size()));
                history.add(membership(true, "ev_" + (++id), userId, g, ++t));
                member.put(userId + "#" + g, true);
                if (random.nextInt(3) == 0) {
                    history.add(membership(false, "ev_" + (++id), userId, g, ++t));
                    member.put(userId + "#" + g, false);
                }
                if (random.nextInt(3) == 0) {
                    history.add(user("dsync.user.deleted", "ev_" + (++id), userId, ++t, "U" + u));
                    alive.put(userId, false);
                }
            }
            history.add(group("dsync.group.deleted", "ev_" + (++id), "directory_group_g2", ++t));

            List<Payloads> deliveries = new ArrayList<>();
            for (Payloads p : history) {
                int copies = 1 + random.nextInt(3);
                for (int c = 0; c < copies; c++) {
                    deliveries.add(p);
                }
            }
            Collections.shuffle(deliveries, random);
            for (Payloads p : deliveries) {
                assertEquals(200, fresh.deliver(p).status(), "seed " + seed);
            }

            var dir = fresh.item(Keys.orgPk(ORG), Keys.directorySk(DIR));
            long live = alive.values().stream().filter(b -> b).count();
            assertEquals(live, n(dir, "userCount"), "seed " + seed);
            assertEquals(1, n(dir, "groupCount"), "seed " + seed);
            assertEquals(at(t), s(dir, "lastSyncAt"), "seed " + seed);
            for (var e : alive.entrySet()) {
                assertEquals(!e.getValue(), flag(fresh.item(Keys.directoryPk(DIR), Keys.userSk(e.getKey())), "deleted"),
                        "seed " + seed + " " + e.getKey());
            }
            for (var e : member.entrySet()) {
                String[] ug = e.getKey().split("#");
                assertEquals(e.getValue(), flag(fresh.item(Keys.directoryPk(DIR), Keys.memberSk(ug[0], ug[1])), "member"),
                        "seed " + seed + " " + e.getKey());
            }
            assertEquals(history.size(), fresh.audit(ORG).size(), "one audit entry per event, seed " + seed);
        }
    }
}
