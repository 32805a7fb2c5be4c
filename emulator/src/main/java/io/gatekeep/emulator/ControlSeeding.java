package io.gatekeep.emulator;

import static io.gatekeep.emulator.ControlJson.required;
import static io.gatekeep.emulator.ControlJson.str;
import static io.gatekeep.emulator.ControlJson.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control API's creations from JSON bodies: an organization, a connection (with its certificate), a
 * directory with users and groups, or a whole world in one {@code POST /_emulator/seed}. Apart from
 * {@link ControlHttp} because the single routes and the seed build objects the same way.
 */
final class ControlSeeding {
    private final EmulatorControl control;
    private final State state;

    ControlSeeding(EmulatorControl control, State state) {
        this.control = control;
        this.state = state;
    }

    Snapshot.Organization createOrganization(ObjectNode b) {
        List<DomainSpec> domains = new ArrayList<>();
        for (JsonNode d : b.path("domains")) {
            domains.add(d.isTextual() ? DomainSpec.verified(d.asText())
                    : new DomainSpec(d.path("domain").asText(null), d.path("state").asText("verified")));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        b.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
        return control.createOrganization(required(b, "name"), domains, metadata, str(b, "external_id"));
    }

    ObjectNode createConnection(JsonNode b, String orgIdDefault) {
        String orgId = orgIdDefault != null ? orgIdDefault : required(b, "organization_id");
        Snapshot.Connection c = control.createConnection(orgId, required(b, "connection_type"), str(b, "name"),
                b.path("state").asText("draft"));
        String expiry = str(b, "certificate_expires_at");
        if (expiry != null) {
            control.setCertificate(c.id(), str(b, "certificate_type"), time(expiry));
        }
        return connectionWithCertificate(c.id());
    }

    /** The wire connection plus the emulator-only {@code certificate} the WorkOS object does not show. */
    ObjectNode connectionWithCertificate(String id) {
        synchronized (state) {
            State.Conn c = state.conn(id);
            ObjectNode n = state.objects.connection(c);
            if (c.certExpiry != null) {
                ObjectNode cert = n.putObject("certificate");
                cert.put("certificate_type", c.certType);
                Json.putTime(cert, "expiry_date", c.certExpiry);
            }
            return n;
        }
    }

    /** {type, name, state, users: n, groups: n | ["name", ...]}; users join groups round-robin. */
    ObjectNode createDirectory(JsonNode b, String orgIdDefault) {
        String orgId = orgIdDefault != null ? orgIdDefault : required(b, "organization_id");
        Snapshot.Directory d = control.createDirectory(orgId, required(b, "type"), str(b, "name"),
                b.path("state").asText("linked"));
        List<Snapshot.User> users = control.addUsers(d.id(), b.path("users").asInt(0));
        List<String> groupNames = new ArrayList<>();
        JsonNode g = b.path("groups");
        if (g.isInt()) {
            for (int i = 1; i <= g.asInt(); i++) {
                groupNames.add("Group " + i);
            }
        } else {
            g.forEach(x -> groupNames.add(x.asText()));
        }
        List<Snapshot.Group> groups = groupNames.stream().map(name -> control.createGroup(d.id(), name)).toList();
        for (int i = 0; i < users.size() && !groups.isEmpty(); i++) {
            control.addUserToGroup(groups.get(i % groups.size()).id(), users.get(i).id());
        }
        return state.objects.directory(state.dir(d.id()));
    }

    /** {@code {"organizations":[{name, domains, connections:[...], directories:[...]}]}} in one call. */
    JsonNode seed(ObjectNode b) {
        ArrayNode out = Json.arr();
        for (JsonNode o : b.path("organizations")) {
            if (!o.isObject()) {
                throw new ControlJson.BadRequest("organizations[] must be objects");
            }
            Snapshot.Organization org = createOrganization((ObjectNode) o);
            ObjectNode entry = out.addObject();
            entry.set("organization", state.objects.organization(state.org(org.id())));
            ArrayNode cs = entry.putArray("connections");
            for (JsonNode c : o.path("connections")) {
                cs.add(createConnection(c, org.id()));
            }
            ArrayNode ds = entry.putArray("directories");
            for (JsonNode d : o.path("directories")) {
                ds.add(createDirectory(d, org.id()));
            }
        }
        return Json.obj().set("organizations", out);
    }
}
