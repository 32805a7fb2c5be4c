package io.gatekeep.webhooks;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.gatekeep.webhooks.OrderingTest.DIR;
import static io.gatekeep.webhooks.OrderingTest.ORG;
import static io.gatekeep.webhooks.OrderingTest.at;
import static io.gatekeep.webhooks.OrderingTest.group;
import static io.gatekeep.webhooks.OrderingTest.membership;
import static io.gatekeep.webhooks.OrderingTest.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DynamoDB calls per delivery, counted by the SDK's own pipeline: one TransactWriteItems on the
 * common path (every event name, in order, and duplicates), never more than two on any path.
 */
class CallBudgetTest {
    private final WebhookFixture webhooks = new WebhookFixture();

    private List<String> callsFor(Payloads payload) {
        webhooks.calls.reset();
        var response = webhooks.deliver(payload);
        assertEquals(200, response.status(), response::toString);
        return webhooks.calls.operations();
    }

    /** Every event name, in the order WorkOS emits them: one transaction each. */
    private List<Payloads> story() {
        String conn = "conn_01HBUDGET00000000000000001";
        String domain = "org_domain_01HBUDGET000000000001";
        List<Payloads> story = new ArrayList<>();
        story.add(Payloads.event("organization.created").id("ev_b01").at(at(1)).data("id", ORG).data("updated_at", at(1)));
        story.add(Payloads.event("organization.updated").id("ev_b02").at(at(2)).data("id", ORG).data("updated_at", at(2)));
        story.add(Payloads.event("organization_domain.created").id("ev_b03").at(at(3)).data("id", domain)
                .data("organization_id", ORG).data("updated_at", at(3)));
        story.add(Payloads.event("organization_domain.updated").id("ev_b04").at(at(4)).data("id", domain)
                .data("organization_id", ORG).data("updated_at", at(4)));
        story.add(Payloads.event("organization_domain.verification_failed").id("ev_b05").at(at(5))
                .data("organization_domain.id", domain).data("organization_domain.organization_id", ORG)
                .data("organization_domain.updated_at", at(5)));
        story.add(Payloads.event("organization_domain.verified").id("ev_b06").at(at(6)).data("id", domain)
                .data("organization_id", ORG).data("updated_at", at(6)));
        story.add(Payloads.event("connection.activated").id("ev_b07").at(at(7)).data("id", conn)
                .data("organization_id", ORG).data("updated_at", at(7)));
        story.add(Payloads.event("connection.saml_certificate_renewal_required").id("ev_b08").at(at(8))
                .data("connection.id", conn).data("connection.organization_id", ORG));
        story.add(Payloads.event("connection.saml_certificate_renewed").id("ev_b09").at(at(9))
                .data("connection.id", conn).data("connection.organization_id", ORG));
        story.add(Payloads.event("connection.deactivated").id("ev_b10").at(at(10)).data("id", conn)
                .data("organization_id", ORG).data("updated_at", at(10)));
        story.add(Payloads.event("connection.deleted").id("ev_b11").at(at(11)).data("id", conn)
                .data("organization_id", ORG).data("updated_at", at(11)));
        story.add(Payloads.event("dsync.activated").id("ev_b12").at(at(12)).data("id", DIR)
                .data("organization_id", ORG).data("updated_at", at(12)));
        story.add(group("dsync.group.created", "ev_b13", "directory_group_b", 13));
        story.add(user("dsync.user.created", "ev_b14", "directory_user_b", 14, "Ada"));
        story.add(user("dsync.user.updated", "ev_b15", "directory_user_b", 15, "Ada L."));
        story.add(group("dsync.group.updated", "ev_b16", "directory_group_b", 16));
        story.add(membership(true, "ev_b17", "directory_user_b", "directory_group_b", 17));
        story.add(membership(false, "ev_b18", "directory_user_b", "directory_group_b", 18));
        story.add(user("dsync.user.deleted", "ev_b19", "directory_user_b", 19, "Ada L."));
        story.add(group("dsync.group.deleted", "ev_b20", "directory_group_b", 20));
        story.add(Payloads.event("dsync.deleted").id("ev_b22").at(at(22)).data("id", DIR)
                .data("organization_id", ORG).data("updated_at", at(22)));
        story.add(Payloads.event("organization_domain.deleted").id("ev_b23").at(at(23)).data("id", domain)
                .data("organization_id", ORG).data("updated_at", at(23)));
        story.add(Payloads.event("organization.deleted").id("ev_b24").at(at(24)).data("id", ORG).data("updated_at", at(24)));
        return story;
    }

