package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.emulator.Http.ApiError;
import io.gatekeep.emulator.Http.Req;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/** The WorkOS REST API subset the product uses, in the WorkOS wire format. */
final class WorkOsApi {
    static final List<String> INTENTS = List.copyOf(State.CATALOGUE.enumValues("portal.intent"));
    /** WorkOS's list default (the spec's PaginationOrder). */
    static final String ORDER_DEFAULT = State.CATALOGUE.listRule("orderDefault");

    private final State state;
    private final String apiKey;
    private final Function<String, String> portalUrl;

    private final Object faultLock = new Object();
    private int failRemaining;
    private int failStatus;
    private Integer failRetryAfter;
    private String failPathPrefix;
    private volatile long latencyMs;
    private volatile Duration visibilityLag = Duration.ZERO;

    private record Cached(int status, byte[] body) {}

    private final Map<String, Cached> idempotency = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > 1000;
        }
    };

    /** A handler's result: status and body (null body: no content). */
    private record Result(int status, JsonNode body) {}

    WorkOsApi(State state, String apiKey, Function<String, String> portalUrl) {
        this.state = state;
        this.apiKey = apiKey;
        this.portalUrl = portalUrl;
    }

    // ---------------------------------------------------------------- faults

    void failNext(int count, int status, Integer retryAfterSeconds, String pathPrefix) {
        if (count < 0 || (count > 0 && status != 429 && (status < 500 || status > 599))) {
            throw new IllegalArgumentException("failNext: status must be 429 or 5xx and count >= 0");
        }
        synchronized (faultLock) {
            failRemaining = count;
            failStatus = status;
            failRetryAfter = retryAfterSeconds;
            failPathPrefix = pathPrefix;
        }
    }

    void latency(Duration d) {
        latencyMs = d.toMillis();
    }

    void visibilityLag(Duration d) {
        visibilityLag = d;
    }

    void clearFaults() {
        failNext(0, 500, null, null);
        latencyMs = 0;
        visibilityLag = Duration.ZERO;
    }

    private ApiError nextFault(String path) {
        synchronized (faultLock) {
            if (failRemaining <= 0 || (failPathPrefix != null && !path.startsWith(failPathPrefix))) {
                return null;
            }
            failRemaining--;
            if (failStatus == 429) {
                ApiError e = new ApiError(429, "rate_limit_exceeded", "Too many requests. Please try again later.");
                if (failRetryAfter != null) {
                    e.header("Retry-After", String.valueOf(failRetryAfter));
                }
                return e;
            }
            return new ApiError(failStatus, "server_error", "An internal error occurred.");
        }
    }

    // ---------------------------------------------------------------- entry

    /** Every API request received ("GET /connections"), oldest first: what tests and budgets count. */
    private final java.util.Deque<String> received = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger receivedCount = new java.util.concurrent.atomic.AtomicInteger();

    List<String> received() {
        return List.copyOf(received);
    }

    void clearReceived() {
        received.clear();
        receivedCount.set(0);
    }

    void handle(Req r) throws IOException {
        received.add(r.method + " " + r.path);
        if (receivedCount.incrementAndGet() > 10_000 && received.pollFirst() != null) {
            receivedCount.decrementAndGet();
        }
        if (latencyMs > 0) {
            try {
                Thread.sleep(latencyMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ApiError fault = nextFault(r.path);
        if (fault != null) {
            Http.sendError(r.exchange, fault);
            return;
        }
        String auth = r.header("Authorization");
        if (auth == null || !auth.equals("Bearer " + apiKey)) {
            Http.sendError(r.exchange, ApiError.unauthorized());
            return;
        }
        // Only operations whose spec declares the Idempotency-Key header replay an earlier answer;
        // every other POST (generate_link included) does its work again, as documented.
        String idemKey = State.CATALOGUE.idempotentOperations().contains(r.method + " " + r.path)
                ? r.header("Idempotency-Key") : null;
        String cacheKey = idemKey == null ? null : r.method + " " + r.path + " " + idemKey;
        if (cacheKey != null) {
            Cached c;
            synchronized (idempotency) {
                c = idempotency.get(cacheKey);
            }
            if (c != null) {
                Http.send(r.exchange, c.status(), "application/json; charset=utf-8", c.body(), Map.of());
                return;
            }
        }
        Result res;
        try {
            res = route(r);
        } catch (ApiError e) {
            Http.sendError(r.exchange, e);
            return;
        } catch (State.NotFound nf) {
            Http.sendError(r.exchange, ApiError.notFound(nf));
            return;
        } catch (IllegalArgumentException e) {
            Http.sendError(r.exchange, ApiError.validation(fieldOf(e.getMessage()), e.getMessage()));
            return;
        }
        byte[] body = res.body() == null ? new byte[0] : Json.write(res.body()).getBytes(StandardCharsets.UTF_8);
        if (cacheKey != null) {
            synchronized (idempotency) {
                idempotency.put(cacheKey, new Cached(res.status(), body));
            }
        }
        Http.send(r.exchange, res.status(), res.body() == null ? null : "application/json; charset=utf-8", body,
                Map.of());
    }

    private static String fieldOf(String message) {
        if (message == null) {
            return null;
        }
        int i = message.indexOf(':');
        int j = message.indexOf(' ');
        int cut = i > 0 && (j < 0 || i < j) ? i : j;
        return cut > 0 ? message.substring(0, cut) : message;
    }

    private Result route(Req r) {
        List<String> s = r.segments();
        String m = r.method;
        int n = s.size();
        if (n == 0) {
            throw ApiError.routeNotFound(r);
        }
        switch (s.get(0)) {
            case "organizations" -> {
                if (n == 1 && m.equals("GET")) {
                    return ok(listOrganizations(r));
                }
                if (n == 1 && m.equals("POST")) {
                    return new Result(201, createOrganization(r.json()));
                }
                if (n == 2 && m.equals("GET")) {
                    return ok(state.objects.organization(state.org(s.get(1))));
                }
                if (n == 2 && m.equals("PUT")) {
                    return ok(updateOrganization(s.get(1), r.json()));
                }
                if (n == 2 && m.equals("DELETE")) {
                    state.organizations.deleteOrg(s.get(1));
                    return new Result(202, null);
                }
                if (n == 3 && s.get(1).equals("external_id") && m.equals("GET")) {
                    synchronized (state) {
                        for (State.Org o : state.orgs.values()) {
                            if (s.get(2).equals(o.externalId)) {
                                return ok(state.objects.organization(o));
                            }
                        }
                    }
                    throw new State.NotFound("Organization", s.get(2));
                }
            }
            case "organization_domains" -> {
                if (n == 1 && m.equals("POST")) {
                    ObjectNode b = r.json();
                    String domain = requiredString(b, "domain");
                    String orgId = requiredString(b, "organization_id");
                    return new Result(201, state.objects.domain(state.organizations.addDomain(orgId, domain, "pending")));
                }
                if (n == 2 && m.equals("GET")) {
                    return ok(state.objects.domain(state.domain(s.get(1))));
                }
                if (n == 2 && m.equals("DELETE")) {
                    state.organizations.deleteDomain(s.get(1));
                    return new Result(204, null);
                }
            }
            case "portal" -> {
                if (n == 2 && s.get(1).equals("generate_link") && m.equals("POST")) {
                    return new Result(201, generateLink(r.json()));
                }
            }
            case "connections" -> {
                if (n == 1 && m.equals("GET")) {
                    return ok(listConnections(r));
                }
                if (n == 2 && m.equals("GET")) {
                    return ok(state.objects.connection(state.conn(s.get(1))));
                }
                if (n == 2 && m.equals("DELETE")) {
                    state.organizations.deleteConnection(s.get(1));
                    return new Result(204, null);
                }
            }
            case "directories" -> {
                if (n == 1 && m.equals("GET")) {
                    return ok(listDirectories(r));
                }
                if (n == 2 && m.equals("GET")) {
                    return ok(state.objects.directory(state.dir(s.get(1))));
                }
                if (n == 2 && m.equals("DELETE")) {
                    state.directories.deleteDirectory(s.get(1));
                    return new Result(202, null);
                }
            }
            case "directory_users" -> {
                if (n == 1 && m.equals("GET")) {
                    return ok(listDirectoryUsers(r));
                }
                if (n == 2 && m.equals("GET")) {
                    return ok(state.objects.user(state.user(s.get(1)), true));
                }
            }
            case "directory_groups" -> {
                if (n == 1 && m.equals("GET")) {
                    return ok(listDirectoryGroups(r));
                }
                if (n == 2 && m.equals("GET")) {
                    return ok(state.objects.group(state.group(s.get(1))));
                }
            }
            case "events" -> {
                if (n == 1 && m.equals("GET")) {
                    return ok(listEvents(r));
                }
            }
            default -> {
                // fall through to 404
            }
        }
        throw ApiError.routeNotFound(r);
    }

    private static Result ok(JsonNode body) {
        return new Result(200, body);
    }

    // ---------------------------------------------------------------- organizations

    private JsonNode listOrganizations(Req r) {
        Page p = Page.from(r);
        Set<String> wanted = csv(r.q("domains"));
        String search = lower(r.q("search"));
        synchronized (state) {
            List<State.Org> list = state.orgs.values().stream()
                    .filter(o -> search == null || o.name.toLowerCase(Locale.ROOT).contains(search))
                    .filter(o -> wanted.isEmpty()
                            || state.domainsOf(o).stream().anyMatch(d -> wanted.contains(d.domain)))
                    .toList();
            return p.render(list, o -> o.id, o -> o.createdAt, state.objects::organization);
        }
    }

    private JsonNode createOrganization(ObjectNode b) {
        String name = requiredString(b, "name");
        List<DomainSpec> domains = domainSpecs(b);
        Map<String, String> metadata = metadata(b);
        String externalId = optionalString(b, "external_id");
        synchronized (state) {
            checkExternalIdFree(externalId, null);
            return state.objects.organization(state.organizations.createOrg(name, domains, metadata, externalId));
        }
    }

    private JsonNode updateOrganization(String id, ObjectNode b) {
        String name = optionalString(b, "name");
        List<DomainSpec> domains = b.has("domain_data") || b.has("domains") ? domainSpecs(b) : null;
        Map<String, String> metadata = b.has("metadata") ? metadata(b) : null;
        String externalId = optionalString(b, "external_id");
        String stripe = optionalString(b, "stripe_customer_id");
        synchronized (state) {
            state.org(id);
            checkExternalIdFree(externalId, id);
            return state.objects.organization(state.organizations.updateOrg(id, name, domains, metadata, externalId, stripe));
        }
    }

    private void checkExternalIdFree(String externalId, String selfId) {
        if (externalId == null) {
            return;
        }
        for (State.Org o : state.orgs.values()) {
            if (externalId.equals(o.externalId) && !o.id.equals(selfId)) {
                throw new ApiError(400, "external_id_already_used",
                        "An organization with external_id '" + externalId + "' already exists.");
            }
        }
    }

    /** {@code domain_data: [{domain, state: pending|verified}]} and the deprecated {@code domains: ["..."]}. */
    private static List<DomainSpec> domainSpecs(ObjectNode b) {
        List<DomainSpec> out = new ArrayList<>();
        JsonNode dd = b.get("domain_data");
        if (dd != null && !dd.isNull()) {
            if (!dd.isArray()) {
                throw ApiError.validation("domain_data", "domain_data must be an array");
            }
            for (JsonNode e : dd) {
                String domain = Json.text(e, "domain");
                String st = Json.text(e, "state");
                if (domain == null || !e.get("domain").isTextual()) {
                    throw ApiError.validation("domain_data", "domain_data[].domain must be a string");
                }
                if (!"pending".equals(st) && !"verified".equals(st)) {
                    throw ApiError.validation("domain_data", "domain_data[].state must be one of: pending, verified");
                }
                out.add(new DomainSpec(domain, st));
            }
        }
        JsonNode legacy = b.get("domains");
        if (legacy != null && !legacy.isNull()) {
            if (!legacy.isArray()) {
                throw ApiError.validation("domains", "domains must be an array of strings");
            }
            for (JsonNode e : legacy) {
                if (!e.isTextual()) {
                    throw ApiError.validation("domains", "domains must be an array of strings");
                }
                out.add(DomainSpec.verified(e.asText()));
            }
        }
        return out;
    }

    private static Map<String, String> metadata(ObjectNode b) {
        JsonNode md = b.get("metadata");
        Map<String, String> out = new LinkedHashMap<>();
        if (md == null || md.isNull()) {
            return out;
        }
        if (!md.isObject()) {
            throw new ApiError(400, "invalid_metadata", "metadata must be an object of string values.");
        }
        for (Map.Entry<String, JsonNode> e : md.properties()) {
            if (!e.getValue().isTextual() || e.getKey().length() > 40 || e.getValue().asText().length() > 600) {
                throw new ApiError(400, "invalid_metadata",
                        "metadata values must be strings (keys up to 40, values up to 600 characters).");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        if (out.size() > 50) {
            throw new ApiError(400, "invalid_metadata", "metadata may hold at most 50 keys.");
        }
        return out;
    }

    // ---------------------------------------------------------------- admin portal

    private JsonNode generateLink(ObjectNode b) {
        String organization = requiredString(b, "organization");
        String intent = optionalString(b, "intent");
        if (intent != null && !INTENTS.contains(intent)) {
            throw ApiError.validation("intent", "intent must be one of: " + String.join(", ", INTENTS));
        }
        String returnUrl = optionalString(b, "return_url");
        String successUrl = optionalString(b, "success_url");
        List<String> contacts = new ArrayList<>();
        JsonNode ic = b.get("it_contact_emails");
        if (ic != null && !ic.isNull()) {
            if (!ic.isArray() || ic.size() > 20) {
                throw ApiError.validation("it_contact_emails", "it_contact_emails must be an array of up to 20 emails");
            }
            for (JsonNode e : ic) {
                if (!e.isTextual() || !e.asText().matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                    throw ApiError.validation("it_contact_emails", "it_contact_emails must contain valid emails");
                }
                contacts.add(e.asText());
            }
        }
        State.PortalLink link = state.createPortalLink(organization, intent, returnUrl, successUrl, contacts);
        ObjectNode out = Json.obj();
        out.put("link", portalUrl.apply(link.token));
        return out;
    }

    // ---------------------------------------------------------------- connections and directories

    private JsonNode listConnections(Req r) {
        Page p = Page.from(r);
        String type = r.q("connection_type");
        String domain = lower(r.q("domain"));
        String orgId = r.q("organization_id");
        String search = lower(r.q("search"));
        synchronized (state) {
            List<State.Conn> list = state.conns.values().stream()
                    .filter(c -> type == null || type.equals(c.type))
                    .filter(c -> orgId == null || orgId.equals(c.orgId))
                    .filter(c -> search == null || c.name.toLowerCase(Locale.ROOT).contains(search))
                    .filter(c -> domain == null || orgHasDomain(c.orgId, domain))
                    .toList();
            return p.render(list, c -> c.id, c -> c.createdAt, state.objects::connection);
        }
    }

    private boolean orgHasDomain(String orgId, String domain) {
        State.Org o = state.orgs.get(orgId);
        return o != null && state.domainsOf(o).stream().anyMatch(d -> d.domain.equals(domain));
    }

    private JsonNode listDirectories(Req r) {
        Page p = Page.from(r);
        String orgId = r.q("organization_id");
        String domain = lower(r.q("domain"));
        String search = lower(r.q("search"));
        synchronized (state) {
            List<State.Dir> list = state.dirs.values().stream()
                    .filter(d -> orgId == null || orgId.equals(d.orgId))
                    .filter(d -> search == null || d.name.toLowerCase(Locale.ROOT).contains(search))
                    .filter(d -> domain == null || orgHasDomain(d.orgId, domain))
                    .toList();
            return p.render(list, d -> d.id, d -> d.createdAt, state.objects::directory);
        }
    }

    private JsonNode listDirectoryUsers(Req r) {
        Page p = Page.from(r);
        String directory = r.q("directory");
        String group = r.q("group");
        String idpId = r.q("idp_id");
        String email = lower(r.q("email"));
        if (directory == null && group == null) {
            throw ApiError.validation("directory", "Either directory or group is required.");
        }
        synchronized (state) {
            if (directory != null) {
                state.dir(directory);
            }
            Set<String> members = group == null ? null
                    : Set.copyOf(state.usersOfGroup(state.group(group).id).stream().map(u -> u.id).toList());
            List<State.User> list = state.users.values().stream()
                    .filter(u -> directory == null || directory.equals(u.dirId))
                    .filter(u -> members == null || members.contains(u.id))
                    .filter(u -> idpId == null || idpId.equals(u.idpId))
                    .filter(u -> email == null || (u.email != null && u.email.toLowerCase(Locale.ROOT).equals(email)))
                    .toList();
            return p.render(list, u -> u.id, u -> u.createdAt, u -> state.objects.user(u, true));
        }
    }

    private JsonNode listDirectoryGroups(Req r) {
        Page p = Page.from(r);
        String directory = r.q("directory");
        String user = r.q("user");
        if (directory == null && user == null) {
            throw ApiError.validation("directory", "Either directory or user is required.");
        }
        synchronized (state) {
            if (directory != null) {
                state.dir(directory);
            }
            Set<String> ofUser = user == null ? null
                    : Set.copyOf(state.groupsOfUser(state.user(user).id).stream().map(g -> g.id).toList());
            List<State.Group> list = state.groups.values().stream()
                    .filter(g -> directory == null || directory.equals(g.dirId))
                    .filter(g -> ofUser == null || ofUser.contains(g.id))
                    .toList();
            return p.render(list, g -> g.id, g -> g.createdAt, state.objects::group);
        }
    }

    // ---------------------------------------------------------------- events

    private JsonNode listEvents(Req r) {
        Page p = Page.from(r);
        Set<String> names = csv(r.q("events"));
        if (names.isEmpty()) {
            throw ApiError.validation("events", "events must list at least one event type.");
        }
        for (String name : new java.util.TreeSet<>(names)) {
            if (!State.CATALOGUE.isEvent(name)) {
                var unknown = State.CATALOGUE.error("GET /events", "unknownEventName");
                throw new ApiError(unknown.status(), unknown.code(), unknown.message().replace("{name}", name));
            }
        }
        String orgId = r.q("organization_id");
        Instant start = instant(r.q("range_start"), "range_start");
        Instant end = instant(r.q("range_end"), "range_end");
        Predicate<StoredEvent> keep = e -> names.contains(e.event())
                && (orgId == null || orgId.equals(e.organizationId()))
                && (start == null || !e.createdAt().isBefore(start))
                && (end == null || e.createdAt().isBefore(end));
        List<StoredEvent> list = state.visibleEvents(visibilityLag).stream().filter(keep).toList();
        ObjectNode out = p.render(list, StoredEvent::id, StoredEvent::createdAt, StoredEvent::payload);
        ArrayNode data = (ArrayNode) out.get("data");
        ObjectNode md = out.putObject("list_metadata");
        if (data.isEmpty()) {
            md.putNull("after");
        } else {
            md.put("after", data.get(data.size() - 1).get("id").asText());
        }
        return out;
    }

    private static Instant instant(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e2) {
                throw ApiError.validation(field, field + " must be an ISO-8601 date-time");
            }
        }
    }

    // ---------------------------------------------------------------- request helpers

    private static String requiredString(ObjectNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ApiError.validation(field, field + " must be a non-empty string");
        }
        return v.asText();
    }

    private static String optionalString(ObjectNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.validation(field, field + " must be a string");
        }
        return v.asText();
    }

    private static Set<String> csv(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Set.copyOf(Arrays.stream(value.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /**
     * WorkOS cursor pagination: {@code limit} 1..100 (default 10); {@code before}/{@code after} are object ids;
     * {@code order} asc|desc|normal (default desc, the spec's PaginationOrder). Items are ordered by creation
     * time ({@code created_at}, then id); a cursor is placed by its object's creation time, or, for an
     * object since deleted, by the time its ULID-like id carries. {@code list_metadata.after} is set only
     * when more items follow.
     */
    record Page(int limit, String order, String before, String after) {
        static Page from(Req r) {
            int limit = 10;
            String l = r.q("limit");
            if (l != null) {
                try {
                    limit = Integer.parseInt(l);
                } catch (NumberFormatException e) {
                    throw ApiError.validation("limit", "limit must be an integer between 1 and 100");
                }
                if (limit < 1 || limit > 100) {
                    throw ApiError.validation("limit", "limit must be an integer between 1 and 100");
                }
            }
            String order = r.q("order") == null ? ORDER_DEFAULT : r.q("order");
            if (!order.equals("asc") && !order.equals("desc") && !order.equals("normal")) {
                throw ApiError.validation("order", "order must be one of: asc, desc, normal");
            }
            return new Page(limit, order, blankToNull(r.q("before")), blankToNull(r.q("after")));
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }

        /** Orders {@code items} by creation time, then renders the page the cursor and order select. */
        <T> ObjectNode render(List<T> items, Function<T, String> idOf, Function<T, Instant> createdOf,
                              Function<T, JsonNode> renderer) {
            Function<T, Key> keyOf = t -> new Key(createdOf.apply(t), idOf.apply(t));
            List<T> asc = new ArrayList<>(items);
            asc.sort(Comparator.comparing(keyOf));
            Key afterKey = cursorKey(after, asc, idOf, keyOf);
            Key beforeKey = cursorKey(before, asc, idOf, keyOf);
            boolean normal = order.equals("normal");
            List<T> list = order.equals("asc") ? asc : reversed(asc);
            int n = list.size();
            int start;
            int end;
            if (after != null && !normal) {
                start = firstIndex(list, t -> order.equals("asc") ? keyOf.apply(t).compareTo(afterKey) > 0
                        : keyOf.apply(t).compareTo(afterKey) < 0);
                end = Math.min(n, start + limit);
            } else if (after != null) { // normal: "after" fetches newer records, the ones before the cursor
                end = firstIndex(list, t -> keyOf.apply(t).compareTo(afterKey) <= 0);
                start = Math.max(0, end - limit);
            } else if (before != null && !normal) {
                end = firstIndex(list, t -> order.equals("asc") ? keyOf.apply(t).compareTo(beforeKey) >= 0
                        : keyOf.apply(t).compareTo(beforeKey) <= 0);
                start = Math.max(0, end - limit);
            } else if (before != null) { // normal: "before" fetches older records, the ones after the cursor
                start = firstIndex(list, t -> keyOf.apply(t).compareTo(beforeKey) < 0);
                end = Math.min(n, start + limit);
            } else {
                start = 0;
                end = Math.min(n, limit);
            }
            List<T> page = list.subList(start, end);
            ObjectNode out = Json.obj();
            out.put("object", "list");
            ArrayNode data = out.putArray("data");
            for (T t : page) {
                data.add(renderer.apply(t));
            }
            ObjectNode md = out.putObject("list_metadata");
            String firstId = page.isEmpty() ? null : idOf.apply(page.get(0));
            String lastId = page.isEmpty() ? null : idOf.apply(page.get(page.size() - 1));
            boolean itemsBefore = start > 0 && !page.isEmpty();
            boolean itemsAfter = end < n && !page.isEmpty();
            if (normal) {
                md.put("before", itemsAfter ? lastId : null);
                md.put("after", itemsBefore ? firstId : null);
            } else {
                md.put("before", itemsBefore ? firstId : null);
                md.put("after", itemsAfter ? lastId : null);
            }
            return out;
        }

        /** A list position: creation time, then id. */
        record Key(Instant createdAt, String id) implements Comparable<Key> {
            @Override
            public int compareTo(Key o) {
                int c = createdAt.compareTo(o.createdAt);
                return c != 0 ? c : id.compareTo(o.id);
            }
        }

        /** The cursor's position: its object's, or (object gone) the creation time its id carries. */
        private static <T> Key cursorKey(String id, List<T> items, Function<T, String> idOf, Function<T, Key> keyOf) {
            if (id == null) {
                return null;
            }
            for (T t : items) {
                if (id.equals(idOf.apply(t))) {
                    return keyOf.apply(t);
                }
            }
            return new Key(Ids.timeOf(id), id);
        }

        private static <T> List<T> reversed(List<T> l) {
            List<T> r = new ArrayList<>(l);
            java.util.Collections.reverse(r);
            return r;
        }

        private static <T> int firstIndex(List<T> list, Predicate<T> p) {
            for (int i = 0; i < list.size(); i++) {
                if (p.test(list.get(i))) {
                    return i;
                }
            }
            return list.size();
        }
    }
}
