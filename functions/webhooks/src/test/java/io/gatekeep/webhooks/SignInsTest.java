package io.gatekeep.webhooks;

import io.gatekeep.shared.org.ConnectionSignIns;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.gatekeep.webhooks.WebhookFixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sign-ins through SSO and the memberships that give them their role, as WorkOS sends them (payload
 * shapes of WorkOS's OpenAPI spec: workos-events/event.authentication.*.json,
 * event.organization_membership.*.json), signed, through the webhook function, against DynamoDB Local:
 * what each one leaves on the connection, in any order and however often, and the DynamoDB calls each takes.
 */
class SignInsTest {
    static final String ORG = "org_01HSIGNIN0000000000000001";
    static final String CONN = "conn_01HSIGNIN000000000000001";

    private final WebhookFixture webhooks = new WebhookFixture();

    static String at(int second) {
        return String.format("2026-05-01T10:%02d:%02d.000Z", second / 60, second % 60);
    }

    static Payloads connection(boolean active, String eventId, int second) {
        return Payloads.event(active ? "connection.activated" : "connection.deactivated").id(eventId).at(at(second))
                .data("id", CONN).data("organization_id", ORG).data("state", active ? "active" : "inactive")
                .data("updated_at", at(second));
    }

    static Payloads membership(String name, String eventId, String userId, String role, int second) {
        return Payloads.event("organization_membership." + name).id(eventId).at(at(second)).data("id", "om_" + userId)
                .data("user_id", userId).data("organization_id", ORG).data("role.slug", role)
                .data("roles.0.slug", role).data("updated_at", at(second));
    }

    static Payloads succeeded(String eventId, String userId, int second) {
        return Payloads.event("authentication.sso_succeeded").id(eventId).at(at(second)).data("user_id", userId)
                .data("email", userId + "@signin.test").data("sso.organization_id", ORG).data("sso.connection_id", CONN);
    }

    static Payloads failed(String eventId, String userId, int second, String code, String message) {
        return Payloads.event("authentication.sso_failed").id(eventId).at(at(second)).data("user_id", userId)
                .data("email", userId + "@signin.test").data("sso.organization_id", ORG).data("sso.connection_id", CONN)
                .data("error.code", code).data("error.message", message);
    }

    private String status(Payloads payload) {
        var response = webhooks.deliver(payload);
        assertEquals(200, response.status(), response::toString);
        return response.text("status") + (response.text("reason") == null ? "" : "/" + response.text("reason"));
    }

    private List<String> calls(Payloads payload) {
        webhooks.calls.reset();
        status(payload);
        return webhooks.calls.operations();
    }

    private ConnectionSignIns signIns() {
        return ConnectionSignIns.fromItem(webhooks.item(Keys.orgPk(ORG), Keys.connectionSk(CONN)));
    }

    private Map<String, AttributeValue> member(String userId) {
        return webhooks.item(Keys.orgMemberPk(ORG), Keys.userSk(userId));
    }

    @Test
    void anAdminAndAMemberSigningInProveTheirRoles() {
        assertEquals("applied", status(connection(true, "ev_c1", 1)));
        assertEquals(at(1), signIns().activeSince(), "active since its activation");
        assertEquals("applied", status(membership("created", "ev_m1", "user_ada", "admin", 2)));
        assertEquals("admin", s(member("user_ada"), "role"));
        assertEquals("applied", status(succeeded("ev_s1", "user_ada", 3)));
        ConnectionSignIns after = signIns();
        assertEquals(new ConnectionSignIns.SignIn(at(3), "user_ada@signin.test", "user_ada", "admin"), after.admin());
        assertEquals(new ConnectionSignIns.SignIn(at(3), "user_ada@signin.test", "user_ada", null), after.lastSuccess(),
                "the last success says who and when (its role is the proofs')");
        assertNull(after.member(), "no member has signed in yet");

        assertEquals("applied", status(membership("created", "ev_m2", "user_bob", "member", 4)));
        assertEquals("applied", status(succeeded("ev_s2", "user_bob", 5)));
        assertEquals(new ConnectionSignIns.SignIn(at(5), "user_bob@signin.test", "user_bob", "member"), signIns().member());
        assertEquals(at(3), signIns().admin().at(), "the admin's proof stays");

        assertEquals("applied", status(failed("ev_f1", "user_cy", 6, "saml_response_invalid",
                "SAML Audience mismatch: the assertion's audience is not the SP Entity ID.")));
        ConnectionSignIns.Failure failure = signIns().lastFailure();
        assertEquals(at(6), failure.at());
        assertEquals("saml_response_invalid", failure.code());
        assertTrue(failure.message().contains("Audience mismatch"));
        assertEquals(at(5), signIns().lastSuccess().at(), "a failure is not a success");
        assertEquals("SSO sign-in by \"user_cy@signin.test\" failed: SAML Audience mismatch: the assertion's audience is not the SP Entity ID.",
                webhooks.audit(ORG).getLast().summary());
    }

