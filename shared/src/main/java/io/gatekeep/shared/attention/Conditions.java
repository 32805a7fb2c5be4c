package io.gatekeep.shared.attention;

import io.gatekeep.shared.Times;
import io.gatekeep.shared.guide.Guide;
import io.gatekeep.shared.guide.NextStep;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.org.OrganizationView.Connection;
import io.gatekeep.shared.org.OrganizationView.Directory;
import io.gatekeep.shared.org.OrganizationView.Domain;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What needs someone's attention in an organization right now, computed from its projection (one
 * read of its partition) and a clock: a pure function, so the sweep, the stream and tests get the
 * same answer for the same facts and time.
 */
public final class Conditions {
    /** Setup with no change for this long has stalled. */
    public static final Duration STALLED_AFTER = Duration.ofDays(7);

    private static final Guide GUIDE = Guide.load();

    private Conditions() {}

    public static List<Condition> of(OrganizationView view, Instant now) {
        List<Condition> conditions = new ArrayList<>();
        for (Connection c : view.connections()) {
            if (c.active()) {
                certificate(c, now, conditions);
            } else if ("draft".equals(c.state()) || "validating".equals(c.state())) {
                stalled(c.updatedAt() != null ? c.updatedAt() : c.createdAt(), now, since -> new Condition(
                        AttentionKind.SETUP_STALLED, "connection", c.id(), c.name(), c.state(),
                        "SSO setup of " + name(c.name(), c.id()) + " has been " + badge(c.state()) + " for "
                                + days(since, now) + " days",
                        Map.of("state", c.state(), "since", Times.iso(since)),
                        step(c.state().equals("draft") ? "connection_draft" : "connection_validating",
                                GUIDE.docUrlForConnection(c.connectionType()), Guide.INTENT_SSO)), conditions);
            }
        }
        for (Domain d : view.domains()) {
            if ("failed".equals(d.state())) {
                conditions.add(new Condition(AttentionKind.DOMAIN_VERIFICATION_FAILED, "domain", d.id(), d.domain(), "failed",
                        "Verification of " + name(d.domain(), d.id()) + " failed", Map.of("state", "failed"),
                        step("domain_not_verified", null, Guide.INTENT_DOMAIN_VERIFICATION)));
            } else if ("pending".equals(d.state())) {
                stalled(d.updatedAt(), now, since -> new Condition(AttentionKind.SETUP_STALLED, "domain", d.id(), d.domain(),
                        "pending", "Verification of " + name(d.domain(), d.id()) + " has been pending for " + days(since, now) + " days",
                        Map.of("state", "pending", "since", Times.iso(since)),
                        step("domain_not_verified", null, Guide.INTENT_DOMAIN_VERIFICATION)), conditions);
            }
        }
        for (Directory d : view.directories()) {
            boolean synced = d.lastSyncAt() != null;
            if ("invalid_credentials".equals(d.state()) || ("unlinked".equals(d.state()) && synced)) {
                conditions.add(new Condition(AttentionKind.DIRECTORY_BROKEN, "directory", d.id(), d.name(), d.state(),
                        "Directory Sync for " + name(d.name(), d.id()) + (d.state().equals("unlinked")
                                ? " is unlinked: users and groups no longer sync"
                                : " has invalid credentials: users and groups no longer sync"),
                        synced ? Map.of("state", d.state(), "lastSyncAt", d.lastSyncAt()) : Map.of("state", d.state()),
                        step(d.state().equals("unlinked") ? "directory_not_linked" : "scim_unauthorized",
                                GUIDE.docUrlForDirectory(d.directoryType()), Guide.INTENT_DSYNC)));
            } else if (!synced && ("unlinked".equals(d.state()) || "validating".equals(d.state()))) {
                stalled(d.updatedAt() != null ? d.updatedAt() : d.createdAt(), now, since -> new Condition(
                        AttentionKind.SETUP_STALLED, "directory", d.id(), d.name(), d.state(),
                        "Directory Sync setup of " + name(d.name(), d.id()) + " has been " + d.state() + " for "
                                + days(since, now) + " days",
                        Map.of("state", d.state(), "since", Times.iso(since)),
                        step("directory_not_linked", GUIDE.docUrlForDirectory(d.directoryType()), Guide.INTENT_DSYNC)), conditions);
            }
        }
        return List.copyOf(conditions);
    }

    /**
     * Within 90 days (or WorkOS asked for renewal): stage {@code 90}; within 30, 7, 1 days: that
     * stage; past the expiry: {@code expired}.
     */
    private static void certificate(Connection c, Instant now, List<Condition> out) {
        Instant expiresAt = Times.parseOrNull(c.certificateExpiresAt());
        String stage = expiresAt == null ? null : stage(expiresAt, now);
        if (stage == null && !c.certificateRenewalRequired()) {
            return;
        }
        Map<String, String> facts = new LinkedHashMap<>();
        String title;
        if (expiresAt == null) {
            stage = "90";
            title = "The SAML certificate of " + name(c.name(), c.id()) + " needs renewal";
        } else {
            if (stage == null) {
                stage = "90"; // renewal required, further out than 90 days
            }
            long days = ChronoUnit.DAYS.between(now, expiresAt);
            facts.put("expiresAt", Times.iso(expiresAt));
            facts.put("daysLeft", Long.toString(days));
            title = "expired".equals(stage)
                    ? "The SAML certificate of " + name(c.name(), c.id()) + " expired on " + Times.iso(expiresAt).substring(0, 10)
                    : "The SAML certificate of " + name(c.name(), c.id()) + " expires in " + days + (days == 1 ? " day" : " days");
        }
        facts.put("renewalRequired", Boolean.toString(c.certificateRenewalRequired()));
        out.add(new Condition(AttentionKind.CERTIFICATE_EXPIRING, "connection", c.id(), c.name(), stage, title, facts,
                step("expired".equals(stage) ? "certificate_expired" : "certificate_expiring",
                        GUIDE.docUrlForConnection(c.connectionType()), Guide.INTENT_CERTIFICATE_RENEWAL)));
    }

    /** The certificate stage at {@code now}, or null when it expires more than 90 days out. */
    static String stage(Instant expiresAt, Instant now) {
        if (!expiresAt.isAfter(now)) {
            return "expired";
        }
        for (String days : List.of("1", "7", "30", "90")) {
            if (!expiresAt.isAfter(now.plus(Duration.ofDays(Long.parseLong(days))))) {
                return days;
            }
        }
        return null;
    }

    private static void stalled(String lastChange, Instant now, java.util.function.Function<Instant, Condition> condition,
                                List<Condition> out) {
        Instant since = Times.parseOrNull(lastChange);
        if (since != null && !since.plus(STALLED_AFTER).isAfter(now)) {
            out.add(condition.apply(since));
        }
    }

    private static NextStep step(String advice, String docUrl, String intent) {
        Guide.Advice a = GUIDE.advice(advice);
        return new NextStep(a.problem(), a.cause(), a.fix(), docUrl, intent);
    }

    private static long days(Instant since, Instant now) {
        return ChronoUnit.DAYS.between(since, now);
    }

    private static String badge(String state) {
        return switch (state) {
            case "draft" -> "in Draft";
            case "validating" -> "Validating";
            default -> state;
        };
    }

    private static String name(String name, String id) {
        return name == null || name.isBlank() ? id : name;
    }
}
