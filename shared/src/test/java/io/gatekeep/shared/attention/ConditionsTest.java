package io.gatekeep.shared.attention;

import io.gatekeep.shared.Times;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.org.OrganizationView.Connection;
import io.gatekeep.shared.org.OrganizationView.Directory;
import io.gatekeep.shared.org.OrganizationView.Domain;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.org.OrganizationView.Organization;
import io.gatekeep.shared.projection.RoleMapping;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conditions and the transition plan as pure functions of the projection and a clock: boundaries and cadence. */
class ConditionsTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Organization ORG = new Organization("org_1", "Acme", List.of("it@acme.test"), new Entitlements(true, true), null, null, null);

    @Test
    void certificateStagesHaveTheirBoundariesAtExactly90_30_7And1DaysLeft() {
        assertNull(Conditions.stage(NOW.plus(Duration.ofDays(90)).plusMillis(1), NOW));
        assertEquals("90", Conditions.stage(NOW.plus(Duration.ofDays(90)), NOW));
        assertEquals("90", Conditions.stage(NOW.plus(Duration.ofDays(30)).plusMillis(1), NOW));
        assertEquals("30", Conditions.stage(NOW.plus(Duration.ofDays(30)), NOW));
        assertEquals("7", Conditions.stage(NOW.plus(Duration.ofDays(7)), NOW));
        assertEquals("1", Conditions.stage(NOW.plus(Duration.ofDays(1)), NOW));
        assertEquals("1", Conditions.stage(NOW.plusMillis(1), NOW));
        assertEquals("expired", Conditions.stage(NOW, NOW));
    }

    @Test
    void onlyActiveConnectionsCertificatesCountAndTheRenewalFlagAloneOpensOne() {
        String soon = Times.iso(NOW.plus(Duration.ofDays(10)));
        var view = view(List.of(
                connection("conn_active", "active", soon, false),
                connection("conn_inactive", "inactive", soon, false),
                connection("conn_flag", "active", null, true),
                connection("conn_far", "active", Times.iso(NOW.plus(Duration.ofDays(200))), false)), List.of(), List.of());
        List<Condition> conditions = Conditions.of(view, NOW);
        assertEquals(List.of("certificate_expiring#conn_active", "certificate_expiring#conn_flag"),
                conditions.stream().map(Condition::key).toList());
        assertEquals("30", conditions.get(0).stage());
        assertEquals(soon, conditions.get(0).facts().get("expiresAt"));
        assertEquals("The SAML certificate of Okta SAML expires on 2026-06-11", conditions.get(0).title());
        assertEquals("90", conditions.get(1).stage());
        assertTrue(conditions.get(1).title().endsWith("needs renewal"));
    }

    @Test
    void setupStallsAfterExactlySevenDaysWithoutChange() {
        String sevenDaysAgo = Times.iso(NOW.minus(Duration.ofDays(7)));
        String almost = Times.iso(NOW.minus(Duration.ofDays(7)).plusSeconds(1));
        var view = view(List.of(connection("conn_draft", "draft", null, false, sevenDaysAgo),
                        connection("conn_validating", "validating", null, false, almost)),
                List.of(new Domain("dom_1", "acme.test", "pending", "dns", sevenDaysAgo),
                        new Domain("dom_2", "corp.acme.test", "failed", "dns", almost)),
                List.of(new Directory("dir_new", "SCIM", "okta scim v2.0", "unlinked", null, sevenDaysAgo, sevenDaysAgo, null, 0, 0),
                        new Directory("dir_revoked", "SCIM", "okta scim v2.0", "invalid_credentials", null, almost, almost, almost, 5, 1),
                        new Directory("dir_was_linked", "SCIM", "okta scim v2.0", "unlinked", null, almost, almost, almost, 5, 1)));
        List<String> keys = Conditions.of(view, NOW).stream().map(Condition::key).toList();
        assertEquals(List.of("setup_stalled#conn_draft", "setup_stalled#dom_1", "domain_verification_failed#dom_2",
                "setup_stalled#dir_new", "directory_broken#dir_revoked", "directory_broken#dir_was_linked"), keys);
    }

    @Test
    void planOpensOnceRemindsAtTheCadenceAndResolvesOnce() {
        String soon = Times.iso(NOW.plus(Duration.ofDays(40)));
        List<AttentionItem> stored = new ArrayList<>();
        Instant t = NOW;
        List<String> notices = new ArrayList<>();
        for (int day = 0; day <= 45; day++, t = t.plus(Duration.ofDays(1))) {
            var view = new OrganizationView(ORG, List.of(), List.of(connection("conn_1", "active", day < 45 ? soon : null, false)),
                    List.of(), RoleMapping.NONE, new AttentionState(stored, null, List.of()));
            for (Attention.Step step : Attention.plan(view, Conditions.of(view, t), t)) {
                stored.removeIf(i -> i.key().equals(step.after().key()));
                stored.add(step.after());
                if (step.notice() != null) {
                    notices.add(step.notice().wire() + "@" + step.after().stage());
                }
            }
        }
        // 40 days out: within 90 (opened), then 30, 7, 1 once each, expired (no reminder), then the certificate is gone.
        assertEquals(List.of("opened@90", "reminder@30", "reminder@7", "reminder@1", "resolved@expired"), notices);
    }

    @Test
    void nonCertificateRemindersComeEverySevenDaysAtMost() {
        var domain = new Domain("dom_2", "corp.acme.test", "failed", "dns", Times.iso(NOW));
        List<AttentionItem> stored = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        for (int hour = 0; hour <= 24 * 15; hour += 6) {
            Instant t = NOW.plus(Duration.ofHours(hour));
            var view = new OrganizationView(ORG, List.of(domain), List.of(), List.of(), RoleMapping.NONE, new AttentionState(stored, null, List.of()));
            for (Attention.Step step : Attention.plan(view, Conditions.of(view, t), t)) {
                stored.removeIf(i -> i.key().equals(step.after().key()));
                stored.add(step.after());
                notices.add(step.notice().wire() + "@" + hour / 24);
            }
        }
        assertEquals(List.of("opened@0", "reminder@7", "reminder@14"), notices);
    }

    @Test
    void nextChangeIsTheNextStageBoundaryStallOrReminder() {
        Instant expires = NOW.plus(Duration.ofDays(40));
        var view = view(List.of(connection("conn_1", "active", Times.iso(expires), false),
                connection("conn_draft", "draft", null, false, Times.iso(NOW.minus(Duration.ofDays(2))))), List.of(), List.of());
        assertEquals(NOW.plus(Duration.ofDays(5)), Conditions.nextChange(view, NOW), "the draft stalls first");
        assertEquals(expires.minus(Duration.ofDays(30)), Conditions.nextChange(view, NOW.plus(Duration.ofDays(6))));
        assertEquals(expires, Conditions.nextChange(view, expires.minus(Duration.ofHours(1))));
        assertNull(Conditions.nextChange(view(List.of(), List.of(), List.of()), NOW), "nothing to wake up for");
    }

    @Test
    void aWaveOfFailedSignInsOpensAtTheHourlyThresholdAndResolvesWhenTwoHoursStayUnder() {
        Connection c = connection("conn_1", "active", null, false);
        String hour = Conditions.hour(NOW);
        java.util.function.Function<Long, OrganizationView> withCount = n -> new OrganizationView(ORG, List.of(), List.of(c),
                List.of(), RoleMapping.NONE, new AttentionState(List.of(), null,
                        List.of(new AttentionState.SignInFailures("conn_1", hour, n))));
        assertEquals(List.of(), Conditions.of(withCount.apply(4L), NOW, 5));
        List<Condition> wave = Conditions.of(withCount.apply(5L), NOW, 5);
        assertEquals(List.of("sso_sign_in_failures#conn_1"), wave.stream().map(Condition::key).toList());
        assertEquals("5 failed SSO sign-ins through Okta SAML in the hour from 12:00 UTC on 2026-06-01", wave.get(0).title());
        assertEquals(1, Conditions.of(withCount.apply(5L), NOW.plus(Duration.ofMinutes(90)), 5).size(), "the last hour still counts");
        assertEquals(List.of(), Conditions.of(withCount.apply(5L), NOW.plus(Duration.ofHours(2)), 5));
        assertEquals(Instant.parse("2026-06-01T13:00:00Z"), Conditions.nextChange(withCount.apply(5L), NOW), "the count ages out");
        var inactive = new OrganizationView(ORG, List.of(), List.of(connection("conn_1", "inactive", null, false)), List.of(),
                RoleMapping.NONE, new AttentionState(List.of(), null, List.of(new AttentionState.SignInFailures("conn_1", hour, 50))));
        assertEquals(List.of(), Conditions.of(inactive, NOW, 5), "only an active connection's sign-ins count");
    }

    private static OrganizationView view(List<Connection> connections, List<Domain> domains, List<Directory> directories) {
        return new OrganizationView(ORG, domains, connections, directories, RoleMapping.NONE, AttentionState.NONE);
    }

    private static Connection connection(String id, String state, String expiresAt, boolean renewal) {
        return connection(id, state, expiresAt, renewal, Times.iso(NOW.minus(Duration.ofDays(1))));
    }

    private static Connection connection(String id, String state, String expiresAt, boolean renewal, String updatedAt) {
        return new Connection(id, "Okta SAML", "OktaSAML", state, updatedAt, updatedAt, expiresAt, renewal);
    }
}
