package io.gatekeep.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed control of a running emulator, for tests, the local runner and demos. Mirrors the HTTP control API
 * under {@code /_emulator/}. Every change goes through the same path as WorkOS-side changes: it stamps
 * {@code updated_at}, stores the event for {@code GET /events} and pushes it to the registered webhooks.
 * Lookups of unknown ids throw {@link java.util.NoSuchElementException}; invalid arguments throw
 * {@link IllegalArgumentException}.
 */
public final class EmulatorControl {
    private final WorkOsEmulator emulator;
    private final State state;
    private final WebhookDispatcher webhooks;
    private final WorkOsApi api;
    private final TokenService tokens;

    EmulatorControl(WorkOsEmulator emulator, State state, WebhookDispatcher webhooks, WorkOsApi api, TokenService tokens) {
        this.emulator = emulator;
        this.state = state;
        this.webhooks = webhooks;
        this.api = api;
        this.tokens = tokens;
    }

    private static <T> T lookup(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (State.NotFound nf) {
            java.util.NoSuchElementException e = new java.util.NoSuchElementException(nf.getMessage());
            e.initCause(nf);
            throw e;
        }
    }

    private static void run(Runnable r) {
        lookup(() -> {
            r.run();
            return null;
        });
    }

    // ---------------------------------------------------------------- organizations and domains

    public Snapshot.Organization createOrganization(String name, DomainSpec... domains) {
        return createOrganization(name, Arrays.asList(domains), Map.of(), null);
    }

    public Snapshot.Organization createOrganization(String name, List<DomainSpec> domains, Map<String, String> metadata,
                                                    String externalId) {
        synchronized (state) {
            return state.orgRecord(state.organizations.createOrg(name, domains, metadata, externalId).id);
        }
    }

    public Snapshot.Organization updateOrganization(String organizationId, String name) {
        return lookup(() -> {
            synchronized (state) {
                return state.orgRecord(state.organizations.updateOrg(organizationId, name, null, null, null, null).id);
            }
        });
    }

    public void deleteOrganization(String organizationId) {
        run(() -> state.organizations.deleteOrg(organizationId));
    }

    public Snapshot.Domain addDomain(String organizationId, String domain, String state) {
        try {
            return lookup(() -> State.toRecord(this.state.organizations.addDomain(organizationId, domain, state)));
        } catch (Http.ApiError conflict) {
            throw new IllegalArgumentException(conflict.getMessage(), conflict);
        }
    }

    public Snapshot.Domain verifyDomain(String domainId) {
        return lookup(() -> State.toRecord(state.organizations.setDomainState(domainId, "verified", null)));
    }

    /** Fails verification with reason {@code domain_verification_period_expired}. */
    public Snapshot.Domain failDomain(String domainId) {
        return failDomain(domainId, "domain_verification_period_expired");
    }

    /** {@code reason}: domain_verification_period_expired or domain_verified_by_other_organization. */
    public Snapshot.Domain failDomain(String domainId, String reason) {
        return lookup(() -> State.toRecord(state.organizations.setDomainState(domainId, "failed", reason)));
    }

    /**
     * Any WorkOS domain state ({@code legacy_verified}, {@code unverified}, ...): verified emits
     * organization_domain.verified, failed verification_failed, the others organization_domain.updated.
     */
    public Snapshot.Domain setDomainState(String domainId, String domainState) {
        return lookup(() -> State.toRecord(state.organizations.setDomainState(domainId, domainState, null)));
    }

    /** Back to pending (emits organization_domain.updated). */
    public Snapshot.Domain resetDomain(String domainId) {
        return lookup(() -> State.toRecord(state.organizations.setDomainState(domainId, "pending", null)));
    }

    public void deleteDomain(String domainId) {
        run(() -> state.organizations.deleteDomain(domainId));
    }

    // ---------------------------------------------------------------- connections

    /** Any connection_type (e.g. OktaSAML, AzureSAML, GenericOIDC); state draft|validating|active|inactive. */
    public Snapshot.Connection createConnection(String organizationId, String connectionType, String name, String state) {
        return lookup(() -> State.toRecord(this.state.organizations.createConnection(organizationId, connectionType, name, state)));
    }

    public Snapshot.Connection setConnectionState(String connectionId, String state) {
        return lookup(() -> State.toRecord(this.state.organizations.setConnectionState(connectionId, state)));
    }

    public Snapshot.Connection setCertificateExpiry(String connectionId, Instant expiresAt) {
        return setCertificate(connectionId, null, expiresAt);
    }

    /** certificateType: ResponseSigning (default), RequestSigning or ResponseEncryption. */
    public Snapshot.Connection setCertificate(String connectionId, String certificateType, Instant expiresAt) {
        return lookup(() -> State.toRecord(state.organizations.setCertificate(connectionId, certificateType, expiresAt)));
    }

    /** Emits connection.saml_certificate_renewal_required for the connection's current certificate. */
    public StoredEvent emitCertificateRenewalRequired(String connectionId) {
        return lookup(() -> state.organizations.emitCertificateRenewalRequired(connectionId));
    }

