package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.emulator.State.Conn;
import io.gatekeep.emulator.State.Dir;
import io.gatekeep.emulator.State.Domain;
import io.gatekeep.emulator.State.Group;
import io.gatekeep.emulator.State.Org;
import io.gatekeep.emulator.State.User;

/**
 * The emulated WorkOS's objects in wire shape, as its API returns them ({@link #organization},
 * {@link #domain}, {@link #connection}, {@link #directory}, {@link #user}, {@link #group}) and as its
 * events carry them ({@code ...Event}: the data of each event schema of WorkOS's OpenAPI spec). Read under
 * the {@link State}'s lock.
 */
final class ApiObjects {
    private final State store;

    ApiObjects(State store) {
        this.store = store;
    }

    ObjectNode organization(Org o) {
        synchronized (store) {
            ObjectNode n = Json.obj();
            n.put("object", "organization");
            n.put("id", o.id);
            n.put("name", o.name);
            ArrayNode ds = n.putArray("domains");
            for (Domain d : store.domainsOf(o)) {
                ds.add(domain(d));
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
    }

    /** Organization events carry the organization without the deprecated allow_profiles_outside_organization. */
    ObjectNode organizationEvent(Org o) {
        ObjectNode n = organization(o);
        n.remove("allow_profiles_outside_organization");
        return n;
    }

    ObjectNode domain(Domain d) {
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

    ObjectNode connection(Conn c) {
        synchronized (store) {
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
    }

    private static String connectionStatus(Conn c) {
        return "active".equals(c.state) ? "linked" : "unlinked";
    }

    private ArrayNode connectionDomains(Conn c) {
        ArrayNode arr = Json.arr();
        Org o = store.orgs.get(c.orgId);
        if (o != null) {
            for (Domain d : store.domainsOf(o)) {
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
    ObjectNode connectionEvent(Conn c, String state, boolean full) {
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

    ObjectNode directory(Dir d) {
        synchronized (store) {
            ObjectNode n = Json.obj();
            n.put("object", "directory");
            n.put("id", d.id);
            n.put("organization_id", d.orgId);
            n.put("external_key", d.externalKey);
            n.put("type", d.type);
            n.put("state", d.state);
            n.put("name", d.name);
            Org o = store.orgs.get(d.orgId);
            if (o != null && !o.domainIds.isEmpty()) {
                n.put("domain", store.domains.get(o.domainIds.get(0)).domain);
            }
            long active = 0;
            long inactive = 0;
            long groupCount = 0;
            for (User u : store.users.values()) {
                if (u.dirId.equals(d.id)) {
                    if ("active".equals(u.state)) {
                        active++;
                    } else {
                        inactive++;
                    }
                }
            }
            for (Group g : store.groups.values()) {
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
    }

    ObjectNode directoryEvent(Dir d, String state, boolean activated) {
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
            Org o = store.orgs.get(d.orgId);
            if (o != null) {
                for (Domain dom : store.domainsOf(o)) {
                    ObjectNode dn = ds.addObject();
                    dn.put("object", "organization_domain");
                    dn.put("id", dom.id);
                    dn.put("domain", dom.domain);
                }
            }
        }
        return n;
    }

    ObjectNode user(User u, boolean withGroups) {
        synchronized (store) {
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
                for (Group g : store.groupsOfUser(u.id)) {
                    gs.add(group(g));
                }
            }
            return n;
        }
    }

    private static String fullName(User u) {
        if (u.firstName == null && u.lastName == null) {
            return null;
        }
        return ((u.firstName == null ? "" : u.firstName) + " " + (u.lastName == null ? "" : u.lastName)).trim();
    }

    ObjectNode group(Group g) {
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

    ObjectNode membershipEvent(Group g, User u) {
        ObjectNode data = Json.obj();
        data.put("directory_id", g.dirId);
        data.set("user", user(u, false));
        data.set("group", group(g));
        return data;
    }
}
