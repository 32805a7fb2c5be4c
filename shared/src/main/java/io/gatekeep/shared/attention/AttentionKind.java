package io.gatekeep.shared.attention;

import java.time.Duration;
import java.util.List;

/**
 * The kinds of attention item, with their wire names and how often an open one may be brought up
 * again. Certificates remind when they cross into the 30, 7 or 1 day stage (once each); the rest
 * remind at most once per {@link #reminderEvery} while they stay open. Every kind gives one notice
 * when it opens and one when it resolves.
 */
public enum AttentionKind {
    /** An active connection's SAML certificate expires within 90 days, has expired, or WorkOS asks for renewal. */
    CERTIFICATE_EXPIRING("certificate_expiring", null),
    /** WorkOS failed to verify one of the organization's domains. */
    DOMAIN_VERIFICATION_FAILED("domain_verification_failed", Duration.ofDays(7)),
    /** A directory that synced before is {@code invalid_credentials} (SCIM token revoked) or {@code unlinked}. */
    DIRECTORY_BROKEN("directory_broken", Duration.ofDays(7)),
    /** A connection in draft or validating, a pending domain, or a never-linked directory, unchanged for 7 days. */
    SETUP_STALLED("setup_stalled", Duration.ofDays(7)),
    /** Failed SSO sign-ins on an active connection at or above the hourly threshold. */
    SSO_SIGN_IN_FAILURES("sso_sign_in_failures", Duration.ofDays(1));

    /** Certificate stages, earliest first: a reminder when one of {@link #CERTIFICATE_REMINDER_STAGES} is reached. */
    public static final List<String> CERTIFICATE_STAGES = List.of("90", "30", "7", "1", "expired");
    public static final List<String> CERTIFICATE_REMINDER_STAGES = List.of("30", "7", "1");

    private final String wire;
    private final Duration reminderEvery;

    AttentionKind(String wire, Duration reminderEvery) {
        this.wire = wire;
        this.reminderEvery = reminderEvery;
    }

    public String wire() {
        return wire;
    }

    /** Null for certificates (their reminders follow the stages). */
    public Duration reminderEvery() {
        return reminderEvery;
    }

    public static AttentionKind of(String wire) {
        for (AttentionKind kind : values()) {
            if (kind.wire.equals(wire)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown attention kind " + wire);
    }
}
