package io.gatekeep.portallinks;

import com.workos.types.GenerateLinkIntent;
import io.gatekeep.shared.org.Entitlements.Entitlement;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.org.OrganizationView.SetupAction;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Admin Portal intents the product opens, and which gates each one passes through. This is the
 * table the contract's gate list is read against; PortalLinksHandlerTest checks it row by row.
 *
 * <pre>
 * intent               SDK intent          plan must include  verified domain  IT contact  action from
 * sso                  SSO                 sso                yes              yes         connections
 * dsync                Dsync               directorySync      yes              yes         directories
 * domain_verification  DomainVerification  nothing (*)        no (*)           yes         domains
 * audit_logs           AuditLogs           nothing (**)       no               yes         nothing (***)
 * log_streams          LogStreams          nothing (**)       no               yes         nothing (***)
 * certificate_renewal  CertificateRenewal  sso                no               yes         connections
 * </pre>
 * (*) domain_verification is how the domain gate is opened (the prerequisite of both products), so it
 *     must stay reachable while the gate is closed and whatever the plan holds.
 * (**) the plan knows two products, SSO and Directory Sync; audit logs and log streams are the
 *     organization's own records, not either product, so no entitlement gates them.
 * (***) the backend keeps no projection of audit-log or log-stream setup: the portal is always "configure".
 *
 * The IT-contact gate applies to every intent: the contract states it without an intent condition,
 * and every link carries the IT contacts' emails.
 */
public enum Intent {
    SSO("sso", GenerateLinkIntent.SSO, Entitlement.SSO, true, true, SetupObjects.CONNECTIONS),
    DSYNC("dsync", GenerateLinkIntent.Dsync, Entitlement.DIRECTORY_SYNC, true, true, SetupObjects.DIRECTORIES),
    DOMAIN_VERIFICATION("domain_verification", GenerateLinkIntent.DomainVerification, null, false, true, SetupObjects.DOMAINS),
    AUDIT_LOGS("audit_logs", GenerateLinkIntent.AuditLogs, null, false, true, SetupObjects.NONE),
    LOG_STREAMS("log_streams", GenerateLinkIntent.LogStreams, null, false, true, SetupObjects.NONE),
    CERTIFICATE_RENEWAL("certificate_renewal", GenerateLinkIntent.CertificateRenewal, Entitlement.SSO, false, true, SetupObjects.CONNECTIONS);

    /** What an intent sets up, i.e. what decides between "configure", "continue" and "manage". */
    enum SetupObjects { CONNECTIONS, DIRECTORIES, DOMAINS, NONE }

    private final String wireName;
    private final GenerateLinkIntent sdkIntent;
    private final Entitlement entitlement;
    private final boolean requiresVerifiedDomain;
    private final boolean requiresItContact;
    private final SetupObjects setupObjects;

    Intent(String wireName, GenerateLinkIntent sdkIntent, Entitlement entitlement, boolean requiresVerifiedDomain,
           boolean requiresItContact, SetupObjects setupObjects) {
        this.wireName = wireName;
        this.sdkIntent = sdkIntent;
        this.entitlement = entitlement;
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

    /** The entitlement the plan must include for this intent, if any. */
    public Optional<Entitlement> entitlement() {
        return Optional.ofNullable(entitlement);
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
     * The button's words, the same answer health gives ({@code sso.setupAction},
     * {@code directorySync.setupAction}): "configure" ("Configure SSO") when nothing of what this
     * intent sets up exists yet, "continue" ("Continue SSO setup") while it exists but is not live,
     * "manage" once it is (an active connection, a linked directory, a verified domain). Intents whose
     * setup the backend does not project are always "configure".
     */
    public SetupAction action(OrganizationView view) {
        return switch (setupObjects) {
            case CONNECTIONS -> view.ssoSetupAction();
            case DIRECTORIES -> view.directorySyncSetupAction();
            case DOMAINS -> view.domainSetupAction();
            case NONE -> SetupAction.CONFIGURE;
        };
    }
}