    @Test
    void theCommonPathIsOneTransactionForEveryEventName() {
        List<Payloads> story = story();
        // sign-ins and memberships have their own budgets (a success reads its role first): SignInsTest.theCallBudget
        assertEquals(io.gatekeep.shared.projection.WorkOsEventType.NAMES.stream()
                        .filter(t -> !t.startsWith("authentication.") && !t.startsWith("organization_membership."))
                        .collect(java.util.stream.Collectors.toSet()),
                story.stream().map(p -> io.gatekeep.shared.Json.parse(p.json()).get("event").asText()).collect(java.util.stream.Collectors.toSet()),
                "one of every event type the projection applies");
        for (Payloads payload : story) {
            assertEquals(List.of("TransactWriteItems"), callsFor(payload), payload.json());
        }
        // a duplicate is found by the same single transaction (its marker condition fails)
        for (Payloads payload : story) {
            assertEquals(List.of("TransactWriteItems"), callsFor(payload), "duplicate of " + payload.json());
        }
    }

    @Test
    void aWrongAssumptionCostsExactlyOneMoreTransaction() {
        // updated before created: the update assumed the user existed
        assertEquals(2, callsFor(user("dsync.user.updated", "ev_w1", "directory_user_w", 10, "B")).size());
        // created after the update: the create assumed the user was new (and the last sync is newer)
        assertEquals(2, callsFor(user("dsync.user.created", "ev_w2", "directory_user_w", 5, "A")).size());
        // deleted, then a late update: tombstoned
        assertEquals(1, callsFor(user("dsync.user.deleted", "ev_w3", "directory_user_w", 20, "B")).size());
        assertEquals(2, callsFor(user("dsync.user.updated", "ev_w4", "directory_user_w", 15, "C")).size());
        // a late membership change
        assertEquals(1, callsFor(membership(true, "ev_w5", "directory_user_w", "directory_group_w", 30)).size());
        assertEquals(2, callsFor(membership(false, "ev_w6", "directory_user_w", "directory_group_w", 25)).size());
    }

    @Test
    void aMembershipWithoutOrganizationReadsTheIndexOnceAndWritesOnce() {
        callsFor(Payloads.event("dsync.activated").id("ev_i1").at(at(1)).data("id", DIR).data("organization_id", ORG)
                .data("updated_at", at(1)));
        var noOrg = membership(true, "ev_i2", "directory_user_i", "directory_group_i", 2)
                .data("user.organization_id", null).data("group.organization_id", null);
        assertEquals(List.of("TransactGetItems", "TransactWriteItems"), callsFor(noOrg));
        // stale, the read told so: still one write (marker and audit entry), no third call
        var stale = membership(false, "ev_i3", "directory_user_i", "directory_group_i", 1)
                .data("user.organization_id", null).data("group.organization_id", null);
        assertEquals(List.of("TransactGetItems", "TransactWriteItems"), callsFor(stale));
        assertEquals(3, webhooks.audit(ORG).size());
        // a user event without its organization: the same, and the counter still moves
        var userNoOrg = user("dsync.user.created", "ev_i4", "directory_user_i", 3, "I").data("organization_id", null);
        assertEquals(List.of("TransactGetItems", "TransactWriteItems"), callsFor(userNoOrg));
        assertEquals(1, WebhookFixture.n(webhooks.item(io.gatekeep.shared.table.Keys.orgPk(ORG),
                io.gatekeep.shared.table.Keys.directorySk(DIR)), "userCount"));
    }

    @Test
    void noDeliveryOfAShuffledDuplicatedHistoryMakesMoreThanTwoCalls() {
        Random random = new Random(7);
        List<Payloads> deliveries = new ArrayList<>();
        for (Payloads p : story()) {
            for (int c = 0; c <= random.nextInt(3); c++) {
                deliveries.add(p);
            }
        }
        for (int u = 0; u < 6; u++) {
            String userId = "directory_user_s" + u;
            deliveries.add(user("dsync.user.created", "ev_s" + u + "c", userId, 40 + u, "S"));
            deliveries.add(user("dsync.user.updated", "ev_s" + u + "u", userId, 50 + u, "S2"));
            deliveries.add(membership(true, "ev_s" + u + "a", userId, "directory_group_b", 60 + u));
            deliveries.add(user("dsync.user.deleted", "ev_s" + u + "d", userId, 70 + u, "S2"));
        }
        Collections.shuffle(deliveries, random);
        int twoCalls = 0;
        for (Payloads p : deliveries) {
            List<String> calls = callsFor(p);
            assertTrue(calls.size() <= 2, calls + " for " + p.json());
            twoCalls += calls.size() == 2 ? 1 : 0;
        }
        assertTrue(twoCalls > 0, "the shuffle must have exercised the second transaction");
    }
}
