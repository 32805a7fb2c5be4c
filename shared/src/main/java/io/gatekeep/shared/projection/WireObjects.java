package io.gatekeep.shared.projection;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Ids;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * WorkOS objects in their wire shape (snake_case JSON, as webhooks, the Events API and list calls
 * carry them) read into the item each one is stored as. Only the attributes of shared/README.md are
 * taken; a field that is absent or null leaves the stored attribute as it is (webhook data is not
 * always complete: connection events carry no domains or status, and reconcile writes values the
 * SDK did not recognise as null).
 */
final class WireObjects {
    /** Ids become parts of keys ({@code MEMBER#{userId}#{groupId}}), so they must not carry separators. */

    /** A wire object or event that lacks what the projection needs (an id, its organization...). */
    static final class Unreadable extends IllegalArgumentException {
        Unreadable(String message) {
            super(message);
        }
    }

    /**
     * One object as its item: {@code directoryId} for directories, users and groups;
     * {@code organizationId} null only for a user or group whose wire object lacked it.
     */
    record ObjectWrite(WorkOsObjectType kind, String id, String organizationId, String directoryId, String pk, String sk,
                       Map<String, AttributeValue> fields, String updatedAt) {

        /** The same user or group, now that its organization was found from the directory index. */
        ObjectWrite withOrganization(String organizationId) {
            Map<String, AttributeValue> copy = new LinkedHashMap<>(fields);
            copy.put("organizationId", Attr.s(organizationId));
            return new ObjectWrite(kind, id, organizationId, directoryId, pk, sk, copy, updatedAt);
        }
    }

    private WireObjects() {}

    static ObjectWrite organization(JsonNode o, Instant fallback) {
        String id = id(o, "id", "organization");
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        text(fields, "name", o, "name");
        time(fields, "createdAt", o, "created_at");
        fields.put(Keys.GSI1_PK, Attr.s(Keys.ORGANIZATIONS)); // listed for the sweep
        fields.put(Keys.GSI1_SK, Attr.s(id));
        return new ObjectWrite(WorkOsObjectType.ORGANIZATION, id, id, null, Keys.orgPk(id), Keys.ORG_SK, fields, updatedAt(o, fallback));
    }

    static ObjectWrite domain(JsonNode d, Instant fallback) {
        String id = id(d, "id", "organization domain");
        String org = id(d, "organization_id", "organization domain's organization");
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        text(fields, "domain", d, "domain");
        text(fields, "state", d, "state");
        text(fields, "verificationStrategy", d, "verification_strategy");
        return new ObjectWrite(WorkOsObjectType.DOMAIN, id, org, null, Keys.orgPk(org), Keys.domainSk(id), fields, updatedAt(d, fallback));
    }

    static ObjectWrite connection(JsonNode c, Instant fallback) {
        String id = id(c, "id", "connection");
        String org = id(c, "organization_id", "connection's organization");
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        text(fields, "name", c, "name");
        text(fields, "connectionType", c, "connection_type");
        text(fields, "state", c, "state");
        time(fields, "createdAt", c, "created_at");
        return new ObjectWrite(WorkOsObjectType.CONNECTION, id, org, null, Keys.orgPk(org), Keys.connectionSk(id), fields, updatedAt(c, fallback));
    }

    static ObjectWrite directory(JsonNode d, Instant fallback) {
        String id = id(d, "id", "directory");
        String org = id(d, "organization_id", "directory's organization");
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        text(fields, "name", d, "name");
        text(fields, "directoryType", d, "type");
        String state = Json.text(d, "state");
        if (state != null) {
            fields.put("state", Attr.s(directoryState(state)));
        }
        String domain = Json.text(d, "domain");
        if (domain == null && d.path("domains").isArray() && !d.path("domains").isEmpty()) {
            domain = Json.text(d.path("domains").get(0), "domain"); // dsync.activated carries domains[]
        }
        if (domain != null) {
            fields.put("domain", Attr.s(domain));
        }
        time(fields, "createdAt", d, "created_at");
        return new ObjectWrite(WorkOsObjectType.DIRECTORY, id, org, id, Keys.orgPk(org), Keys.directorySk(id), fields, updatedAt(d, fallback));
    }

