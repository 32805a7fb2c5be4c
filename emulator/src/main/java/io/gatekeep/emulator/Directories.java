package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.emulator.State.Dir;
import io.gatekeep.emulator.State.Domain;
import io.gatekeep.emulator.State.Group;
import io.gatekeep.emulator.State.Org;
import io.gatekeep.emulator.State.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.gatekeep.emulator.State.DIRECTORY_STATES;
import static io.gatekeep.emulator.State.USER_STATES;
import static io.gatekeep.emulator.State.isVerified;
import static io.gatekeep.emulator.State.requireOneOf;
import static io.gatekeep.emulator.State.requireText;

/**
 * Directory Sync's changes, as WorkOS makes them: directories (only moving into linked emits
 * {@code dsync.activated}; a deleted directory sends one {@code dsync.deleted}), their users and groups
 * and the group memberships, each stamping {@code updated_at} and emitting the event WorkOS would. Under
 * the {@link State}'s lock.
 */
final class Directories {
    private final State store;

    Directories(State store) {
        this.store = store;
    }

    Dir createDirectory(String orgId, String type, String name, String state) {
        synchronized (store) {
            Org o = store.org(orgId);
            requireText(type, "type");
            requireOneOf(DIRECTORY_STATES, state, "state");
            Instant at = store.clock().stamp();
            Dir d = new Dir();
            d.id = store.ids().next("directory_", at.toEpochMilli());
            d.orgId = o.id;
            d.type = type;
            d.name = name == null || name.isBlank() ? o.name + " directory" : name;
            d.state = state;
            d.externalKey = store.ids().token(16);
            d.createdAt = at;
            d.updatedAt = at;
            store.dirs.put(d.id, d);
            if ("linked".equals(state)) {
                store.emit("dsync.activated", o.id, store.objects.directoryEvent(d, "active", true));
            }
            return d;
        }
    }

    /**
     * Moving into linked emits dsync.activated. Leaving linked (validating, invalid_credentials, unlinked)
     * emits nothing: WorkOS has no event for it (the product learns it from the directories list).
     */
    Dir setDirectoryState(String id, String state) {
        synchronized (store) {
            Dir d = store.dir(id);
            requireOneOf(DIRECTORY_STATES, state, "state");
            if (d.state.equals(state)) {
                return d;
            }
            d.state = state;
            d.updatedAt = store.clock().stamp();
            if ("linked".equals(state)) {
                store.emit("dsync.activated", d.orgId, store.objects.directoryEvent(d, "active", true));
            }
            return d;
        }
    }

    /** Like WorkOS: one dsync.deleted; no per-user or per-group deleted events. */
    void deleteDirectory(String id) {
        synchronized (store) {
            Dir d = store.dir(id);
            for (User u : List.copyOf(store.users.values())) {
                if (u.dirId.equals(id)) {
                    store.users.remove(u.id);
                    store.groupsOfUser.remove(u.id);
                }
            }
            for (Group g : List.copyOf(store.groups.values())) {
                if (g.dirId.equals(id)) {
                    store.groups.remove(g.id);
                    store.usersOfGroup.remove(g.id);
                }
            }
            d.updatedAt = store.clock().stamp();
            store.dirs.remove(id);
            store.emit("dsync.deleted", d.orgId, store.objects.directoryEvent(d, "deleting", false));
        }
    }

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

