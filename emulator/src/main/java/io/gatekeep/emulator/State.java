package io.gatekeep.emulator;

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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Everything the emulated WorkOS holds, behind one lock (every method is synchronized on this object; callers
 * that need several reads to be consistent synchronize on it too, as {@link ApiObjects}, {@link Organizations}
 * and {@link Directories} do). Here: the objects, their lookups, the events ({@link #emit}), portal links and
 * the snapshot. Every change ({@link Organizations}, {@link Directories}, {@link SsoSignIns}) stamps the
 * object's {@code updated_at} from {@link EmuClock#stamp()} and emits the event WorkOS would emit, with the
 * data shape of WorkOS's OpenAPI spec ({@link ApiObjects}). Only events of the WorkOS catalogue are ever
 * emitted; state changes WorkOS sends no event for (a connection created as draft or moving to validating, a
 * directory going invalid_credentials or unlinked) emit nothing, as on WorkOS.
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
    final Map<String, TreeSet<String>> groupsOfUser = new HashMap<>();
    final Map<String, TreeSet<String>> usersOfGroup = new HashMap<>();
    private final List<StoredEvent> events = new ArrayList<>();
    final Map<String, PortalLink> portalLinks = new HashMap<>();
    /** People who signed in through SSO (AuthKit users and their organization memberships). */
    final SsoSignIns.People people = new SsoSignIns.People();
    DemoWorld demo;

    /** The objects in wire shape. */
    final ApiObjects objects = new ApiObjects(this);
    /** Changes to organizations, domains and connections (each emits its event). */
    final Organizations organizations = new Organizations(this);
    /** Changes to directories, their users, groups and memberships (each emits its event). */
    final Directories directories = new Directories(this);

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

    // ---------------------------------------------------------------- what every part checks

    /** WorkOS's two verified domain states: {@code verified} and {@code legacy_verified}. */
    static boolean isVerified(String domainState) {
        return "verified".equals(domainState) || "legacy_verified".equals(domainState);
    }

    static String normalizeDomain(String domain) {
        if (domain == null || domain.isBlank() || !domain.contains(".") || domain.contains(" ")) {
            throw new IllegalArgumentException("domain: '" + domain + "' is not a valid domain");
        }
        return domain.trim().toLowerCase(Locale.ROOT);
    }

    static boolean isSaml(String connectionType) {
        return connectionType.endsWith("SAML");
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