    @Test
    void aSignInBeforeItsMembershipWaitsForTheRoleAndIsCountedOnce() {
        status(connection(true, "ev_c1", 1));
        assertEquals(List.of("TransactGetItems", "TransactWriteItems"), calls(succeeded("ev_s1", "user_ada", 3)));
        assertNull(signIns().admin(), "its role is not known yet");
        assertEquals(at(3), signIns().lastSuccess().at());
        assertNotNull(member("user_ada").get("pendingSignIns"), "the sign-in waits on the membership item");
        assertEquals("duplicate", status(succeeded("ev_s1", "user_ada", 3)));

        assertEquals(List.of("TransactWriteItems", "TransactWriteItems"), calls(membership("created", "ev_m1", "user_ada", "owner", 2)),
                "the first transaction learns that a sign-in waited, the second credits it");
        assertEquals(new ConnectionSignIns.SignIn(at(3), "user_ada@signin.test", "user_ada", "owner"), signIns().admin(),
                "an owner proves the admin path");
        assertNull(member("user_ada").get("pendingSignIns"));
        assertEquals("duplicate", status(membership("created", "ev_m1", "user_ada", "owner", 2)));
        assertEquals("ignored/stale", status(membership("updated", "ev_m0", "user_ada", "member", 1)), "older than the stored membership");
        assertEquals("owner", s(member("user_ada"), "role"));
    }

    /** What {@code sso_sign_in_failures} reads: failures per connection and clock hour, each event counted once. */
    @Test
    void everyFailedSignInCountsOnceInItsHour() {
        status(connection(true, "ev_c1", 1));
        status(failed("ev_f1", "user_bob", 4, "x", "Signature invalid"));
        assertEquals("duplicate", status(failed("ev_f1", "user_bob", 4, "x", "Signature invalid")), "WorkOS delivers it again");
        assertEquals("ignored/stale", status(failed("ev_f0", "user_bob", 2, "x", "older")),
                "older than the last failure: the connection keeps the newer one");
        status(Payloads.event("authentication.sso_timed_out").id("ev_t1").at(at(5)).data("user_id", "user_cy")
                .data("email", "user_cy@signin.test").data("sso.organization_id", ORG).data("sso.connection_id", CONN)
                .data("error.code", "sso_timed_out").data("error.message", "Timed out"));
        Map<String, AttributeValue> count = webhooks.item(Keys.orgPk(ORG), Keys.signInFailuresSk(CONN, "2026-05-01T10"));
        assertEquals("2", count.get("failures").n(), "two failed sign-ins (a duplicate and a time-out do not count)");
        assertEquals(CONN, s(count, "connectionId"));
        assertEquals("2026-05-01T10", s(count, "hour"));
        assertEquals(java.time.Instant.parse("2026-05-03T10:00:00Z").getEpochSecond(), Long.parseLong(count.get(Keys.TTL).n()),
                "kept two days after its hour");
        status(failed("ev_f2", "user_bob", 0, "x", "Signature invalid").at("2026-05-01T11:01:00.000Z"));
        assertEquals("1", webhooks.item(Keys.orgPk(ORG), Keys.signInFailuresSk(CONN, "2026-05-01T11")).get("failures").n(),
                "the next hour has its own count");
    }

    @Test
    void theCallBudget() {
        status(connection(true, "ev_c1", 1));
        assertEquals(List.of("TransactWriteItems"), calls(membership("created", "ev_m1", "user_ada", "admin", 2)));
        assertEquals(List.of("TransactGetItems", "TransactWriteItems"), calls(succeeded("ev_s1", "user_ada", 3)));
        assertEquals(List.of("TransactWriteItems"), calls(failed("ev_f1", "user_bob", 4, "x", "Signature invalid")));
        assertEquals(List.of("TransactWriteItems", "TransactWriteItems"), calls(failed("ev_f0", "user_bob", 2, "x", "older")),
                "a failure older than the stored one: cancelled, then marker, the hour's failure count and audit entry");
        assertEquals(at(4), signIns().lastFailure().at());
        assertEquals(List.of("TransactWriteItems"), calls(membership("deleted", "ev_m2", "user_ada", "admin", 9)));
        assertEquals(List.of("TransactWriteItems", "TransactWriteItems"), calls(membership("updated", "ev_m3", "user_ada", "admin", 8)),
                "after its deletion: cancelled by the tombstone, then marker and audit entry only");
    }