    static ObjectWrite user(JsonNode u, Instant fallback) {
        String id = id(u, "id", "directory user");
        String directory = id(u, "directory_id", "directory user's directory");
        String org = optionalId(u, "organization_id");
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        if (org != null) {
            fields.put("organizationId", Attr.s(org));
        }
        String email = email(u);
        if (email != null) {
            fields.put("email", Attr.s(email));
        }
        text(fields, "firstName", u, "first_name");
        text(fields, "lastName", u, "last_name");
        text(fields, "state", u, "state");
        return new ObjectWrite(WorkOsObjectType.USER, id, org, directory, Keys.directoryPk(directory), Keys.userSk(id), fields, updatedAt(u, fallback));
    }

    static ObjectWrite group(JsonNode g, Instant fallback) {
        String id = id(g, "id", "directory group");
        String directory = id(g, "directory_id", "directory group's directory");
        String org = optionalId(g, "organization_id");
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        if (org != null) {
            fields.put("organizationId", Attr.s(org));
        }
        text(fields, "name", g, "name");
        return new ObjectWrite(WorkOsObjectType.GROUP, id, org, directory, Keys.directoryPk(directory), Keys.groupSk(id), fields, updatedAt(g, fallback));
    }

    /**
     * Directory states in the API's words. Directory events use the legacy words: {@code active} is
     * {@code linked}, {@code inactive} is {@code unlinked}; the others are the same in both.
     */
    static String directoryState(String state) {
        return switch (state) {
            case "active" -> "linked";
            case "inactive" -> "unlinked";
            default -> state;
        };
    }

    /** The user's email: {@code email}, else the primary of {@code emails[]}, else the first of them. */
    static String email(JsonNode u) {
        String email = Json.text(u, "email");
        if (email != null) {
            return email;
        }
        JsonNode emails = u.path("emails");
        if (!emails.isArray() || emails.isEmpty()) {
            return null;
        }
        for (JsonNode e : emails) {
            if (e.path("primary").asBoolean(false) && Json.text(e, "value") != null) {
                return Json.text(e, "value");
            }
        }
        return Json.text(emails.get(0), "value");
    }

    static String id(JsonNode node, String field, String what) {
        String id = optionalId(node, field);
        if (id == null) {
            throw new Unreadable("the " + what + " has no \"" + field + "\"");
        }
        return id;
    }

    /** A usable id, or null when absent; an id that cannot be part of a key is unreadable. */
    static String optionalId(JsonNode node, String field) {
        String id = Json.text(node, field);
        if (id == null) {
            return null;
        }
        if (!Ids.isWorkOsId(id)) {
            throw new Unreadable("\"" + field + "\" is not a WorkOS id");
        }
        return id;
    }

    /** The object's {@code updated_at} in the stored form; {@code fallback} (the event's time) when absent. */
    private static String updatedAt(JsonNode node, Instant fallback) {
        String updatedAt = Times.normalize(Json.text(node, "updated_at"));
        if (updatedAt != null) {
            return updatedAt;
        }
        if (fallback == null) {
            throw new Unreadable("the object has no readable \"updated_at\"");
        }
        return Times.iso(fallback);
    }

    private static void text(Map<String, AttributeValue> fields, String attribute, JsonNode node, String field) {
        String value = Json.text(node, field);
        if (value != null) {
            fields.put(attribute, Attr.s(value));
        }
    }

    private static void time(Map<String, AttributeValue> fields, String attribute, JsonNode node, String field) {
        String value = Times.normalize(Json.text(node, field));
        if (value != null) {
            fields.put(attribute, Attr.s(value));
        }
    }
}
