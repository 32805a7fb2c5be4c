package io.gatekeep.emulator;

import static io.gatekeep.emulator.RequestFields.csv;
import static io.gatekeep.emulator.RequestFields.domainSpecs;
import static io.gatekeep.emulator.RequestFields.instant;
import static io.gatekeep.emulator.RequestFields.lower;
import static io.gatekeep.emulator.RequestFields.metadata;
import static io.gatekeep.emulator.RequestFields.optionalString;
import static io.gatekeep.emulator.RequestFields.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.emulator.Http.ApiError;
import io.gatekeep.emulator.Http.Req;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The WorkOS API's routes and what each one does with the emulated state: organizations and their
 * domains, the Admin Portal link, connections, directories, their users and groups, events. The
 * request's way in (key, faults, idempotent replay, errors) is {@link WorkOsApi}'s.
 */
final class ApiRoutes {
    static final List<String> INTENTS = List.copyOf(State.CATALOGUE.enumValues("portal.intent"));

    /** A handler's result: status and body (null body: no content). */
    record Result(int status, JsonNode body) {}

    private final State state;
    private final Function<String, String> portalUrl;
    private final ApiFaults faults;

    ApiRoutes(State state, Function<String, String> portalUrl, ApiFaults faults) {
        this.state = state;
        this.portalUrl = portalUrl;
        this.faults = faults;
    }

    Result route(Req r) {
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
        ListPage p = ListPage.from(r);
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
        ListPage p = ListPage.from(r);
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
        ListPage p = ListPage.from(r);
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
        ListPage p = ListPage.from(r);
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
        ListPage p = ListPage.from(r);
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
        ListPage p = ListPage.from(r);
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
        List<StoredEvent> list = state.visibleEvents(faults.visibilityLag()).stream().filter(keep).toList();
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
}
