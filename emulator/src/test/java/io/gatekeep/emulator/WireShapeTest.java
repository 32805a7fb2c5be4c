package io.gatekeep.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The emulator's JSON against the WorkOS API reference examples in {@code src/test/resources/workos-examples}:
 * same field names, same JSON value types (recursively), nothing missing, nothing extra.
 */
class WireShapeTest {
    /** Free-form maps: their keys are data, not shape. */
    static final Set<String> FREE_FORM = Set.of("raw_attributes", "custom_attributes", "previous_attributes", "context");
    /** Fields the reference types as string-or-null (user_id, session_id: a failed sign-in's, profile_picture_url: a user's). */
    static final Set<String> NULLABLE = Set.of("external_id", "email", "first_name", "last_name", "name", "job_title",
            "username", "domain", "before", "after", "user_id", "session_id", "profile_picture_url");

    static WorkOsEmulator emu;
    static TestSupport.Receiver receiver;
    static Map<String, JsonNode> webhookBodies = new LinkedHashMap<>();
    static Map<String, String> ids = new LinkedHashMap<>();

    @BeforeAll
    static void world() {
        emu = TestSupport.startEmulator();
        receiver = new TestSupport.Receiver();
        EmulatorControl c = emu.control();
        c.registerWebhook(receiver.url(), "whsec_shape");
        var org = c.createOrganization("Acme", List.of(DomainSpec.pending("acme.com")), Map.of("tier", "gold"), "ext-1");
        c.verifyDomain(org.domainIds().get(0));
        var extra = c.addDomain(org.id(), "acme.io", "pending");
        c.failDomain(extra.id());
        c.resetDomain(extra.id());
        c.deleteDomain(extra.id());
        c.updateOrganization(org.id(), "Acme Corp");
        var conn = c.createConnection(org.id(), "OktaSAML", "Acme Okta", "active");
        c.emitCertificateRenewalRequired(conn.id());
        c.renewCertificate(conn.id());
        c.setConnectionState(conn.id(), "inactive");
        var dir = c.createDirectory(org.id(), "okta scim v2.0", "Acme SCIM", "linked");
        var users = c.addUsers(dir.id(), 2);
        var group = c.createGroup(dir.id(), "Engineering");
        c.addUserToGroup(group.id(), users.get(0).id());
        c.updateUser(users.get(1).id(), UserUpdate.name("Augusta", "King"));
        c.renameGroup(group.id(), "Platform");
        var active = c.createConnection(org.id(), "GenericSAML", "Acme SAML", "active");
        c.signIn(active.id(), "ada@acme.com", "admin", "succeeded", null); // user, membership, sso_succeeded
        c.signIn(active.id(), "ada@acme.com", "member", "succeeded", null); // membership updated
        c.signIn(active.id(), "bob@acme.com", null, "failed", "audience_mismatch");
        c.signIn(active.id(), "ada@acme.com", null, "timed_out", null);
        ids.put("org", org.id());
        ids.put("domain", org.domainIds().get(0));
        ids.put("connection", conn.id());
        ids.put("directory", dir.id());
        ids.put("user", users.get(0).id());
        ids.put("group", group.id());
        // deletions last, on objects of their own
        var conn2 = c.createConnection(org.id(), "AzureSAML", null, "draft");
        c.deleteConnection(conn2.id());
        var dir2 = c.createDirectory(org.id(), "azure scim v2.0", null, "validating");
        var u2 = c.addUsers(dir2.id(), 2);
        var g2 = c.createGroup(dir2.id(), "Temp");
        c.addUserToGroup(g2.id(), u2.get(0).id());
        c.removeUserFromGroup(g2.id(), u2.get(0).id());
        c.deleteUser(u2.get(1).id());
        c.deleteGroup(g2.id());
        c.deleteDirectory(dir2.id());
        var gone = c.createOrganization("Gone", DomainSpec.pending("gone.com"));
        c.deleteOrganization(gone.id());
        assertTrue(c.awaitDeliveries(Duration.ofSeconds(10)));
        for (TestSupport.Receiver.Hit h : receiver.hits) {
            webhookBodies.putIfAbsent(h.json().get("event").asText(), h.json());
        }
    }

    @AfterAll
    static void stop() {
        receiver.close();
        emu.close();
    }

