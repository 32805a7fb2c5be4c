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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What needs someone's attention in an organization right now, computed from its projection (one
 * read of its partition) and a clock: a pure function, so the stream, the schedule and tests get the
 * same answer for the same facts and time. Titles name dates, not "N days", so an item changes only
 * when something about it really does; {@link #nextChange} says when time alone will change the answer.
 */
public final class Conditions {
    /** Setup with no change for this long has stalled. */
    public static final Duration STALLED_AFTER = Duration.ofDays(7);
    /** Days before a certificate's expiry at which its stage changes (90: it opens; 30, 7, 1: reminders). */
    static final List<Integer> CERTIFICATE_DAYS = List.of(90, 30, 7, 1);

    /** Failed SSO sign-ins through one active connection in one clock hour that open an item (SSO_FAILURE_THRESHOLD). */
    public static final int DEFAULT_SIGN_IN_FAILURE_THRESHOLD = 5;

    private static final Guide GUIDE = Guide.load();

    private Conditions() {}

    public static List<Condition> of(OrganizationView view, Instant now) {
        return of(view, now, DEFAULT_SIGN_IN_FAILURE_THRESHOLD);
    }

    /**
     * {@code threshold}: failed SSO sign-ins through an active connection within one clock hour (this
     * hour or the one before) that make a wave worth telling someone about.
     */
    public static List<Condition> of(OrganizationView view, Instant now, int threshold) {
        List<Condition> conditions = new ArrayList<>();
        for (Connection c : view.connections()) {
            if (c.active()) {
                certificate(c, now, conditions::add);
                signInFailures(view, c, now, threshold, conditions::add);
            } else if (setupState(c)) {
                Instant since = lastChange(c.updatedAt(), c.createdAt());
                if (stalled(since, now)) {
                    conditions.add(new Condition(AttentionKind.SETUP_STALLED, "connection", c.id(), c.name(), c.state(),
                            "SSO setup of " + name(c.name(), c.id()) + " has been " + badge(c.state()) + " since " + day(since),
                            Map.of("state", c.state(), "since", Times.iso(since)),
                            step(c.state().equals("draft") ? "connection_draft" : "connection_validating",
                                    GUIDE.docUrlForConnection(c.connectionType()), Guide.INTENT_SSO)));
                }
            }
        }
        for (Domain d : view.domains()) {
            if ("failed".equals(d.state())) {
                conditions.add(new Condition(AttentionKind.DOMAIN_VERIFICATION_FAILED, "domain", d.id(), d.domain(), "failed",
                        "Verification of " + name(d.domain(), d.id()) + " failed", Map.of("state", "failed"),
                        step("domain_not_verified", null, Guide.INTENT_DOMAIN_VERIFICATION)));
            } else if ("pending".equals(d.state())) {
                Instant since = Times.parseOrNull(d.updatedAt());
                if (stalled(since, now)) {
                    conditions.add(new Condition(AttentionKind.SETUP_STALLED, "domain", d.id(), d.domain(), "pending",
                            "Verification of " + name(d.domain(), d.id()) + " has been pending since " + day(since),
                            Map.of("state", "pending", "since", Times.iso(since)),
                            step("domain_not_verified", null, Guide.INTENT_DOMAIN_VERIFICATION)));
                }
            }
        }
        for (Directory d : view.directories()) {
            if (broken(d)) {
                conditions.add(new Condition(AttentionKind.DIRECTORY_BROKEN, "directory", d.id(), d.name(), d.state(),
                        "Directory Sync for " + name(d.name(), d.id()) + (d.state().equals("unlinked")
                                ? " is unlinked: users and groups no longer sync"
                                : " has invalid credentials: users and groups no longer sync"),
                        d.lastSyncAt() != null ? Map.of("state", d.state(), "lastSyncAt", d.lastSyncAt()) : Map.of("state", d.state()),
                        step(d.state().equals("unlinked") ? "directory_not_linked" : "scim_unauthorized",
                                GUIDE.docUrlForDirectory(d.directoryType()), Guide.INTENT_DSYNC)));
            } else if (setupState(d)) {
                Instant since = lastChange(d.updatedAt(), d.createdAt());
                if (stalled(since, now)) {
                    conditions.add(new Condition(AttentionKind.SETUP_STALLED, "directory", d.id(), d.name(), d.state(),
                            "Directory Sync setup of " + name(d.name(), d.id()) + " has been " + d.state() + " since " + day(since),
                            Map.of("state", d.state(), "since", Times.iso(since)),
                            step("directory_not_linked", GUIDE.docUrlForDirectory(d.directoryType()), Guide.INTENT_DSYNC)));
                }
            }
        }
        return List.copyOf(conditions);
    }

    /**
     * The first moment after {@code now} at which time alone changes what {@link #of} answers or a
     * reminder falls due: a certificate stage boundary, a setup reaching 7 days without change, the
     * next reminder of an open item. Null when nothing will (the organization needs no wake-up).
     */
    public static Instant nextChange(OrganizationView view, Instant now) {
        List<Instant> candidates = new ArrayList<>();
        for (Connection c : view.connections()) {
            Instant expiresAt = Times.parseOrNull(c.certificateExpiresAt());
            if (c.active() && expiresAt != null) {
                for (int days : CERTIFICATE_DAYS) {
                    candidates.add(expiresAt.minus(Duration.ofDays(days)));
                }
                candidates.add(expiresAt);
            } else if (setupState(c)) {
                candidates.add(plusStall(lastChange(c.updatedAt(), c.createdAt())));
            }
        }
        for (Domain d : view.domains()) {
            if ("pending".equals(d.state())) {
                candidates.add(plusStall(Times.parseOrNull(d.updatedAt())));
            }
        }
        for (Directory d : view.directories()) {
            if (!broken(d) && setupState(d)) {
                candidates.add(plusStall(lastChange(d.updatedAt(), d.createdAt())));
            }
        }
        String thisHour = hour(now);
        String lastHour = hour(now.minus(Duration.ofHours(1)));
        boolean counting = view.attention().signInFailures().stream()
                .anyMatch(f -> f.hour().equals(thisHour) || f.hour().equals(lastHour));
        if (counting) {
            candidates.add(now.truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(Duration.ofHours(1))); // a count ages out
        }
        for (AttentionItem item : view.attention().items()) {
            Instant last = Times.parseOrNull(item.lastNoticeAt());
            if (item.open() && item.kind().reminderEvery() != null && last != null) {
                candidates.add(last.plus(item.kind().reminderEvery()));
            }
        }
        return candidates.stream().filter(t -> t != null && t.isAfter(now)).min(Instant::compareTo).orElse(null);
    }

    /**
     * Within 90 days (or WorkOS asked for renewal): stage {@code 90}; within 30, 7, 1 days: that
     * stage; past the expiry: {@code expired}.
     */
    private static void certificate(Connection c, Instant now, Consumer<Condition> out) {
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
            facts.put("expiresAt", Times.iso(expiresAt));
            title = "The SAML certificate of " + name(c.name(), c.id()) + ("expired".equals(stage) ? " expired on " : " expires on ")
                    + day(expiresAt);
        }
        facts.put("renewalRequired", Boolean.toString(c.certificateRenewalRequired()));
        out.accept(new Condition(AttentionKind.CERTIFICATE_EXPIRING, "connection", c.id(), c.name(), stage, title, facts,
                step("expired".equals(stage) ? "certificate_expired" : "certificate_expiring",
                        GUIDE.docUrlForConnection(c.connectionType()), Guide.INTENT_CERTIFICATE_RENEWAL)));
    }

    /**
     * A wave of failed sign-ins: the worse of this clock hour's and the last one's count reaches the
     * threshold. It resolves when neither does (at the latest two hours after the wave).
     */
    private static void signInFailures(OrganizationView view, Connection c, Instant now, int threshold, Consumer<Condition> out) {
        String thisHour = hour(now);
        String lastHour = hour(now.minus(Duration.ofHours(1)));
        AttentionState.SignInFailures worst = view.attention().signInFailures().stream()
                .filter(f -> c.id().equals(f.connectionId()) && (f.hour().equals(thisHour) || f.hour().equals(lastHour)))
                .max(java.util.Comparator.comparingLong(AttentionState.SignInFailures::count)).orElse(null);
        if (worst == null || worst.count() < threshold) {
            return;
        }
        out.accept(new Condition(AttentionKind.SSO_SIGN_IN_FAILURES, "connection", c.id(), c.name(), "threshold",
                worst.count() + " failed SSO sign-ins through " + name(c.name(), c.id()) + " in the hour from "
                        + worst.hour().substring(11, 13) + ":00 UTC on " + worst.hour().substring(0, 10),
                Map.of("failures", Long.toString(worst.count()), "hour", worst.hour(), "threshold", Integer.toString(threshold)),
                signInFailureStep(c)));
    }

    /** The clock hour of an instant as the sign-in failure counts name it: {@code yyyy-MM-ddTHH} (UTC). */
    public static String hour(Instant instant) {
        return Times.iso(instant).substring(0, 13);
    }

    /** The certificate stage at {@code now}, or null when it expires more than 90 days out. */
    static String stage(Instant expiresAt, Instant now) {
        if (!expiresAt.isAfter(now)) {
            return "expired";
        }
        String stage = null;
        for (int days : CERTIFICATE_DAYS) {
            if (!expiresAt.isAfter(now.plus(Duration.ofDays(days)))) {
                stage = Integer.toString(days);
            }
        }
        return stage;
    }

    /** A directory that synced before and no longer does (SCIM token revoked: {@code invalid_credentials}). */
    private static boolean broken(Directory d) {
        return "invalid_credentials".equals(d.state()) || ("unlinked".equals(d.state()) && d.lastSyncAt() != null);
    }

    private static boolean setupState(Connection c) {
        return "draft".equals(c.state()) || "validating".equals(c.state());
    }

    /** A directory being set up: never synced, not linked yet. */
    private static boolean setupState(Directory d) {
        return d.lastSyncAt() == null && ("unlinked".equals(d.state()) || "validating".equals(d.state()));
    }

    private static boolean stalled(Instant since, Instant now) {
        return since != null && !since.plus(STALLED_AFTER).isAfter(now);
    }

    private static Instant plusStall(Instant since) {
        return since == null ? null : since.plus(STALLED_AFTER);
    }

    private static Instant lastChange(String updatedAt, String createdAt) {
        Instant since = Times.parseOrNull(updatedAt);
        return since != null ? since : Times.parseOrNull(createdAt);
    }

    /** The guide's step for the connection's last failure (WorkOS's {@code error.code} and {@code message}); null when it names no row. */
    private static NextStep signInFailureStep(Connection c) {
        var failure = c.signIns().lastFailure();
        return failure == null ? null : GUIDE.signInFailureStep(failure.code(), failure.message(), c.connectionType());
    }

    /** The guide's step in the words the Identity integrations page shows (its fix names the page's button). */
    private static NextStep step(String advice, String docUrl, String intent) {
        Guide.Advice a = GUIDE.nextStepWords(advice);
        return new NextStep(a.problem(), a.cause(), a.fix(), docUrl, intent);
    }

    /** The day, as people read it in a notice (UTC). */
    private static String day(Instant instant) {
        return Times.iso(instant).substring(0, 10);
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