    List<User> addUsers(String dirId, int count) {
        synchronized (store) {
            Dir d = store.dir(dirId);
            if (count < 0 || count > 10_000) {
                throw new IllegalArgumentException("count must be between 0 and 10000");
            }
            String mailDomain = mailDomain(d);
            Set<String> taken = new TreeSet<>();
            for (User u : store.users.values()) {
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
    }

    private String mailDomain(Dir d) {
        Org o = store.orgs.get(d.orgId);
        for (Domain dom : store.domainsOf(o)) {
            if (isVerified(dom.state)) {
                return dom.domain;
            }
        }
        return o.domainIds.isEmpty() ? "example.com" : store.domains.get(o.domainIds.get(0)).domain;
    }

    User createUser(String dirId, String email, String firstName, String lastName, String jobTitle,
                                 Map<String, Object> custom, String role, String state) {
        synchronized (store) {
            Dir d = store.dir(dirId);
            String st = state == null ? "active" : state;
            requireOneOf(USER_STATES, st, "state");
            Instant at = store.clock().stamp();
            User u = new User();
            u.id = store.ids().next("directory_user_", at.toEpochMilli());
            u.dirId = d.id;
            u.orgId = d.orgId;
            u.idpId = store.ids().token(20).toLowerCase(Locale.ROOT);
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
            store.users.put(u.id, u);
            store.emit("dsync.user.created", u.orgId, store.objects.user(u, false));
            return u;
        }
    }

    /** Emits dsync.user.updated with {@code previous_attributes} holding the old values of changed fields. */
    User updateUser(String id, UserUpdate up) {
        synchronized (store) {
            User u = store.user(id);
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
            u.updatedAt = store.clock().stamp();
            ObjectNode data = store.objects.user(u, false);
            data.set("previous_attributes", prev);
            store.emit("dsync.user.updated", u.orgId, data);
            return u;
        }
    }

    /** Removes the user from its groups (dsync.group.user_removed each), then dsync.user.deleted. */
    void deleteUser(String id) {
        synchronized (store) {
            User u = store.user(id);
            for (Group g : store.groupsOfUser(id)) {
                removeUserFromGroup(g.id, id);
            }
            u.updatedAt = store.clock().stamp();
            store.users.remove(id);
            store.groupsOfUser.remove(id);
            store.emit("dsync.user.deleted", u.orgId, store.objects.user(u, false));
        }
    }

    Group createGroup(String dirId, String name) {
        synchronized (store) {
            Dir d = store.dir(dirId);
            requireText(name, "name");
            Instant at = store.clock().stamp();
            Group g = new Group();
            g.id = store.ids().next("directory_group_", at.toEpochMilli());
            g.dirId = d.id;
            g.orgId = d.orgId;
            g.idpId = store.ids().token(15).toLowerCase(Locale.ROOT);
            g.name = name;
            g.createdAt = at;
            g.updatedAt = at;
            store.groups.put(g.id, g);
            store.emit("dsync.group.created", g.orgId, store.objects.group(g));
            return g;
        }
    }

    Group renameGroup(String id, String name) {
        synchronized (store) {
            Group g = store.group(id);
            requireText(name, "name");
            if (name.equals(g.name)) {
                return g;
            }
            String old = g.name;
            g.name = name;
            g.updatedAt = store.clock().stamp();
            ObjectNode data = store.objects.group(g);
            data.putObject("previous_attributes").put("name", old);
            store.emit("dsync.group.updated", g.orgId, data);
            return g;
        }
    }

    void deleteGroup(String id) {
        synchronized (store) {
            Group g = store.group(id);
            for (String uid : store.usersOfGroup.getOrDefault(id, new TreeSet<>())) {
                TreeSet<String> gs = store.groupsOfUser.get(uid);
                if (gs != null) {
                    gs.remove(id);
                }
            }
            store.usersOfGroup.remove(id);
            g.updatedAt = store.clock().stamp();
            store.groups.remove(id);
            store.emit("dsync.group.deleted", g.orgId, store.objects.group(g));
        }
    }

    boolean addUserToGroup(String groupId, String userId) {
        synchronized (store) {
            Group g = store.group(groupId);
            User u = store.user(userId);
            if (!g.dirId.equals(u.dirId)) {
                throw new IllegalArgumentException("user and group belong to different directories");
            }
            if (!store.usersOfGroup.computeIfAbsent(groupId, k -> new TreeSet<>()).add(userId)) {
                return false;
            }
            store.groupsOfUser.computeIfAbsent(userId, k -> new TreeSet<>()).add(groupId);
            store.emit("dsync.group.user_added", g.orgId, store.objects.membershipEvent(g, u));
            return true;
        }
    }

    boolean removeUserFromGroup(String groupId, String userId) {
        synchronized (store) {
            Group g = store.group(groupId);
            User u = store.user(userId);
            TreeSet<String> members = store.usersOfGroup.get(groupId);
            if (members == null || !members.remove(userId)) {
                return false;
            }
            store.groupsOfUser.get(userId).remove(groupId);
            store.emit("dsync.group.user_removed", g.orgId, store.objects.membershipEvent(g, u));
            return true;
        }
    }
}
