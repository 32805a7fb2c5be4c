package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The control API's JSON on both sides: the snapshot and webhook deliveries rendered snake_case, and the
 * fields read from request bodies (a missing or malformed one is a {@link BadRequest}, answered 400).
 */
final class ControlJson {
    private ControlJson() {}

    /** The control API's error: {@code {"error","message"}}. */
    static ObjectNode error(String code, String message) {
        ObjectNode n = Json.obj();
        n.put("error", code);
        n.put("message", message);
        return n;
    }

    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String m) {
            super(m);
        }
    }

    static ObjectNode snapshotJson(Snapshot s) {
        ObjectNode n = Json.obj();
        Json.putTime(n, "taken_at", s.takenAt());
        ArrayNode orgs = n.putArray("organizations");
        s.organizations().forEach(o -> {
            ObjectNode x = orgs.addObject();
            x.put("id", o.id());
            x.put("name", o.name());
            x.set("domain_ids", Json.MAPPER.valueToTree(o.domainIds()));
            x.set("metadata", Json.MAPPER.valueToTree(o.metadata()));
            x.put("external_id", o.externalId());
            Json.putTime(x, "created_at", o.createdAt());
            Json.putTime(x, "updated_at", o.updatedAt());
        });
        ArrayNode domains = n.putArray("domains");
        s.domains().forEach(d -> {
            ObjectNode x = domains.addObject();
            x.put("id", d.id());
            x.put("organization_id", d.organizationId());
            x.put("domain", d.domain());
            x.put("state", d.state());
            x.put("verification_strategy", d.verificationStrategy());
            Json.putTime(x, "created_at", d.createdAt());
            Json.putTime(x, "updated_at", d.updatedAt());
        });
        ArrayNode conns = n.putArray("connections");
        s.connections().forEach(c -> {
            ObjectNode x = conns.addObject();
            x.put("id", c.id());
            x.put("organization_id", c.organizationId());
            x.put("connection_type", c.connectionType());
            x.put("name", c.name());
            x.put("state", c.state());
            x.put("certificate_type", c.certificateType());
            Json.putTime(x, "certificate_expires_at", c.certificateExpiresAt());
            Json.putTime(x, "created_at", c.createdAt());
            Json.putTime(x, "updated_at", c.updatedAt());
        });
        ArrayNode dirs = n.putArray("directories");
        s.directories().forEach(d -> {
            ObjectNode x = dirs.addObject();
            x.put("id", d.id());
            x.put("organization_id", d.organizationId());
            x.put("type", d.type());
            x.put("name", d.name());
            x.put("state", d.state());
            Json.putTime(x, "created_at", d.createdAt());
            Json.putTime(x, "updated_at", d.updatedAt());
        });
        ArrayNode users = n.putArray("users");
        s.users().forEach(u -> {
            ObjectNode x = users.addObject();
            x.put("id", u.id());
            x.put("directory_id", u.directoryId());
            x.put("organization_id", u.organizationId());
            x.put("email", u.email());
            x.put("first_name", u.firstName());
            x.put("last_name", u.lastName());
            x.put("state", u.state());
            Json.putTime(x, "created_at", u.createdAt());
            Json.putTime(x, "updated_at", u.updatedAt());
        });
        ArrayNode groups = n.putArray("groups");
        s.groups().forEach(g -> {
            ObjectNode x = groups.addObject();
            x.put("id", g.id());
            x.put("directory_id", g.directoryId());
            x.put("organization_id", g.organizationId());
            x.put("name", g.name());
            Json.putTime(x, "created_at", g.createdAt());
            Json.putTime(x, "updated_at", g.updatedAt());
        });
        ArrayNode ms = n.putArray("memberships");
        s.memberships().forEach(mb -> ms.addObject().put("user_id", mb.userId()).put("group_id", mb.groupId()));
        return n;
    }

    static ObjectNode deliveryJson(DeliveryAttempt d) {
        ObjectNode x = Json.obj();
        x.put("event_id", d.eventId());
        x.put("event", d.event());
        x.put("endpoint_id", d.endpointId());
        x.put("url", d.url());
        x.put("copy", d.copy());
        x.put("attempt", d.attempt());
        x.put("status", d.status());
        x.put("outcome", d.outcome());
        x.put("error", d.error());
        Json.putTime(x, "at", d.at());
        return x;
    }

    static String required(JsonNode b, String field) {
        String v = str(b, field);
        if (v == null || v.isBlank()) {
            throw new BadRequest(field + " is required");
        }
        return v;
    }

    static String str(JsonNode b, String... fields) {
        for (String f : fields) {
            JsonNode v = b.get(f);
            if (v != null && !v.isNull()) {
                return v.asText();
            }
        }
        return null;
    }

    static Instant time(String iso) {
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequest("not an ISO-8601 date-time: " + iso);
        }
    }
}
