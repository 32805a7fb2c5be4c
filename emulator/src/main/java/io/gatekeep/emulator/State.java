package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.catalogue.WorkOsCatalogue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Everything the emulated WorkOS holds, behind one lock (every method is synchronized on this object; callers
 * that need several reads to be consistent synchronize on it too). Every change stamps the object's
 * {@code updated_at} from {@link EmuClock#stamp()} and emits the event WorkOS would emit, with the data shape
 * of WorkOS's OpenAPI spec. Only events of the WorkOS catalogue are ever emitted; state changes WorkOS
 * sends no event for (a connection created as draft or moving to validating, a directory going
 * invalid_credentials or unlinked) emit nothing, as on WorkOS.
 */
final class State {
    /** WorkOS's own enums (the catalogue cites the spec): the emulator holds no state WorkOS cannot have. */
    static final WorkOsCatalogue CATALOGUE = WorkOsCatalogue.get();
    static final Set<String> CONNECTION_STATES = CATALOGUE.enumValues("connection.state");
    static final Set<String> DIRECTORY_STATES = CATALOGUE.enumValues("directory.state");
    static final Set<String> DOMAIN_STATES = CATALOGUE.enumValues("organization_domain.state");
    static final Set<String> USER_STATES = CATALOGUE.enumValues("directory_user.state");
    static final Set<String> CERTIFICATE_TYPES = Set.of("ResponseSigning", "RequestSigning", "ResponseEncryption");
    static final Set<String> DOMAIN_FAILURE_REASONS =
            Set.of("domain_verification_period_expired", "domain_verified_by_other_organization");
    static final Duration EVENT_RETENTION = Duration.ofDays(30);
    static final Duration PORTAL_LINK_LIFETIME = Duration.ofMinutes(5);
    static final Duration PORTAL_SESSION_LIFETIME = Duration.ofHours(1);

    /** A lookup of an id that does not exist (or no longer exists). */
    static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String kind;
        final String id;

        NotFound(String kind, String id) {
            super(kind + " not found: '" + id + "'.");
            this.kind = kind;
            this.id = id;
        }
    }

    static final class Org {
        String id, name, externalId, stripeCustomerId;
        Map<String, String> metadata = new LinkedHashMap<>();
        final List<String> domainIds = new ArrayList<>();
        Instant createdAt, updatedAt;
    }

    static final class Domain {
        String id, orgId, domain, state, strategy, token, prefix;
        Instant createdAt, updatedAt;
    }

    static final class Conn {
        String id, orgId, type, name, state, externalKey, certType;
        Instant certExpiry, createdAt, updatedAt;
    }

    static final class Dir {
        String id, orgId, type, name, state, externalKey;
        int userSeq;
        Instant createdAt, updatedAt;
    }

    static final class User {
        String id, dirId, orgId, idpId, email, firstName, lastName, jobTitle, state, role;
        Map<String, Object> custom = new LinkedHashMap<>();
        Instant createdAt, updatedAt;
    }

    static final class Group {
        String id, dirId, orgId, idpId, name;
        Instant createdAt, updatedAt;
    }

    static final class PortalLink {
        String token, orgId, intent, returnUrl, successUrl;
        List<String> itContactEmails;
        Instant createdAt, expiresAt, launchedAt;
    }

    private final EmuClock clock;
    private final Ids ids;
    private final Consumer<StoredEvent> sink;

    final TreeMap<String, Org> orgs = new TreeMap<>();
    final TreeMap<String, Domain> domains = new TreeMap<>();
    final TreeMap<String, Conn> conns = new TreeMap<>();
    final TreeMap<String, Dir> dirs = new TreeMap<>();
    final TreeMap<String, User> users = new TreeMap<>();
    final TreeMap<String, Group> groups = new TreeMap<>();
    private final Map<String, TreeSet<String>> groupsOfUser = new HashMap<>();
    private final Map<String, TreeSet<String>> usersOfGroup = new HashMap<>();
    private final List<StoredEvent> events = new ArrayList<>();
    private final Map<String, PortalLink> portalLinks = new HashMap<>();
    /** People who signed in through SSO (AuthKit users and their organization memberships). */
    final SsoSignIns.People people = new SsoSignIns.People();
    DemoWorld demo;

    State(EmuClock clock, Ids ids, Consumer<StoredEvent> sink) {
        this.clock = clock;
        this.ids = ids;
        this.sink = sink;
    }

    EmuClock clock() {
        return clock;
    }

    Ids ids() {
        return ids;
    }

    synchronized void reset() {
        orgs.clear();
        domains.clear();
        conns.clear();
        dirs.clear();
        users.clear();
        groups.clear();
        groupsOfUser.clear();
        usersOfGroup.clear();
        events.clear();
        portalLinks.clear();
        people.clear();
        demo = null;
    }

    // ---------------------------------------------------------------- lookups

    synchronized Org org(String id) {
        return find(orgs, id, "Organization");
    }

    synchronized Domain domain(String id) {
        return find(domains, id, "Organization Domain");
    }

    synchronized Conn conn(String id) {
        return find(conns, id, "Connection");
    }

    synchronized Dir dir(String id) {
        return find(dirs, id, "Directory");
    }

    synchronized User user(String id) {
        return find(users, id, "Directory User");
    }

    synchronized Group group(String id) {
        return find(groups, id, "Directory Group");
    }

    private static <T> T find(Map<String, T> map, String id, String kind) {
        T t = id == null ? null : map.get(id);
        if (t == null) {
            throw new NotFound(kind, id);
        }
        return t;
    }

    synchronized List<Domain> domainsOf(Org o) {
        return o.domainIds.stream().map(domains::get).toList();
    }

    synchronized List<Group> groupsOfUser(String userId) {
        return groupsOfUser.getOrDefault(userId, new TreeSet<>()).stream().map(groups::get).toList();
    }

    synchronized List<User> usersOfGroup(String groupId) {
        return usersOfGroup.getOrDefault(groupId, new TreeSet<>()).stream().map(users::get).toList();
    }

    synchronized List<StoredEvent> events() {
        return List.copyOf(events);
    }

    /** Events the Events API can see: inside the 30-day window and older than the visibility lag. */
    synchronized List<StoredEvent> visibleEvents(Duration lag) {
        Instant now = clock.now();
        Instant oldest = now.minus(EVENT_RETENTION);
        Instant newest = lag.isZero() ? Instant.MAX : now.minus(lag);
        return events.stream()
                .filter(e -> !e.createdAt().isBefore(oldest) && !e.createdAt().isAfter(newest))
                .toList();
    }

    // ---------------------------------------------------------------- wire rendering (WorkOS API objects)

    synchronized ObjectNode renderOrg(Org o) {
        ObjectNode n = Json.obj();
        n.put("object", "organization");
        n.put("id", o.id);
        n.put("name", o.name);
        ArrayNode ds = n.putArray("domains");
        for (Domain d : domainsOf(o)) {
            ds.add(renderDomain(d));
        }
        ObjectNode md = n.putObject("metadata");
        o.metadata.forEach(md::put);
        n.put("external_id", o.externalId);
        if (o.stripeCustomerId != null) {
            n.put("stripe_customer_id", o.stripeCustomerId);
        }
        Json.putTime(n, "created_at", o.createdAt);
        Json.putTime(n, "updated_at", o.updatedAt);
        n.put("allow_profiles_outside_organization", false);
        return n;
    }

    /** Organization events carry the organization without the deprecated allow_profiles_outside_organization. */
    private ObjectNode orgEventData(Org o) {
        ObjectNode n = renderOrg(o);
        n.remove("allow_profiles_outside_organization");
        return n;
    }

    ObjectNode renderDomain(Domain d) {
        ObjectNode n = Json.obj();
        n.put("object", "organization_domain");
        n.put("id", d.id);
        n.put("organization_id", d.orgId);
        n.put("domain", d.domain);
        n.put("state", d.state);
        n.put("verification_prefix", d.prefix);
        n.put("verification_token", d.token);
        n.put("verification_strategy", d.strategy);
        Json.putTime(n, "created_at", d.createdAt);
        Json.putTime(n, "updated_at", d.updatedAt);
        return n;
    }

    synchronized ObjectNode renderConnection(Conn c) {
        ObjectNode n = Json.obj();
        n.put("object", "connection");
        n.put("id", c.id);
        n.put("organization_id", c.orgId);
        n.put("connection_type", c.type);
        n.put("name", c.name);
        n.put("state", c.state);
        n.put("status", connectionStatus(c));
        n.set("domains", connectionDomains(c));
        Json.putTime(n, "created_at", c.createdAt);
        Json.putTime(n, "updated_at", c.updatedAt);
        return n;
    }

    private static String connectionStatus(Conn c) {
        return "active".equals(c.state) ? "linked" : "unlinked";
    }

    private ArrayNode connectionDomains(Conn c) {
        ArrayNode arr = Json.arr();
        Org o = orgs.get(c.orgId);
        if (o != null) {
            for (Domain d : domainsOf(o)) {
                ObjectNode dn = arr.addObject();
                dn.put("id", d.id);
                dn.put("object", "connection_domain");
                dn.put("domain", d.domain);
            }
        }
        return arr;
    }

    /**
     * Connection event data as the spec's event schemas give it: activated/deactivated carry the full
     * connection ({@code external_key}, {@code status}, {@code domains} too); deleted the core fields.
     */
    private ObjectNode connectionEventData(Conn c, String state, boolean full) {
        ObjectNode n = Json.obj();
        n.put("object", "connection");
        n.put("id", c.id);
        n.put("state", state);
        n.put("name", c.name);
        n.put("connection_type", c.type);
        n.put("organization_id", c.orgId);
        Json.putTime(n, "created_at", c.createdAt);
        Json.putTime(n, "updated_at", c.updatedAt);
        if (full) {
            n.put("external_key", c.externalKey);
            n.put("status", connectionStatus(c));
            n.set("domains", connectionDomains(c));
        }
        return n;
    }

    synchronized ObjectNode renderDirectory(Dir d) {
        ObjectNode n = Json.obj();
        n.put("object", "directory");
        n.put("id", d.id);
        n.put("organization_id", d.orgId);
        n.put("external_key", d.externalKey);
        n.put("type", d.type);
        n.put("state", d.state);
        n.put("name", d.name);
        Org o = orgs.get(d.orgId);
        if (o != null && !o.domainIds.isEmpty()) {
            n.put("domain", domains.get(o.domainIds.get(0)).domain);
        }
        long active = 0;
        long inactive = 0;
        long groupCount = 0;
        for (User u : users.values()) {
            if (u.dirId.equals(d.id)) {
                if ("active".equals(u.state)) {
                    active++;
                } else {
                    inactive++;
                }
            }
        }
        for (Group g : groups.values()) {
            if (g.dirId.equals(d.id)) {
                groupCount++;
            }
        }
        ObjectNode md = n.putObject("metadata");
        ObjectNode mu = md.putObject("users");
        mu.put("active", active);
        mu.put("inactive", inactive);
        md.put("groups", groupCount);
        Json.putTime(n, "created_at", d.createdAt);
        Json.putTime(n, "updated_at", d.updatedAt);
        return n;
    }

    /** WorkOS's two verified domain states: {@code verified} and {@code legacy_verified}. */
    static boolean isVerified(String domainState) {
        return "verified".equals(domainState) || "legacy_verified".equals(domainState);
    }

    private ObjectNode directoryEventData(Dir d, String state, boolean activated) {
        ObjectNode n = Json.obj();
        n.put("object", "directory");
        n.put("id", d.id);
        n.put("organization_id", d.orgId);
        n.put("type", d.type);
        n.put("state", state);
        n.put("name", d.name);
        Json.putTime(n, "created_at", d.createdAt);
        Json.putTime(n, "updated_at", d.updatedAt);
        if (activated) {
            n.put("external_key", d.externalKey);
            ArrayNode ds = n.putArray("domains");
            Org o = orgs.get(d.orgId);
            if (o != null) {
                for (Domain dom : domainsOf(o)) {
                    ObjectNode dn = ds.addObject();
                    dn.put("object", "organization_domain");
                    dn.put("id", dom.id);
                    dn.put("domain", dom.domain);
                }
            }
        }
        return n;
    }

    synchronized ObjectNode renderUser(User u, boolean withGroups) {
        ObjectNode n = Json.obj();
        n.put("object", "directory_user");
        n.put("id", u.id);
        n.put("directory_id", u.dirId);
        n.put("organization_id", u.orgId);
        n.put("idp_id", u.idpId);
        n.put("email", u.email);
        n.put("first_name", u.firstName);
        n.put("last_name", u.lastName);
        n.put("name", fullName(u));
        ArrayNode emails = n.putArray("emails");
        if (u.email != null) {
            ObjectNode e = emails.addObject();
            e.put("primary", true);
            e.put("type", "work");
            e.put("value", u.email);
        }
        n.put("job_title", u.jobTitle);
        n.put("username", u.email);
        n.put("state", u.state);
        ObjectNode raw = n.putObject("raw_attributes");
        raw.put("userName", u.email);
        raw.put("active", "active".equals(u.state));
        ObjectNode rawName = raw.putObject("name");
        rawName.put("givenName", u.firstName);
        rawName.put("familyName", u.lastName);
        n.set("custom_attributes", Json.MAPPER.valueToTree(u.custom));
        n.putObject("role").put("slug", u.role);
        n.putArray("roles").addObject().put("slug", u.role);
        Json.putTime(n, "created_at", u.createdAt);
        Json.putTime(n, "updated_at", u.updatedAt);
        if (withGroups) {
            ArrayNode gs = n.putArray("groups");
            for (Group g : groupsOfUser(u.id)) {
                gs.add(renderGroup(g));
            }
        }
        return n;
    }

    private static String fullName(User u) {
        if (u.firstName == null && u.lastName == null) {
            return null;
        }
        return ((u.firstName == null ? "" : u.firstName) + " " + (u.lastName == null ? "" : u.lastName)).trim();
    }

    ObjectNode renderGroup(Group g) {
        ObjectNode n = Json.obj();
        n.put("object", "directory_group");
        n.put("id", g.id);
        n.put("idp_id", g.idpId);
        n.put("directory_id", g.dirId);
        n.put("organization_id", g.orgId);
        n.put("name", g.name);
        n.putObject("raw_attributes").put("displayName", g.name);
        Json.putTime(n, "created_at", g.createdAt);
        Json.putTime(n, "updated_at", g.updatedAt);
        return n;
    }

    // ---------------------------------------------------------------- events

    /** Stores the event for the Events API and hands it to the webhooks; returns it. */
    StoredEvent emit(String name, String orgId, ObjectNode data) {
        if (!CATALOGUE.isEvent(name)) {
            throw new IllegalStateException(name + " is not a WorkOS event type (see workos-catalogue.json)");
        }
        Instant at = clock.stamp();
        String id = ids.next("event_", at.toEpochMilli());
        ObjectNode body = Json.obj();
        body.put("object", "event");
        body.put("id", id);
        body.put("event", name);
        body.set("data", data);
        Json.putTime(body, "created_at", at);
        StoredEvent e = new StoredEvent(id, name, orgId, at, Json.write(body), body);
        events.add(e);
        sink.accept(e);
        return e;
    }

    // ---------------------------------------------------------------- organizations and domains

    synchronized Org createOrg(String name, List<DomainSpec> domainSpecs, Map<String, String> metadata,
                               String externalId) {
        requireText(name, "name");
        checkNewDomains(domainSpecs);
        Instant at = clock.stamp();
        Org o = new Org();
        o.id = ids.next("org_", at.toEpochMilli());
        o.name = name;
        o.externalId = externalId;
        if (metadata != null) {
            o.metadata.putAll(metadata);
        }
        o.createdAt = at;
        o.updatedAt = at;
        orgs.put(o.id, o);
        List<Domain> created = new ArrayList<>();
        for (DomainSpec spec : domainSpecs) {
            created.add(newDomain(o, spec.domain(), spec.state()));
        }
        emit("organization.created", o.id, orgEventData(o));
        for (Domain d : created) {
            emit("organization_domain.created", o.id, renderDomain(d));
        }
        return o;
    }

    private void checkNewDomains(List<DomainSpec> specs) {
        Set<String> seen = new TreeSet<>();
        for (DomainSpec s : specs) {
            String domain = normalizeDomain(s.domain());
            if (!seen.add(domain)) {
                throw new IllegalArgumentException("domain_data: duplicate domain '" + domain + "'");
            }
            requireOneOf(DOMAIN_STATES, s.state(), "domain_data: state");
        }
    }

    static String normalizeDomain(String domain) {
        if (domain == null || domain.isBlank() || !domain.contains(".") || domain.contains(" ")) {
            throw new IllegalArgumentException("domain: '" + domain + "' is not a valid domain");
        }
        return domain.trim().toLowerCase(Locale.ROOT);
    }

    private Domain newDomain(Org o, String domain, String state) {
        Domain d = new Domain();
        Instant stamp = clock.stamp();
        d.id = ids.next("org_domain_", stamp.toEpochMilli());
        d.orgId = o.id;
        d.domain = normalizeDomain(domain);
        d.state = state;
        d.strategy = "verified".equals(state) ? "manual" : "dns";
        d.token = ids.token(25);
        d.prefix = "emulator-domain-verification-" + ids.token(6).toLowerCase(Locale.ROOT);
        d.createdAt = stamp;
        d.updatedAt = stamp;
        domains.put(d.id, d);
        o.domainIds.add(d.id);
        return d;
    }

    /**
     * Update as {@code PUT /organizations/{id}} does: null arguments stay as they are; {@code domainData},
     * when given, replaces the organization's domains (kept ones keep their ids; their state follows).
     */
    synchronized Org updateOrg(String id, String name, List<DomainSpec> domainData, Map<String, String> metadata,
                               String externalId, String stripeCustomerId) {
        Org o = org(id);
        boolean changed = false;
        if (name != null && !name.equals(o.name)) {
            requireText(name, "name");
            o.name = name;
            changed = true;
        }
        if (metadata != null && !metadata.equals(o.metadata)) {
            o.metadata = new LinkedHashMap<>(metadata);
            changed = true;
        }
        if (externalId != null && !externalId.equals(o.externalId)) {
            o.externalId = externalId;
            changed = true;
        }
        if (stripeCustomerId != null && !stripeCustomerId.equals(o.stripeCustomerId)) {
            o.stripeCustomerId = stripeCustomerId;
            changed = true;
        }
        List<Runnable> domainEvents = new ArrayList<>();
        if (domainData != null) {
            checkNewDomains(domainData);
            Map<String, Domain> existing = new LinkedHashMap<>();
            for (Domain d : domainsOf(o)) {
                existing.put(d.domain, d);
            }
            List<String> newOrder = new ArrayList<>();
            for (DomainSpec spec : domainData) {
                String dn = normalizeDomain(spec.domain());
                Domain d = existing.remove(dn);
                if (d == null) {
                    Domain created = newDomain(o, dn, spec.state());
                    o.domainIds.remove(created.id);
                    newOrder.add(created.id);
                    ObjectNode data = renderDomain(created);
                    domainEvents.add(() -> emit("organization_domain.created", o.id, data));
                    changed = true;
                } else {
                    newOrder.add(d.id);
                    if (!d.state.equals(spec.state())) {
                        d.state = spec.state();
                        if ("verified".equals(spec.state())) {
                            d.strategy = "manual";
                        }
                        d.updatedAt = clock.stamp();
                        Runnable r = domainStateEvent(d, "domain_verification_period_expired");
                        domainEvents.add(r);
                        changed = true;
                    }
                }
            }
            for (Domain removed : existing.values()) {
                removed.updatedAt = clock.stamp();
                domains.remove(removed.id);
                ObjectNode data = renderDomain(removed);
                domainEvents.add(() -> emit("organization_domain.deleted", o.id, data));
                changed = true;
            }
            o.domainIds.clear();
            o.domainIds.addAll(newOrder);
        }
        if (changed) {
            domainEvents.forEach(Runnable::run);
            o.updatedAt = clock.stamp();
            emit("organization.updated", o.id, orgEventData(o));
        }
        return o;
    }

    private Runnable domainStateEvent(Domain d, String failureReason) {
        ObjectNode data = renderDomain(d);
        return switch (d.state) {
            case "verified" -> () -> emit("organization_domain.verified", d.orgId, data);
            case "failed" -> () -> {
                ObjectNode failed = Json.obj();
                failed.put("reason", failureReason);
                failed.set("organization_domain", data);
                emit("organization_domain.verification_failed", d.orgId, failed);
            };
            default -> () -> emit("organization_domain.updated", d.orgId, data);
        };
    }

    private void touchOrg(Org o) {
        o.updatedAt = clock.stamp();
        emit("organization.updated", o.id, orgEventData(o));
    }

    synchronized Domain addDomain(String orgId, String domain, String state) {
        Org o = org(orgId);
        String dn = normalizeDomain(domain);
        for (Domain d : domainsOf(o)) {
            if (d.domain.equals(dn)) {
                WorkOsCatalogue.ErrorAnswer conflict = CATALOGUE.error("POST /organization_domains", "duplicateDomain");
                throw new Http.ApiError(conflict.status(), conflict.code(), conflict.message());
            }
        }
        requireOneOf(DOMAIN_STATES, state, "state");
        Domain d = newDomain(o, dn, state);
        emit("organization_domain.created", o.id, renderDomain(d));
        touchOrg(o);
        return d;
    }

    synchronized Domain setDomainState(String domainId, String state, String failureReason) {
        Domain d = domain(domainId);
        requireOneOf(DOMAIN_STATES, state, "state");
        String reason = failureReason == null ? "domain_verification_period_expired" : failureReason;
        requireOneOf(DOMAIN_FAILURE_REASONS, reason, "reason");
        if (d.state.equals(state)) {
            return d;
        }
        d.state = state;
        d.updatedAt = clock.stamp();
        domainStateEvent(d, reason).run();
        touchOrg(orgs.get(d.orgId));
        return d;
    }

    synchronized void deleteDomain(String domainId) {
        Domain d = domain(domainId);
        Org o = orgs.get(d.orgId);
        d.updatedAt = clock.stamp();
        domains.remove(d.id);
        o.domainIds.remove(d.id);
        emit("organization_domain.deleted", o.id, renderDomain(d));
        touchOrg(o);
    }

    /** Deletes the organization with its connections and directories (each emits its own deleted event). */
    synchronized void deleteOrg(String id) {
        Org o = org(id);
        for (Conn c : List.copyOf(conns.values())) {
            if (c.orgId.equals(id)) {
                deleteConnection(c.id);
            }
        }
        for (Dir d : List.copyOf(dirs.values())) {
            if (d.orgId.equals(id)) {
                deleteDirectory(d.id);
            }
        }
        o.updatedAt = clock.stamp();
        ObjectNode data = orgEventData(o);
        for (String did : o.domainIds) {
            domains.remove(did);
        }
        orgs.remove(id);
        portalLinks.values().removeIf(l -> l.orgId.equals(id));
        emit("organization.deleted", id, data);
    }

    // ---------------------------------------------------------------- connections

    static boolean isSaml(String connectionType) {
        return connectionType.endsWith("SAML");
    }

    synchronized Conn createConnection(String orgId, String type, String name, String state) {
        Org o = org(orgId);
        requireText(type, "connection_type");
        requireOneOf(CONNECTION_STATES, state, "state");
        Instant at = clock.stamp();
        Conn c = new Conn();
        c.id = ids.next("conn_", at.toEpochMilli());
        c.orgId = o.id;
        c.type = type;
        c.name = name == null || name.isBlank() ? o.name + " " + type : name;
        c.state = state;
        c.externalKey = ids.token(16);
        if (isSaml(type)) {
            c.certType = "ResponseSigning";
            c.certExpiry = clock.now().plus(Duration.ofDays(365));
        }
        c.createdAt = at;
        c.updatedAt = at;
        conns.put(c.id, c);
        if ("active".equals(state)) {
            emit("connection.activated", o.id, connectionEventData(c, c.state, true));
        }
        return c;
    }

    /** Moving into active emits connection.activated; leaving active emits connection.deactivated. */
    synchronized Conn setConnectionState(String id, String state) {
        Conn c = conn(id);
        requireOneOf(CONNECTION_STATES, state, "state");
        if (c.state.equals(state)) {
            return c;
        }
        String old = c.state;
        c.state = state;
        c.updatedAt = clock.stamp();
        if ("active".equals(state)) {
            emit("connection.activated", c.orgId, connectionEventData(c, c.state, true));
        } else if ("active".equals(old)) {
            emit("connection.deactivated", c.orgId, connectionEventData(c, c.state, true));
        }
        return c;
    }

    synchronized Conn setCertificate(String id, String certificateType, Instant expiry) {
        Conn c = conn(id);
        Objects.requireNonNull(expiry, "expiry_date");
        String type = certificateType == null ? (c.certType == null ? "ResponseSigning" : c.certType) : certificateType;
        requireOneOf(CERTIFICATE_TYPES, type, "certificate_type");
        c.certType = type;
        c.certExpiry = expiry;
        c.updatedAt = clock.stamp();
        return c;
    }

    synchronized StoredEvent emitCertificateRenewalRequired(String id) {
        Conn c = conn(id);
        requireCertificate(c);
        Instant now = clock.now();
        long days = Math.max(0, Duration.between(now, c.certExpiry).toDays());
        ObjectNode data = Json.obj();
        ObjectNode cn = data.putObject("connection");
        cn.put("id", c.id);
        cn.put("organization_id", c.orgId);
        ObjectNode cert = data.putObject("certificate");
        cert.put("certificate_type", c.certType);
        Json.putTime(cert, "expiry_date", c.certExpiry);
        cert.put("is_expired", !c.certExpiry.isAfter(now));
        data.put("days_until_expiry", days);
        emit("connection.saml_certificate_renewal_required", c.orgId, data);
        return events.get(events.size() - 1);
    }

    synchronized Conn renewCertificate(String id, Instant newExpiry) {
        Conn c = conn(id);
        requireCertificate(c);
        Instant renewedAt = clock.stamp();
        c.certExpiry = newExpiry == null ? renewedAt.plus(Duration.ofDays(365)) : newExpiry;
        c.updatedAt = renewedAt;
        ObjectNode data = Json.obj();
        ObjectNode cn = data.putObject("connection");
        cn.put("id", c.id);
        cn.put("organization_id", c.orgId);
        ObjectNode cert = data.putObject("certificate");
        cert.put("certificate_type", c.certType);
        Json.putTime(cert, "expiry_date", c.certExpiry);
        Json.putTime(data, "renewed_at", renewedAt);
        emit("connection.saml_certificate_renewed", c.orgId, data);
        return c;
    }

    private static void requireCertificate(Conn c) {
        if (c.certExpiry == null) {
            throw new IllegalArgumentException("connection " + c.id + " (" + c.type + ") has no SAML certificate");
        }
    }

    synchronized void deleteConnection(String id) {
        Conn c = conn(id);
        c.updatedAt = clock.stamp();
        conns.remove(id);
        emit("connection.deleted", c.orgId, connectionEventData(c, "deleting", false));
    }

    // ---------------------------------------------------------------- directories

    synchronized Dir createDirectory(String orgId, String type, String name, String state) {
        Org o = org(orgId);
        requireText(type, "type");
        requireOneOf(DIRECTORY_STATES, state, "state");
        Instant at = clock.stamp();
        Dir d = new Dir();
        d.id = ids.next("directory_", at.toEpochMilli());
        d.orgId = o.id;
        d.type = type;
        d.name = name == null || name.isBlank() ? o.name + " directory" : name;
        d.state = state;
        d.externalKey = ids.token(16);
        d.createdAt = at;
        d.updatedAt = at;
        dirs.put(d.id, d);
        if ("linked".equals(state)) {
            emit("dsync.activated", o.id, directoryEventData(d, "active", true));
        }
        return d;
    }

    /**
     * Moving into linked emits dsync.activated. Leaving linked (validating, invalid_credentials, unlinked)
     * emits nothing: WorkOS has no event for it (the product learns it from the directories list).
     */
    synchronized Dir setDirectoryState(String id, String state) {
        Dir d = dir(id);
        requireOneOf(DIRECTORY_STATES, state, "state");
        if (d.state.equals(state)) {
            return d;
        }
        d.state = state;
        d.updatedAt = clock.stamp();
        if ("linked".equals(state)) {
            emit("dsync.activated", d.orgId, directoryEventData(d, "active", true));
        }
        return d;
    }

    /** Like WorkOS: one dsync.deleted; no per-user or per-group deleted events. */
    synchronized void deleteDirectory(String id) {
        Dir d = dir(id);
        for (User u : List.copyOf(users.values())) {
            if (u.dirId.equals(id)) {
                users.remove(u.id);
                groupsOfUser.remove(u.id);
            }
        }
        for (Group g : List.copyOf(groups.values())) {
            if (g.dirId.equals(id)) {
                groups.remove(g.id);
                usersOfGroup.remove(g.id);
            }
        }
        d.updatedAt = clock.stamp();
        dirs.remove(id);
        emit("dsync.deleted", d.orgId, directoryEventData(d, "deleting", false));
    }

    // ---------------------------------------------------------------- directory users and groups

    private static final String[] FIRST = {
        "Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances",
        "Edsger", "Radia", "Donald", "Hedy", "Tim", "Shafi", "John", "Sophie", "Guido", "Anita",
        "Bjarne", "Jean", "Niklaus", "Adele", "Leslie", "Mary", "James", "Evelyn", "Robert", "Joan"
    };
    private static final String[] LAST = {
        "Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
        "Allen", "Dijkstra", "Perlman", "Knuth", "Lamarr", "Berners", "Goldwasser", "McCarthy", "Wilson",
        "Rossum", "Borg", "Stroustrup", "Sammet", "Wirth", "Goldberg", "Lamport", "Keller", "Gosling",
        "Boyd", "Tarjan", "Clarke"
    };
    private static final String[] DEPARTMENTS = {"Engineering", "Sales", "Marketing", "Support", "Finance", "Legal"};
    private static final String[] TITLES = {"Engineer", "Account Executive", "Designer", "Support Specialist", "Analyst", "Counsel"};

    synchronized List<User> addUsers(String dirId, int count) {
        Dir d = dir(dirId);
        if (count < 0 || count > 10_000) {
            throw new IllegalArgumentException("count must be between 0 and 10000");
        }
        String mailDomain = mailDomain(d);
        Set<String> taken = new TreeSet<>();
        for (User u : users.values()) {
            if (u.dirId.equals(dirId) && u.email != null) {
                taken.add(u.email);
            }
        }
        List<User> created = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int i = d.userSeq++;
            String first = FIRST[i % FIRST.length];
            String last = LAST[(i / FIRST.length + i) % LAST.length];
            String local = (first + "." + last).toLowerCase(Locale.ROOT);
            String email = local + "@" + mailDomain;
            if (taken.contains(email)) {
                email = local + (i + 1) + "@" + mailDomain;
            }
            taken.add(email);
            Map<String, Object> custom = new LinkedHashMap<>();
            custom.put("department", DEPARTMENTS[i % DEPARTMENTS.length]);
            custom.put("job_title", TITLES[i % TITLES.length]);
            created.add(createUser(dirId, email, first, last, TITLES[i % TITLES.length], custom, "member", "active"));
        }
        return created;
    }

    private String mailDomain(Dir d) {
        Org o = orgs.get(d.orgId);
        for (Domain dom : domainsOf(o)) {
            if (isVerified(dom.state)) {
                return dom.domain;
            }
        }
        return o.domainIds.isEmpty() ? "example.com" : domains.get(o.domainIds.get(0)).domain;
    }

    synchronized User createUser(String dirId, String email, String firstName, String lastName, String jobTitle,
                                 Map<String, Object> custom, String role, String state) {
        Dir d = dir(dirId);
        String st = state == null ? "active" : state;
        requireOneOf(USER_STATES, st, "state");
        Instant at = clock.stamp();
        User u = new User();
        u.id = ids.next("directory_user_", at.toEpochMilli());
        u.dirId = d.id;
        u.orgId = d.orgId;
        u.idpId = ids.token(20).toLowerCase(Locale.ROOT);
        u.email = email;
        u.firstName = firstName;
        u.lastName = lastName;
        u.jobTitle = jobTitle;
        u.state = st;
        u.role = role == null ? "member" : role;
        if (custom != null) {
            u.custom.putAll(custom);
        }
        u.createdAt = at;
        u.updatedAt = at;
        users.put(u.id, u);
        emit("dsync.user.created", u.orgId, renderUser(u, false));
        return u;
    }

    /** Emits dsync.user.updated with {@code previous_attributes} holding the old values of changed fields. */
    synchronized User updateUser(String id, UserUpdate up) {
        User u = user(id);
        ObjectNode prev = Json.obj();
        if (up.firstName() != null && !up.firstName().equals(u.firstName)) {
            prev.put("first_name", u.firstName);
            u.firstName = up.firstName();
        }
        if (up.lastName() != null && !up.lastName().equals(u.lastName)) {
            prev.put("last_name", u.lastName);
            u.lastName = up.lastName();
        }
        if (up.email() != null && !up.email().equals(u.email)) {
            prev.put("email", u.email);
            u.email = up.email();
        }
        if (up.state() != null && !up.state().equals(u.state)) {
            requireOneOf(USER_STATES, up.state(), "state");
            prev.put("state", u.state);
            u.state = up.state();
        }
        if (up.jobTitle() != null && !up.jobTitle().equals(u.jobTitle)) {
            prev.put("job_title", u.jobTitle);
            u.jobTitle = up.jobTitle();
        }
        if (up.role() != null && !up.role().equals(u.role)) {
            prev.putObject("role").put("slug", u.role);
            u.role = up.role();
        }
        if (up.customAttributes() != null && !up.customAttributes().equals(u.custom)) {
            prev.set("custom_attributes", Json.MAPPER.valueToTree(u.custom));
            u.custom = new LinkedHashMap<>(up.customAttributes());
        }
        if (prev.isEmpty()) {
            return u;
        }
        u.updatedAt = clock.stamp();
        ObjectNode data = renderUser(u, false);
        data.set("previous_attributes", prev);
        emit("dsync.user.updated", u.orgId, data);
        return u;
    }

    /** Removes the user from its groups (dsync.group.user_removed each), then dsync.user.deleted. */
    synchronized void deleteUser(String id) {
        User u = user(id);
        for (Group g : groupsOfUser(id)) {
            removeUserFromGroup(g.id, id);
        }
        u.updatedAt = clock.stamp();
        users.remove(id);
        groupsOfUser.remove(id);
        emit("dsync.user.deleted", u.orgId, renderUser(u, false));
    }

    synchronized Group createGroup(String dirId, String name) {
        Dir d = dir(dirId);
        requireText(name, "name");
        Instant at = clock.stamp();
        Group g = new Group();
        g.id = ids.next("directory_group_", at.toEpochMilli());
        g.dirId = d.id;
        g.orgId = d.orgId;
        g.idpId = ids.token(15).toLowerCase(Locale.ROOT);
        g.name = name;
        g.createdAt = at;
        g.updatedAt = at;
        groups.put(g.id, g);
        emit("dsync.group.created", g.orgId, renderGroup(g));
        return g;
    }

    synchronized Group renameGroup(String id, String name) {
        Group g = group(id);
        requireText(name, "name");
        if (name.equals(g.name)) {
            return g;
        }
        String old = g.name;
        g.name = name;
        g.updatedAt = clock.stamp();
        ObjectNode data = renderGroup(g);
        data.putObject("previous_attributes").put("name", old);
        emit("dsync.group.updated", g.orgId, data);
        return g;
    }

    synchronized void deleteGroup(String id) {
        Group g = group(id);
        for (String uid : usersOfGroup.getOrDefault(id, new TreeSet<>())) {
            TreeSet<String> gs = groupsOfUser.get(uid);
            if (gs != null) {
                gs.remove(id);
            }
        }
        usersOfGroup.remove(id);
        g.updatedAt = clock.stamp();
        groups.remove(id);
        emit("dsync.group.deleted", g.orgId, renderGroup(g));
    }

    synchronized boolean addUserToGroup(String groupId, String userId) {
        Group g = group(groupId);
        User u = user(userId);
        if (!g.dirId.equals(u.dirId)) {
            throw new IllegalArgumentException("user and group belong to different directories");
        }
        if (!usersOfGroup.computeIfAbsent(groupId, k -> new TreeSet<>()).add(userId)) {
            return false;
        }
        groupsOfUser.computeIfAbsent(userId, k -> new TreeSet<>()).add(groupId);
        emit("dsync.group.user_added", g.orgId, membershipData(g, u));
        return true;
    }

    synchronized boolean removeUserFromGroup(String groupId, String userId) {
        Group g = group(groupId);
        User u = user(userId);
        TreeSet<String> members = usersOfGroup.get(groupId);
        if (members == null || !members.remove(userId)) {
            return false;
        }
        groupsOfUser.get(userId).remove(groupId);
        emit("dsync.group.user_removed", g.orgId, membershipData(g, u));
        return true;
    }

    private ObjectNode membershipData(Group g, User u) {
        ObjectNode data = Json.obj();
        data.put("directory_id", g.dirId);
        data.set("user", renderUser(u, false));
        data.set("group", renderGroup(g));
        return data;
    }

    // ---------------------------------------------------------------- admin portal links

    synchronized PortalLink createPortalLink(String orgId, String intent, String returnUrl, String successUrl,
                                             List<String> itContactEmails) {
        Org o = org(orgId);
        PortalLink l = new PortalLink();
        l.token = ids.token(40);
        l.orgId = o.id;
        l.intent = intent;
        l.returnUrl = returnUrl;
        l.successUrl = successUrl;
        l.itContactEmails = itContactEmails == null ? List.of() : List.copyOf(itContactEmails);
        l.createdAt = clock.now();
        l.expiresAt = l.createdAt.plus(PORTAL_LINK_LIFETIME);
        portalLinks.put(l.token, l);
        return l;
    }

    /** The link for a token, or null. */
    synchronized PortalLink portalLink(String token) {
        return portalLinks.get(token);
    }

    // ---------------------------------------------------------------- snapshot

    synchronized Snapshot snapshot() {
        List<Snapshot.Organization> os = orgs.values().stream()
                .map(o -> new Snapshot.Organization(o.id, o.name, List.copyOf(o.domainIds), Map.copyOf(o.metadata),
                        o.externalId, o.createdAt, o.updatedAt))
                .toList();
        List<Snapshot.Domain> ds = domains.values().stream().map(State::toRecord).toList();
        List<Snapshot.Connection> cs = conns.values().stream().map(State::toRecord).toList();
        List<Snapshot.Directory> dirsOut = dirs.values().stream().map(State::toRecord).toList();
        List<Snapshot.User> us = users.values().stream().map(State::toRecord).toList();
        List<Snapshot.Group> gs = groups.values().stream().map(State::toRecord).toList();
        List<Snapshot.Membership> ms = new ArrayList<>();
        for (Map.Entry<String, TreeSet<String>> e : new TreeMap<>(usersOfGroup).entrySet()) {
            for (String uid : e.getValue()) {
                ms.add(new Snapshot.Membership(uid, e.getKey()));
            }
        }
        return new Snapshot(clock.now(), os, ds, cs, dirsOut, us, gs, List.copyOf(ms));
    }

    static Snapshot.Domain toRecord(Domain d) {
        return new Snapshot.Domain(d.id, d.orgId, d.domain, d.state, d.strategy, d.token, d.createdAt, d.updatedAt);
    }

    static Snapshot.Connection toRecord(Conn c) {
        return new Snapshot.Connection(c.id, c.orgId, c.type, c.name, c.state, c.certType, c.certExpiry,
                c.createdAt, c.updatedAt);
    }

    static Snapshot.Directory toRecord(Dir d) {
        return new Snapshot.Directory(d.id, d.orgId, d.type, d.name, d.state, d.externalKey, d.createdAt, d.updatedAt);
    }

    static Snapshot.User toRecord(User u) {
        return new Snapshot.User(u.id, u.dirId, u.orgId, u.idpId, u.email, u.firstName, u.lastName, u.jobTitle,
                u.state, u.role, Map.copyOf(u.custom), u.createdAt, u.updatedAt);
    }

    static Snapshot.Group toRecord(Group g) {
        return new Snapshot.Group(g.id, g.dirId, g.orgId, g.idpId, g.name, g.createdAt, g.updatedAt);
    }

    synchronized Snapshot.Organization orgRecord(String id) {
        Org o = org(id);
        return new Snapshot.Organization(o.id, o.name, List.copyOf(o.domainIds), Map.copyOf(o.metadata),
                o.externalId, o.createdAt, o.updatedAt);
    }

    static void requireOneOf(Set<String> allowed, String value, String field) {
        if (value == null || !allowed.contains(value)) {
            throw new IllegalArgumentException(field + " must be one of " + new TreeSet<>(allowed));
        }
    }

    static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
    }
}