    /** Renews for a year (emits connection.saml_certificate_renewed). */
    public Snapshot.Connection renewCertificate(String connectionId) {
        return renewCertificate(connectionId, null);
    }

    public Snapshot.Connection renewCertificate(String connectionId, Instant newExpiry) {
        return lookup(() -> State.toRecord(state.organizations.renewCertificate(connectionId, newExpiry)));
    }

    public void deleteConnection(String connectionId) {
        run(() -> state.organizations.deleteConnection(connectionId));
    }

    /**
     * Someone signs in through an active connection, as WorkOS reports it: on success the user and its
     * organization membership with {@code role} are provisioned or updated ({@code user.created},
     * {@code organization_membership.created|updated}), then {@code authentication.sso_succeeded}; an
     * outcome {@code failed} (with a {@code reason}: recipient_mismatch, audience_mismatch, signature_invalid,
     * response_expired, nameid_missing, redirect_uri_mismatch, invalid_client) emits
     * {@code authentication.sso_failed}, {@code timed_out} emits {@code authentication.sso_timed_out}.
     * Returns the events emitted, in order.
     */
    public List<StoredEvent> signIn(String connectionId, String email, String role, String outcome, String reason) {
        return lookup(() -> SsoSignIns.signIn(state, connectionId, email, role, outcome, reason));
    }

    /**
     * Takes the person with this email out of the organization (WorkOS's DELETE of the organization
     * membership): emits {@code organization_membership.deleted}. No such membership: {@link java.util.NoSuchElementException}.
     */
    public StoredEvent deleteMembership(String organizationId, String email) {
        return lookup(() -> SsoSignIns.removeMembership(state, organizationId, email));
    }

    // ---------------------------------------------------------------- directories, users, groups

    /** type e.g. "okta scim v2.0"; state linked|validating|invalid_credentials|unlinked. */
    public Snapshot.Directory createDirectory(String organizationId, String type, String name, String state) {
        return lookup(() -> State.toRecord(this.state.directories.createDirectory(organizationId, type, name, state)));
    }

    public Snapshot.Directory setDirectoryState(String directoryId, String state) {
        return lookup(() -> State.toRecord(this.state.directories.setDirectoryState(directoryId, state)));
    }

    public void deleteDirectory(String directoryId) {
        run(() -> state.directories.deleteDirectory(directoryId));
    }

    /** Adds n generated active users (dsync.user.created each). */
    public List<Snapshot.User> addUsers(String directoryId, int n) {
        return lookup(() -> state.directories.addUsers(directoryId, n).stream().map(State::toRecord).toList());
    }

    public Snapshot.User createUser(String directoryId, String email, String firstName, String lastName) {
        return lookup(() -> State.toRecord(
                state.directories.createUser(directoryId, email, firstName, lastName, null, Map.of(), "member", "active")));
    }

    public Snapshot.User updateUser(String userId, UserUpdate update) {
        return lookup(() -> State.toRecord(state.directories.updateUser(userId, update)));
    }

    public void deleteUser(String userId) {
        run(() -> state.directories.deleteUser(userId));
    }

    public Snapshot.Group createGroup(String directoryId, String name) {
        return lookup(() -> State.toRecord(state.directories.createGroup(directoryId, name)));
    }

    public Snapshot.Group renameGroup(String groupId, String name) {
        return lookup(() -> State.toRecord(state.directories.renameGroup(groupId, name)));
    }

    public void deleteGroup(String groupId) {
        run(() -> state.directories.deleteGroup(groupId));
    }

    /** Returns false (and emits nothing) when the user already is a member. */
    public boolean addUserToGroup(String groupId, String userId) {
        return lookup(() -> state.directories.addUserToGroup(groupId, userId));
    }

    public boolean removeUserFromGroup(String groupId, String userId) {
        return lookup(() -> state.directories.removeUserFromGroup(groupId, userId));
    }

    // ---------------------------------------------------------------- portal, tokens, webhooks

    /** The same link {@code POST /portal/generate_link} returns, without going through the API. */
    public String generatePortalLink(String organizationId, String intent) {
        if (intent != null && !ApiRoutes.INTENTS.contains(intent)) {
            throw new IllegalArgumentException("intent must be one of " + ApiRoutes.INTENTS);
        }
        return lookup(() -> emulator.portalUrl(state.createPortalLink(organizationId, intent, null, null, List.of()).token));
    }

    /** A dev JWT signed by the JWKS key: iss, aud (= clientId), sub, org_id, role, email, iat, exp. */
    public String issueToken(String sub, String orgId, String role, String email, long ttlSeconds) {
        if (ttlSeconds <= 0) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        return tokens.issue(emulator.issuer(), emulator.clientId(), sub, orgId, role, email,
                Duration.ofSeconds(ttlSeconds));
    }

    public WebhookEndpoint registerWebhook(String url, String secret) {
        return webhooks.register(url, secret, Set.of());
    }

