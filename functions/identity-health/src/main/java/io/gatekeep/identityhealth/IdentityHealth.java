package io.gatekeep.identityhealth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.attention.Notice;
import io.gatekeep.shared.guide.Guide;
import io.gatekeep.shared.guide.NextStep;
import io.gatekeep.shared.guide.NextSteps;
import io.gatekeep.shared.org.ConnectionSignIns;
import io.gatekeep.shared.org.Entitlements.Entitlement;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.org.OrganizationView.Connection;
import io.gatekeep.shared.org.OrganizationView.Directory;
import io.gatekeep.shared.org.OrganizationView.Domain;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Connection health as the dashboard shows it (openapi.yaml, GET .../identity-health), computed
 * from one read of the organization's partition. Field names are the wire names. {@code attention}:
 * the open attention items (expiring certificates, broken directories, stalled setup, failing
 * sign-ins), oldest first, as the notices function keeps them in the same partition. {@code asOf} is
 * when this answer was computed; {@code checkedAt} when WorkOS's state was last confirmed for the
 * organization (a refresh, the scheduled sweep or a reconcile; null before the first): webhooks keep
 * the rest current in between.
 */
public record IdentityHealth(
        String organizationId,
        Domains domains,
        Sso sso,
        DirectorySync directorySync,
        int itContacts,
        Plan plan,
        List<ObjectNode> attention,
        String asOf,
        String checkedAt) {

    /** WorkOS alerts on SAML certificates that expire within 90 days; so does the dashboard. */
    static final Duration CERTIFICATE_WARNING = Guide.CERTIFICATE_WARNING;

    /** The troubleshooting guide: data files parsed once per JVM (so SnapStart keeps them). */
    private static final Guide GUIDE = Guide.load();

    /** {@code pending} lists every domain not verified yet: WorkOS {@code pending} and {@code failed}. */
    public record Domains(List<String> verified, List<String> pending, String gate) {}

    /**
     * {@code nextStep}: what to do when setup is stuck, in the troubleshooting guide's words (null when
     * nothing is); with an active connection whose last sign-in failed, the guide's fix for WorkOS's reason.
     * {@code signIns}: per active connection, whether SSO is proven; {@code signInTest}: the checklist item
     * "Test sign-in as an admin and as a member"; {@code warnings}: a connection tested by one role only.
     */
    public record Sso(String status, String badge, Summary primaryConnection, int totalConnections,
                      String setupAction, List<String> blockers, Certificate certificate, NextStep nextStep,
                      List<SignInProof> signIns, ChecklistItem signInTest, List<Warning> warnings) {}

    /**
     * Whether SSO works for each role through one active connection: its last successful and failed
     * sign-ins, and the last successful sign-in of an owner or admin and of a member since it last became
     * active ({@code activeSince}; null: not since). {@code proven}: both roles signed in.
     */
    public record SignInProof(String connectionId, String name, String activeSince, ConnectionSignIns.SignIn lastSuccess,
                              Failure lastFailure, TestedByRole testedByRole, boolean proven) {}

    /** A failed sign-in: WorkOS's reason, and the troubleshooting guide's fix for it (null when no row names it). */
    public record Failure(String at, String email, String code, String message, NextStep nextStep) {}

    public record TestedByRole(ConnectionSignIns.SignIn admin, ConnectionSignIns.SignIn member) {}

    public record ChecklistItem(String id, String label, boolean done) {}

    public record Warning(String code, String connectionId, String message) {}

    static final String SIGN_IN_TEST = "Test sign-in as an admin and as a member";

    /** A connection ({@code type} = WorkOS connection_type) or a directory ({@code type} = directory type). */
    public record Summary(String id, String name, String type, String state) {}

    public record Certificate(String expiresAt, Long daysLeft, boolean renewalRequired) {}

    /**
     * {@code roles}: live directory users per product role (role mappings), highest privilege first,
     * from the directories' role counters and the mapping's default role: never from the users.
     * {@code setupAction} and {@code blockers} as for SSO, for the {@code dsync} portal link.
     */
    public record DirectorySync(String syncStatus, String lastSync, Summary primaryDirectory,
                                int totalDirectories, long users, long groups, Map<String, Long> roles, NextStep nextStep,
                                String setupAction, List<String> blockers) {}

    /** What the vendor's plan includes (read-only here: operators and the back office set it). */
    public record Plan(boolean sso, boolean directorySync) {}

    /** The SSO status and its badge: the product's words, from the primary connection's state. */
    enum SsoStatus {
        ACTIVE("active", "Active"),
        VALIDATING("validating", "Validating"),
        DRAFT("draft", "Draft"),
        INACTIVE("inactive", "Inactive"),
        NONE("none", "Not configured");

        final String wire;
        final String badge;

        SsoStatus(String wire, String badge) {
            this.wire = wire;
            this.badge = badge;
        }

        /** {@code deleting} (and any state WorkOS may add) is not live: shown as Inactive. */
        static SsoStatus of(Connection primary) {
            if (primary == null) {
                return NONE;
            }
            return switch (primary.state()) {
                case "active" -> ACTIVE;
                case "validating" -> VALIDATING;
                case "draft" -> DRAFT;
                default -> INACTIVE;
            };
        }
    }

    public static IdentityHealth of(OrganizationView view, Instant now) {
        var organization = view.organization();
        Connection primaryConnection = view.primaryConnection().orElse(null);
        Directory primaryDirectory = view.primaryDirectory().orElse(null);
        SsoStatus status = SsoStatus.of(primaryConnection);
        NextSteps nextSteps = GUIDE.nextSteps(view, now);
        List<SignInProof> proofs = view.connections().stream().filter(Connection::active).map(IdentityHealth::proof).toList();
        NextStep ssoStep = nextSteps.sso() != null ? nextSteps.sso() : failureStep(proofs);

        Sso sso = new Sso(status.wire, status.badge,
                primaryConnection == null ? null : new Summary(primaryConnection.id(), primaryConnection.name(),
                        primaryConnection.connectionType(), primaryConnection.state()),
                view.connections().size(),
                view.ssoSetupAction().wireName(),
                blockers(view, Entitlement.SSO),
                certificate(primaryConnection, now),
                ssoStep,
                proofs,
                new ChecklistItem("test_sign_in_by_role", SIGN_IN_TEST,
                        !proofs.isEmpty() && proofs.stream().allMatch(SignInProof::proven)),
                warnings(proofs));

        DirectorySync directorySync = new DirectorySync(
                syncStatus(primaryDirectory),
                view.directories().stream().map(Directory::lastSyncAt).filter(Objects::nonNull)
                        .max(String::compareTo).orElse(null), // fixed-width ISO: text order is time order
                primaryDirectory == null ? null : new Summary(primaryDirectory.id(), primaryDirectory.name(),
                        primaryDirectory.directoryType(), primaryDirectory.state()),
                view.directories().size(),
                view.directories().stream().mapToLong(Directory::userCount).sum(),
                view.directories().stream().mapToLong(Directory::groupCount).sum(),
                view.roleCounts(),
                nextSteps.directorySync(),
                view.directorySyncSetupAction().wireName(),
                blockers(view, Entitlement.DIRECTORY_SYNC));

        return new IdentityHealth(organization.id(), domains(view), sso, directorySync,
                organization.itContacts().size(), new Plan(organization.entitlements().sso(), organization.entitlements().directorySync()),
                view.openAttention().stream().map(Notice::itemJson).toList(), Times.iso(now),
                organization.checkedAt());
    }

    private static SignInProof proof(Connection connection) {
        ConnectionSignIns s = connection.signIns();
        ConnectionSignIns.Failure f = s.lastFailure();
        Failure failure = f == null ? null : new Failure(f.at(), f.email(), f.code(), f.message(),
                GUIDE.signInFailureStep(f.code(), f.message(), connection.connectionType()));
        TestedByRole tested = new TestedByRole(s.sinceActive(s.admin()) ? s.admin() : null,
                s.sinceActive(s.member()) ? s.member() : null);
        return new SignInProof(connection.id(), connection.name(), s.activeSince(), s.lastSuccess(), failure, tested,
                tested.admin() != null && tested.member() != null);
    }

    /** The first active connection whose last sign-in failed (after its last success) with a reason the guide names. */
    private static NextStep failureStep(List<SignInProof> proofs) {
        for (SignInProof p : proofs) {
            Failure f = p.lastFailure();
            if (f != null && f.nextStep() != null && (p.lastSuccess() == null || p.lastSuccess().at().compareTo(f.at()) < 0)) {
                return f.nextStep();
            }
        }
        return null;
    }

    /** A connection proven for one role only: the guide's "Testing only one role and assuming the full setup is safe". */
    private static List<Warning> warnings(List<SignInProof> proofs) {
        List<Warning> warnings = new ArrayList<>();
        for (SignInProof p : proofs) {
            boolean admin = p.testedByRole().admin() != null;
            boolean member = p.testedByRole().member() != null;
            if (admin != member) {
                String name = p.name() == null ? "this connection" : p.name();
                warnings.add(new Warning("sign_in_tested_for_one_role", p.connectionId(), (admin
                        ? "Only an admin has signed in through " + name + " since it became active. Test sign-in as a member too."
                        : "Only a member has signed in through " + name + " since it became active. Test sign-in as an admin too.")
                        + " Avoid testing only one role and assuming the full setup is safe."));
            }
        }
        return List.copyOf(warnings);
    }

    private static Domains domains(OrganizationView view) {
        List<String> verified = view.domains().stream().filter(Domain::verified)
                .map(Domain::domain).filter(Objects::nonNull).sorted().toList();
        List<String> pending = view.domains().stream().filter(d -> !d.verified())
                .map(Domain::domain).filter(Objects::nonNull).sorted().toList();
        return new Domains(verified, pending, view.hasVerifiedDomain() ? "open" : "closed");
    }

    /**
     * What stops SSO (or Directory Sync) setup, in the order a person must clear them: verify a
     * domain, add an IT contact, have the product in the plan. The same facts the portal-link gates
     * of the {@code sso} (or {@code dsync}) intent check.
     */
    private static List<String> blockers(OrganizationView view, Entitlement entitlement) {
        List<String> blockers = new ArrayList<>(3);
        if (!view.hasVerifiedDomain()) {
            blockers.add("domain_verification_required");
        }
        if (!view.hasItContact()) {
            blockers.add("it_contact_required");
        }
        if (!view.organization().entitlements().includes(entitlement)) {
            blockers.add(entitlement.errorCode());
        }
        return List.copyOf(blockers);
    }

    /**
     * The primary connection's certificate: renewal is required when WorkOS said so or when it
     * expires within 90 days (or has expired). Null when nothing is known about it (no primary
     * connection, an OIDC connection, or no certificate event yet).
     */
    private static Certificate certificate(Connection primary, Instant now) {
        if (primary == null) {
            return null;
        }
        Instant expiresAt = Times.parseOrNull(primary.certificateExpiresAt());
        if (expiresAt == null && !primary.certificateRenewalRequired()) {
            return null;
        }
        if (expiresAt == null) {
            return new Certificate(null, null, true);
        }
        boolean dueSoon = !expiresAt.isAfter(now.plus(CERTIFICATE_WARNING));
        return new Certificate(Times.iso(expiresAt), ChronoUnit.DAYS.between(now, expiresAt),
                primary.certificateRenewalRequired() || dueSoon);
    }

    /** {@code deleting} (and any state WorkOS may add) is not syncing: shown as unlinked. */
    private static String syncStatus(Directory primary) {
        if (primary == null) {
            return "none";
        }
        return switch (primary.state()) {
            case "linked", "validating", "invalid_credentials", "unlinked" -> primary.state();
            default -> "unlinked";
        };
    }
}