    static JsonNode example(String name) {
        try (InputStream in = WireShapeTest.class.getResourceAsStream("/workos-examples/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing example " + name);
            }
            return TestSupport.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Differences between the example's shape and the actual JSON; allowedMissing are dotted paths. */
    static List<String> diff(JsonNode example, JsonNode actual, Set<String> allowedMissing) {
        List<String> problems = new ArrayList<>();
        compare("", example, actual, allowedMissing, problems);
        return problems;
    }

    private static void compare(String path, JsonNode ex, JsonNode ac, Set<String> allowedMissing, List<String> out) {
        if (allowedMissing.contains(path + "/*")) {
            return; // subtree compared elsewhere
        }
        String field = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : path;
        field = field.replace("[]", "");
        if (ex.isNull() || ac.isNull()) {
            if (!(ex.isNull() && ac.isNull()) && !NULLABLE.contains(field)) {
                out.add(path + ": " + ex.getNodeType() + " in the example, " + ac.getNodeType() + " here");
            }
            return;
        }
        if (ex.getNodeType() != ac.getNodeType()) {
            out.add(path + ": " + ex.getNodeType() + " in the example, " + ac.getNodeType() + " here");
            return;
        }
        boolean freeForm = FREE_FORM.contains(field)
                || (field.equals("metadata") && ex.getNodeType() == JsonNodeType.OBJECT && !ex.has("users"));
        if (ex.isObject() && !freeForm) {
            Set<String> names = new TreeSet<>();
            ex.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                String p = path.isEmpty() ? n : path + "." + n;
                if (!ac.has(n)) {
                    if (!allowedMissing.contains(p)) {
                        out.add(p + ": missing");
                    }
                } else {
                    compare(p, ex.get(n), ac.get(n), allowedMissing, out);
                }
            }
            for (Iterator<String> it = ac.fieldNames(); it.hasNext(); ) {
                String n = it.next();
                if (!ex.has(n)) {
                    out.add((path.isEmpty() ? n : path + "." + n) + ": not in the example");
                }
            }
        } else if (ex.isArray() && ex.size() > 0 && ac.size() > 0) {
            compare(path + "[]", ex.get(0), ac.get(0), allowedMissing, out);
        }
    }

    static void assertSameShape(String exampleName, JsonNode actual, String... allowedMissing) {
        List<String> problems = diff(example(exampleName), actual, Set.of(allowedMissing));
        assertEquals(List.of(), problems, exampleName + " vs " + actual);
    }

    @Test
    void connection() {
        assertSameShape("connection.json", TestSupport.api(emu, "/connections/" + ids.get("connection")).json());
    }

    @Test
    void directory() {
        assertSameShape("directory.json", TestSupport.api(emu, "/directories/" + ids.get("directory")).json());
    }

    @Test
    void directoryUserAndGroup() {
        JsonNode user = TestSupport.api(emu, "/directory_users/" + ids.get("user")).json();
        assertEquals(1, user.get("groups").size());
        assertSameShape("directory_user.json", user);
        assertSameShape("directory_group.json", TestSupport.api(emu, "/directory_groups/" + ids.get("group")).json());
        JsonNode list = TestSupport.api(emu, "/directory_users?directory=" + ids.get("directory")).json();
        assertSameShape("directory_user.json", list.get("data").get(0));
    }

    @Test
    void organizationAndDomain() {
        assertSameShape("organization_domain.json", TestSupport.api(emu, "/organization_domains/" + ids.get("domain")).json());
        assertSameShape("organization.json", TestSupport.api(emu, "/organizations/" + ids.get("org")).json(),
                "stripe_customer_id");
    }

    @Test
    void eventList() {
        JsonNode list = TestSupport.api(emu, "/events?events=dsync.user.created").json();
        // the reference's list example holds an older, shorter user; event payloads are checked per type below
        assertSameShape("event_list.json", list, "data[].context", "data[].data/*");
        assertSameShape("event.dsync.user.created.json", list.get("data").get(0), "context");
    }

    @Test
    void everyWebhookBody() {
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : webhookBodies.entrySet()) {
            String name = e.getKey();
            assertSameShape("event." + name + ".json", e.getValue(), "context", "data.stripe_customer_id");
            checked.add(name);
        }
        assertEquals(29, checked.size(), "every documented event the product handles, and user.created: " + checked);
    }

    @Test
    void theComparisonCatchesDifferences() {
        JsonNode ex = example("directory_group.json");
        var changed = ex.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) changed).put("name", 5);
        ((com.fasterxml.jackson.databind.node.ObjectNode) changed).remove("idp_id");
        ((com.fasterxml.jackson.databind.node.ObjectNode) changed).put("extra", true);
        assertEquals(List.of("idp_id: missing", "name: STRING in the example, NUMBER here", "extra: not in the example"),
                diff(ex, changed, Set.of()));
    }
}