    /** Only the named events are delivered to this endpoint. */
    public WebhookEndpoint registerWebhook(String url, String secret, Set<String> events) {
        return webhooks.register(url, secret, events);
    }

    public boolean unregisterWebhook(String endpointId) {
        return webhooks.unregister(endpointId);
    }

    public List<WebhookEndpoint> webhooks() {
        return webhooks.endpoints();
    }

    // ---------------------------------------------------------------- faults

    /** Deliver every webhook k times (k >= 1; 1 = normal). */
    public EmulatorControl webhookDuplicates(int k) {
        return webhookFaults(f -> f.withDuplicates(k));
    }

    /** Shuffle deliveries within windows of n (0 or 1 = in order); a partial window flushes after 100 ms. */
    public EmulatorControl webhookShuffleWindow(int n) {
        return webhookFaults(f -> f.withShuffleWindow(n));
    }

    public EmulatorControl webhookDelay(Duration delay) {
        return webhookFaults(f -> f.withDelayMs(delay.toMillis()));
    }

    /** Never deliver this fraction of webhooks (the events stay in the Events API). */
    public EmulatorControl webhookDropFraction(double fraction) {
        return webhookFaults(f -> f.withDropFraction(fraction));
    }

    /** Seed of the Random behind drops and shuffles (default 42); resets that Random. */
    public EmulatorControl faultSeed(long seed) {
        return webhookFaults(f -> f.withSeed(seed));
    }

    /** One mode changed, the others kept ({@link WebhookFaults}: invalid values throw and change nothing). */
    private synchronized EmulatorControl webhookFaults(java.util.function.UnaryOperator<WebhookFaults> change) {
        webhooks.faults(change.apply(webhooks.faults()));
        return this;
    }

    /** Attempts per delivery and the first backoff (doubling, capped at maxBackoff). */
    public EmulatorControl webhookRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        webhooks.configureRetry(maxAttempts, initialBackoff, maxBackoff);
        return this;
    }

    /** Answer the next n WorkOS API calls with status (429, or 5xx); Retry-After (seconds) when not null. */
    public EmulatorControl failNext(int n, int status, Integer retryAfterSeconds) {
        return failNext(n, status, retryAfterSeconds, null);
    }

    /** As {@link #failNext(int, int, Integer)}, counting only calls whose path starts with pathPrefix. */
    public EmulatorControl failNext(int n, int status, Integer retryAfterSeconds, String pathPrefix) {
        api.faults.failNext(n, status, retryAfterSeconds, pathPrefix);
        return this;
    }

    /**
     * Runs {@code action} (e.g. a change through this control) once, just before the next WorkOS API
     * request whose path starts with pathPrefix is handled: a race made deterministic (in-process only).
     */
    public EmulatorControl beforeNext(String pathPrefix, Runnable action) {
        api.faults.beforeNext(pathPrefix, action);
        return this;
    }

    /** The WorkOS API requests received so far ("GET /connections", no query), oldest first (the last 10,000). */
    public List<String> apiRequests() {
        return api.received();
    }

    public EmulatorControl clearApiRequests() {
        api.clearReceived();
        return this;
    }

    /** Delay every WorkOS API answer. */
    public EmulatorControl apiLatency(Duration latency) {
        api.faults.latency(latency);
        return this;
    }

    /** Events become visible in {@code GET /events} only this long after they happened (webhooks are not delayed). */
    public EmulatorControl eventVisibilityLag(Duration lag) {
        api.faults.visibilityLag(lag);
        return this;
    }

    /** Back to faithful delivery: no duplicates, shuffle, delay, drops, API failures, latency, lag or {@link #beforeNext} action. */
    public synchronized EmulatorControl clearFaults() {
        webhookFaults(WebhookFaults::cleared);
        api.faults.clear();
        return this;
    }

    // ---------------------------------------------------------------- observation

    public Snapshot snapshot() {
        return state.snapshot();
    }

    /** Every stored event, oldest first (including any older than the Events API's 30-day window). */
    public List<StoredEvent> events() {
        return state.events();
    }

    /** Stored events with one of the given names, oldest first. */
    public List<StoredEvent> events(String... names) {
        Set<String> wanted = Set.of(names);
        return state.events().stream().filter(e -> wanted.contains(e.event())).toList();
    }

    /** Webhook delivery attempts so far, in the order they happened. */
    public List<DeliveryAttempt> deliveries() {
        return webhooks.log();
    }

    /** Waits until every pending webhook delivery (retries included) has finished; false on timeout. */
    public boolean awaitDeliveries(Duration timeout) {
        try {
            return webhooks.awaitIdle(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public DemoWorld seedDemoWorld() {
        return DemoSeeder.seed(state);
    }

    /** Forgets all state, events, portal links and the delivery log; keeps webhook endpoints and faults. */
    public void reset() {
        state.reset();
        webhooks.clearLog();
    }

    /** Moves the emulator's clock forward (portal link expiry, the 30-day event window, certificate days). */
    public void advanceClock(Duration d) {
        state.clock().advance(d);
    }

    public Instant now() {
        return state.clock().now();
    }
}