    @Test
    void aReactivatedConnectionCountsOnlyTheSignInsSinceAndADeletedOneTakesNone() {
        status(connection(true, "ev_c1", 1));
        status(membership("created", "ev_m1", "user_ada", "admin", 2));
        status(succeeded("ev_s1", "user_ada", 3));
        status(connection(false, "ev_c2", 10));
        assertNull(signIns().activeSince());
        status(connection(true, "ev_c3", 20));
        ConnectionSignIns s = signIns();
        assertEquals(at(20), s.activeSince());
        assertEquals(at(3), s.admin().at(), "the proof is kept");
        assertTrue(!s.sinceActive(s.admin()), "but it is older than the last activation");
        status(succeeded("ev_s2", "user_ada", 21));
        assertTrue(signIns().sinceActive(signIns().admin()));

        status(Payloads.event("connection.deleted").id("ev_c4").at(at(30)).data("id", CONN).data("organization_id", ORG)
                .data("updated_at", at(30)));
        assertEquals("ignored/deleted", status(succeeded("ev_s3", "user_ada", 31)));
        assertEquals("ignored/deleted", status(failed("ev_f3", "user_ada", 32, "x", "y")));
    }

    @Test
    void aSignInThatNamesNoConnectionIsRecordedNotLost() {
        assertEquals("ignored/unreadable", status(succeeded("ev_s1", "user_ada", 3).data("sso.connection_id", null)));
        assertEquals(1, webhooks.audit(ORG).size(), "filed under its organization");
    }

    /** Any order, any number of deliveries: the same connection and memberships (roles do not change in this story). */
    @Test
    void anyOrderAndDuplicatesEndTheSame() {
        List<Payloads> story = List.of(
                connection(true, "ev_c1", 1),
                membership("created", "ev_m1", "user_ada", "admin", 2),
                membership("created", "ev_m2", "user_bob", "member", 3),
                membership("updated", "ev_m3", "user_bob", "member", 4),
                succeeded("ev_s1", "user_ada", 5),
                succeeded("ev_s2", "user_bob", 6),
                failed("ev_f1", "user_cy", 7, "c1", "Recipient mismatch"),
                succeeded("ev_s3", "user_ada", 8),
                failed("ev_f2", "user_cy", 9, "c2", "Audience mismatch"),
                succeeded("ev_s4", "user_dee", 10),
                membership("created", "ev_m4", "user_dee", "support", 11));
        for (Payloads p : story) {
            status(p);
        }
        String expected = state();
        assertEquals(at(8), signIns().admin().at());
        assertEquals(at(6), signIns().member().at());
        assertEquals(at(10), signIns().lastSuccess().at());
        assertEquals("Audience mismatch", signIns().lastFailure().message());
        for (int seed = 1; seed <= 8; seed++) {
            WebhookFixture fresh = new WebhookFixture();
            List<Payloads> shuffled = new ArrayList<>(story);
            shuffled.addAll(story.subList(seed % 4, seed % 4 + 4)); // duplicates
            Collections.shuffle(shuffled, new Random(seed));
            for (Payloads p : shuffled) {
                assertEquals(200, fresh.deliver(p).status());
            }
            assertEquals(expected, state(fresh), "seed " + seed);
        }
    }

    private String state() {
        return state(webhooks);
    }

    private static String state(WebhookFixture w) {
        Map<String, AttributeValue> connection = new TreeMap<>(w.item(Keys.orgPk(ORG), Keys.connectionSk(CONN)));
        connection.keySet().removeIf(k -> !k.startsWith("signIn") && !k.startsWith("proven") && !k.equals("activeSince"));
        StringBuilder text = new StringBuilder(connection.toString());
        for (String user : List.of("user_ada", "user_bob", "user_dee")) {
            Map<String, AttributeValue> member = w.item(Keys.orgMemberPk(ORG), Keys.userSk(user));
            text.append('\n').append(user).append(' ').append(s(member, "role")).append(' ').append(s(member, "updatedAt"))
                    .append(' ').append(member.containsKey("pendingSignIns"));
        }
        return text.toString();
    }
}
