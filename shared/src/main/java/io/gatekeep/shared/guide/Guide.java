package io.gatekeep.shared.guide;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.org.OrganizationView.Connection;
import io.gatekeep.shared.org.OrganizationView.Directory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The troubleshooting guide as data: its provider table ({@code guide/providers.json}) and its
 * error-recovery table, decision tree and the product's own words for what the tables lack
 * ({@code guide/troubleshooting.json}). Read with Jackson once per JVM ({@link #load()}).
 *
 * <p>{@link #nextSteps} reads one {@link OrganizationView} and says, for SSO and for Directory
 * Sync, what to do next when something is stuck, in the words the Identity integrations page shows
 * ({@link #nextStepWords}: the guide's rows pointed at the page's own buttons, without the table's
 * literal quotes or WorkOS dashboard paths). Of the error-recovery table, the projection can
 * detect {@link #DETECTABLE}; the other rows happen at sign-in or sync time inside WorkOS or the
 * identity provider and never reach the projection ({@link #UNDETECTABLE}).
 */
public final class Guide {
    /** A connection or directory still setting up (Draft, Validating, not linked) this long is stuck. */
    public static final Duration STUCK_AFTER = Duration.ofHours(1);
    /** WorkOS alerts on SAML certificates that expire within 90 days; so do we. */
    public static final Duration CERTIFICATE_WARNING = Duration.ofDays(90);

    /** The error-recovery rows the projection can see (ids in troubleshooting.json). */
    public static final Set<String> DETECTABLE = Set.of(
            "connection_draft", "connection_validating", "scim_unauthorized", "domain_not_verified");
    /**
     * Rows the projection cannot see: SAML assertion errors and OAuth errors happen during a
     * sign-in, SCIM 404/attribute/deprovisioning problems inside the identity provider, and a
     * connection not linked to an organization never reaches an organization's partition.
     */
    public static final Set<String> UNDETECTABLE = Set.of(
            "scim_not_found", "scim_no_attributes", "scim_users_not_deactivated", "organization_not_found");
    /**
     * Rows a failed sign-in names ({@code authentication.sso_failed}: WorkOS's {@code error.code} and
     * {@code error.message}), matched on the words of the guide's problem ({@link #signInFailureStep}).
     */
    public static final Set<String> FROM_SIGN_IN_FAILURES = Set.of(
            "saml_recipient_mismatch", "saml_audience_mismatch", "saml_signature_invalid", "saml_response_expired",
            "oauth_redirect_uri_mismatch", "oauth_invalid_client");

    /**
     * The words in a failed sign-in's reason that name a guide row, in the order they are tried. WorkOS's
     * OpenAPI spec and SDKs give {@code error.code} and {@code error.message} as free strings (no
     * enumeration of SSO failure codes), so the match is on the words of the guide's own problem names
     * ("Audience mismatch") and the SAML element or OAuth error they are about.
     */
    private static final List<Map.Entry<String, List<String>>> FAILURE_WORDS = List.of(
            Map.entry("saml_recipient_mismatch", List.of("recipient")),
            Map.entry("saml_audience_mismatch", List.of("audience")),
            Map.entry("saml_nameid_missing", List.of("nameid", "name_id", "name id")),
            Map.entry("saml_signature_invalid", List.of("signature")),
            Map.entry("saml_response_expired", List.of("response expired", "response_expired", "notonorafter", "clock skew")),
            Map.entry("oauth_redirect_uri_mismatch", List.of("redirect_uri")),
            Map.entry("oauth_invalid_client", List.of("invalid_client")));

    /**
     * Failed sign-ins fixed in the identity provider alone (its clock, its attribute mapping): their next step
     * offers no Admin Portal intent. The other sign-in failures are fixed with the connection's values, which the
     * Admin Portal shows and takes (ACS URL, SP Entity ID, metadata, redirect URI, client credentials).
     */
    static final Set<String> FIXED_IN_THE_IDENTITY_PROVIDER = Set.of("saml_response_expired", "saml_nameid_missing");

    /** Admin Portal intents (openapi.yaml, POST .../portal-links). */
    public static final String INTENT_SSO = "sso";
    public static final String INTENT_DSYNC = "dsync";
    public static final String INTENT_DOMAIN_VERIFICATION = "domain_verification";
    public static final String INTENT_CERTIFICATE_RENEWAL = "certificate_renewal";

    private static final String GENERIC_SAML = "GenericSAML";
    private static final String GENERIC_SCIM = "generic scim v2.0";

    /** A row of the error-recovery table, or one of the product's own steps: words only. */
    public record Advice(String id, String problem, String cause, String fix) {}

    /** One question of the decision tree and its answer. */
    public record Branch(String question, String answer) {}

    record CatalogFile(List<Provider> providers) {}

    record DecisionTree(List<Branch> sso) {}

    record GuideFile(List<Advice> errorRecovery, DecisionTree decisionTree, List<Advice> steps, List<Advice> onThisPage) {}

    private final List<Provider> providers;
    private final Map<String, List<Provider>> byType;
    private final Map<String, Provider> byConnectionType;
    private final Map<String, Provider> byDirectoryType;
    private final List<Advice> errorRecovery;
    private final Map<String, Advice> advice;
    private final Map<String, Advice> pageWords;
    private final List<Branch> ssoDecisionTree;

    private static final class Holder {
        static final Guide INSTANCE = read(Json.MAPPER);
    }

    /** The guide, parsed from its resource files on first use and kept for the life of the JVM. */
    public static Guide load() {
        return Holder.INSTANCE;
    }

    private Guide(List<Provider> providers, GuideFile guide) {
        this.providers = List.copyOf(providers);
        Map<String, List<Provider>> types = new LinkedHashMap<>();
        Map<String, Provider> connections = new HashMap<>();
        Map<String, Provider> directories = new HashMap<>();
        for (Provider p : providers) {
            require(p.name(), "provider name");
            require(p.type(), "type of " + p.name());
            if (p.docUrl() == null || !p.docUrl().startsWith("https://")) {
                throw new IllegalStateException("guide: doc URL of " + p.name() + " must be https");
            }
            types.computeIfAbsent(key(p.type()), k -> new java.util.ArrayList<>()).add(p);
            p.connectionTypes().forEach(t -> unique(connections, t, p, "connection type"));
            p.directoryTypes().forEach(t -> unique(directories, t, p, "directory type"));
        }
        types.replaceAll((k, v) -> List.copyOf(v));
        this.byType = Map.copyOf(types);
        this.byConnectionType = Map.copyOf(connections);
        this.byDirectoryType = Map.copyOf(directories);
        this.errorRecovery = List.copyOf(guide.errorRecovery());
        Map<String, Advice> all = new HashMap<>();
        for (Advice a : guide.errorRecovery()) {
            unique(all, a.id(), a, "advice id");
        }
        for (Advice a : guide.steps()) {
            unique(all, a.id(), a, "advice id");
        }
        this.advice = Map.copyOf(all);
        Map<String, Advice> page = new HashMap<>();
        Set<String> shown = shownOnThePage();
        for (Advice a : guide.onThisPage() == null ? List.<Advice>of() : guide.onThisPage()) {
            if (!shown.contains(a.id())) {
                throw new IllegalStateException("guide: onThisPage " + a.id() + " is neither detectable nor a sign-in failure");
            }
            unique(page, a.id(), a, "onThisPage id");
        }
        if (!page.keySet().equals(shown)) {
            throw new IllegalStateException("guide: onThisPage must word every detectable row and sign-in failure: " + shown);
        }
        this.pageWords = Map.copyOf(page);
        this.ssoDecisionTree = List.copyOf(guide.decisionTree().sso());
        // Fail at start-up, not on the first stuck organization.
        for (String id : List.of("connection_draft", "connection_validating", "scim_unauthorized",
                "domain_not_verified", "sso_not_configured", "connection_inactive", "certificate_expired",
                "certificate_expiring", "directory_not_linked", "saml_nameid_missing")) {
            advice(id);
        }
        genericDocUrl(byConnectionType, GENERIC_SAML);
        genericDocUrl(byDirectoryType, GENERIC_SCIM);
    }

    /** The rows the page shows as a next step: what the projection detects and what a failed sign-in names. */
    static Set<String> shownOnThePage() {
        Set<String> shown = new LinkedHashSet<>(DETECTABLE);
        FAILURE_WORDS.forEach(row -> shown.add(row.getKey()));
        return Set.copyOf(shown);
    }

    static Guide read(ObjectMapper mapper) {
        return new Guide(parse(mapper, "/guide/providers.json", CatalogFile.class).providers(),
                parse(mapper, "/guide/troubleshooting.json", GuideFile.class));
    }

    private static <T> T parse(ObjectMapper mapper, String resource, Class<T> type) {
        try (InputStream in = Guide.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("guide: missing resource " + resource);
            }
            return mapper.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException("guide: cannot read " + resource, e);
        }
    }

    // ---- the catalog ----

    /** Every provider, in the guide's order. */
    public List<Provider> providers() {
        return providers;
    }

    /** The guide's integration types, in the order they first appear (e.g. General, OIDC, SAML...). */
    public Set<String> types() {
        return providers.stream().map(Provider::type).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The providers of one type (matched case-insensitively); empty when the guide has no such type. */
    public Optional<List<Provider>> providersOfType(String type) {
        return type == null ? Optional.empty() : Optional.ofNullable(byType.get(key(type)));
    }

    /** The provider whose guide covers a WorkOS {@code connection_type} (matched case-insensitively). */
    public Optional<Provider> providerForConnectionType(String connectionType) {
        return connectionType == null ? Optional.empty() : Optional.ofNullable(byConnectionType.get(key(connectionType)));
    }

    /** The provider whose guide covers a WorkOS directory {@code type} (matched case-insensitively). */
    public Optional<Provider> providerForDirectoryType(String directoryType) {
        return directoryType == null ? Optional.empty() : Optional.ofNullable(byDirectoryType.get(key(directoryType)));
    }

    /** The provider's guide, else the generic SAML guide. */
    public String docUrlForConnection(String connectionType) {
        return providerForConnectionType(connectionType).map(Provider::docUrl)
                .orElseGet(() -> genericDocUrl(byConnectionType, GENERIC_SAML));
    }

    /** The provider's guide, else the generic SCIM guide. */
    public String docUrlForDirectory(String directoryType) {
        return providerForDirectoryType(directoryType).map(Provider::docUrl)
                .orElseGet(() -> genericDocUrl(byDirectoryType, GENERIC_SCIM));
    }

    // ---- the troubleshooting words ----

    /** The error-recovery table, in the guide's order and words. */
    public List<Advice> errorRecovery() {
        return errorRecovery;
    }

    /** The SSO branch of the integration-type decision tree. */
    public List<Branch> ssoDecisionTree() {
        return ssoDecisionTree;
    }

    public Advice advice(String id) {
        Advice a = advice.get(id);
        if (a == null) {
            throw new IllegalStateException("guide: no advice " + id);
        }
        return a;
    }

    /**
     * The words a next step shows: for a detectable error-recovery row or a sign-in failure, its rewording
     * for the page ({@code onThisPage}: the same problem and cause, a fix that names the page's button or
     * the Admin Portal instead of the WorkOS dashboard); for the product's own steps, the step itself.
     */
    public Advice nextStepWords(String id) {
        Advice page = pageWords.get(id);
        return page != null ? page : advice(id);
    }

    // ---- what to do next ----

    /** What to do next for SSO and for Directory Sync; each null when nothing is stuck. */
    public NextSteps nextSteps(OrganizationView view, Instant now) {
        return new NextSteps(ssoStep(view, now), directorySyncStep(view, now));
    }

    /**
     * With an active connection, only its certificate can need anything. Otherwise, in the order a
     * person must clear them: the domain gate, a first connection (SAML or OIDC, from the decision
     * tree), then the primary connection (the oldest one not being deleted): its certificate, or
     * Draft/Validating for longer than {@link #STUCK_AFTER}, or any other state (inactive).
     */
    NextStep ssoStep(OrganizationView view, Instant now) {
        List<Connection> live = view.connections().stream().filter(c -> !"deleting".equals(c.state())).toList();
        List<Connection> active = live.stream().filter(Connection::active).toList();
        if (!active.isEmpty()) {
            return active.stream().map(c -> certificateStep(c, now)).filter(Objects::nonNull).findFirst().orElse(null);
        }
        Connection primary = live.isEmpty() ? null : live.get(0);
        String docUrl = docUrlForConnection(primary == null ? null : primary.connectionType());
        if (!view.hasVerifiedDomain()) {
            return step(nextStepWords("domain_not_verified"), docUrl, INTENT_DOMAIN_VERIFICATION);
        }
        if (primary == null) {
            Advice notConfigured = nextStepWords("sso_not_configured");
            String fix = notConfigured.fix() + " " + ssoDecisionTree.stream().map(b -> b.question() + " → " + b.answer())
                    .collect(Collectors.joining("; "));
            return new NextStep(notConfigured.problem(), notConfigured.cause(), fix, docUrl, INTENT_SSO);
        }
        NextStep certificate = certificateStep(primary, now);
        if (certificate != null) {
            return certificate;
        }
        boolean stuck = stuck(primary.createdAt(), primary.updatedAt(), now);
        return switch (primary.state()) {
            case "draft" -> stuck ? step(nextStepWords("connection_draft"), docUrl, INTENT_SSO) : null;
            case "validating" -> stuck ? step(nextStepWords("connection_validating"), docUrl, INTENT_SSO) : null;
            default -> step(nextStepWords("connection_inactive"), docUrl, INTENT_SSO);
        };
    }

    /**
     * What fixes a failed sign-in: the guide's row for WorkOS's reason ({@code error.code} and
     * {@code error.message}, see {@link #FAILURE_WORDS}) in the page's words ({@link #nextStepWords}), with
     * the connection's setup guide and the SSO intent of the Admin Portal where the fix is made there (not
     * for {@link #FIXED_IN_THE_IDENTITY_PROVIDER}); null when the reason names no row (the reason itself is shown).
     */
    public NextStep signInFailureStep(String code, String message, String connectionType) {
        String reason = ((code == null ? "" : code) + " " + (message == null ? "" : message)).toLowerCase(Locale.ROOT);
        for (Map.Entry<String, List<String>> row : FAILURE_WORDS) {
            if (row.getValue().stream().anyMatch(reason::contains)) {
                String id = row.getKey();
                return step(nextStepWords(id), docUrlForConnection(connectionType),
                        FIXED_IN_THE_IDENTITY_PROVIDER.contains(id) ? null : INTENT_SSO);
            }
        }
        return null;
    }

    /**
     * A directory with invalid credentials is the guide's SCIM 401 whatever else is linked. With
     * no linked directory, the primary one (the oldest not being deleted) not linked for longer
     * than {@link #STUCK_AFTER} is stuck. No directory at all is not stuck: Directory Sync is optional.
     */
    NextStep directorySyncStep(OrganizationView view, Instant now) {
        List<Directory> live = view.directories().stream().filter(d -> !"deleting".equals(d.state())).toList();
        Optional<Directory> unauthorized = live.stream().filter(d -> "invalid_credentials".equals(d.state())).findFirst();
        if (unauthorized.isPresent()) {
            return step(nextStepWords("scim_unauthorized"), docUrlForDirectory(unauthorized.get().directoryType()), INTENT_DSYNC);
        }
        if (live.isEmpty() || live.stream().anyMatch(Directory::linked)) {
            return null;
        }
        Directory primary = live.get(0);
        return stuck(primary.createdAt(), primary.updatedAt(), now)
                ? step(nextStepWords("directory_not_linked"), docUrlForDirectory(primary.directoryType()), INTENT_DSYNC)
                : null;
    }

    /**
     * WorkOS said renewal is required ({@code connection.saml_certificate_renewal_required}), or the
     * certificate expires within {@link #CERTIFICATE_WARNING}: expired and expiring have their own words.
     */
    private NextStep certificateStep(Connection connection, Instant now) {
        Instant expiresAt = Times.parseOrNull(connection.certificateExpiresAt());
        boolean expired = expiresAt != null && !expiresAt.isAfter(now);
        boolean dueSoon = expiresAt != null && !expiresAt.isAfter(now.plus(CERTIFICATE_WARNING));
        if (!expired && !dueSoon && !connection.certificateRenewalRequired()) {
            return null;
        }
        Advice words = nextStepWords(expired ? "certificate_expired" : "certificate_expiring");
        return step(words, docUrlForConnection(connection.connectionType()), INTENT_CERTIFICATE_RENEWAL);
    }

    /** In the same state for {@link #STUCK_AFTER} or more since its last change (else since it was made). */
    static boolean stuck(String createdAt, String updatedAt, Instant now) {
        Instant since = Times.parseOrNull(updatedAt);
        if (since == null) {
            since = Times.parseOrNull(createdAt);
        }
        return since == null || !since.plus(STUCK_AFTER).isAfter(now);
    }

    private static NextStep step(Advice advice, String docUrl, String intent) {
        return new NextStep(advice.problem(), advice.cause(), advice.fix(), docUrl, intent);
    }

    private static String genericDocUrl(Map<String, Provider> index, String type) {
        Provider generic = index.get(key(type));
        if (generic == null) {
            throw new IllegalStateException("guide: no provider for the generic type " + type);
        }
        return generic.docUrl();
    }

    private static <T> void unique(Map<String, T> index, String name, T value, String what) {
        require(name, what);
        if (index.putIfAbsent(key(name), value) != null) {
            throw new IllegalStateException("guide: " + what + " " + name + " appears twice");
        }
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("guide: missing " + what);
        }
    }

    private static String key(String text) {
        return text.trim().toLowerCase(Locale.ROOT);
    }
}
