package io.gatekeep.portallinks;

import com.workos.types.GenerateLinkIntent;
import io.gatekeep.shared.org.OrganizationView;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Admin Portal intents the product opens, and which gates each one passes through. This is the
 * table the contract's gate list is read against; PortalLinksHandlerTest checks it row by row.
 *
 * <pre>
 * intent               SDK intent          plan must include SSO  verified domain  IT contact  action counts
 * sso                  SSO                 yes                    yes              yes         connections
 * dsync                Dsync               yes                    yes              yes         directories
 * domain_verification  DomainVerification  no                     no (*)           yes         domains
 * audit_logs           AuditLogs           no                     no               yes         nothing (**)
 * log_streams          LogStreams          no                     no               yes         nothing (**)
 * certificate_renewal  CertificateRenewal  yes                    no               yes         connections
 * </pre>
 * (*) domain_verification is how the domain gate is opened, so it must stay reachable while it is closed.
 * (**) the backend keeps no projection of audit-log or log-stream setup: the portal is always "configure".
 *
 * The IT-contact gate applies to every intent: the contract states it without an intent condition,
 * and every link carries the IT contacts' emails.
 */
public enum Intent {
    SSO("sso", GenerateLinkIntent.SSO, true, true, true, SetupObjects.CONNECTIONS),
    DSYNC("dsync", GenerateLinkIntent.Dsync, true, true, true, SetupObjects.DIRECTORIES),
    DOMAIN_VERIFICATION("domain_verification", GenerateLinkIntent.DomainVerification, false, false, true, SetupObjects.DOMAINS),
    AUDIT_LOGS("audit_logs", GenerateLinkIntent.AuditLogs, false, false, true, SetupObjects.NONE),
    LOG_STREAMS("log_streams", GenerateLinkIntent.LogStreams, false, false, true, SetupObjects.NONE),
    CERTIFICATE_RENEWAL("certificate_renewal", GenerateLinkIntent.CertificateRenewal, true, false, true, SetupObjects.CONNECTIONS);

    /** What an intent sets up, i.e. what decides between "configure" and "continue". */
    enum SetupObjects { CONNECTIONS, DIRECTORIES, DOMAINS, NONE }

    private final String wireName;
    private final GenerateLinkIntent sdkIntent;
    private final boolean requiresSsoPlan;
    private final boolean requiresVerifiedDomain;
    private final boolean requiresItContact;
    private final SetupObjects setupObjects;

    Intent(String wireName, GenerateLinkIntent sdkIntent, boolean requiresSsoPlan, boolean requiresVerifiedDomain,
           boolean requiresItContact, SetupObjects setupObjects) {
        this.wireName = wireName;
        this.sdkIntent = sdkIntent;
        this.requiresSsoPlan = requiresSsoPlan;
        this.requiresVerifiedDomain = requiresVerifiedDomain;
        this.requiresItContact = requiresItContact;
        this.setupObjects = setupObjects;
    }

    public String wireName() {
        return wireName;
    }

    public GenerateLinkIntent sdkIntent() {
        return sdkIntent;
    }

    public boolean requiresSsoPlan() {
        return requiresSsoPlan;
    }

    public boolean requiresVerifiedDomain() {
        return requiresVerifiedDomain;
    }

    public boolean requiresItContact() {
        return requiresItContact;
    }

    SetupObjects setupObjects() {
        return setupObjects;
    }

    /** Exact wire names only ("sso", not "SSO"): the contract's values, nothing looser. */
    public static Optional<Intent> of(String wire) {
        return Arrays.stream(values()).filter(i -> i.wireName.equals(wire)).findFirst();
    }

    public static String wireNames() {
        return Arrays.stream(values()).map(Intent::wireName).collect(Collectors.joining(", "));
    }

    /**
     * The button's words: "configure" ("Configure SSO") when nothing of what this intent sets up
     * exists yet, "continue" ("Continue SSO setup") as soon as one exists, whatever its state: the
     * portal reopens where the admin left off. sso and certificate_renewal count the connections,
     * dsync the directories, domain_verification the domains; intents whose setup the backend does
     * not project are always "configure".
     */
    public Action action(OrganizationView view) {
        boolean started = switch (setupObjects) {
            case CONNECTIONS -> !view.connections().isEmpty();
            case DIRECTORIES -> !view.directories().isEmpty();
            case DOMAINS -> !view.domains().isEmpty();
            case NONE -> false;
        };
        return started ? Action.CONTINUE : Action.CONFIGURE;
    }

    public enum Action {
        CONFIGURE, CONTINUE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
