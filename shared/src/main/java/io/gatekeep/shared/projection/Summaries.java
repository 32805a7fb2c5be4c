package io.gatekeep.shared.projection;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log's words for a WorkOS event: who did it (the connection or directory by name, else
 * WorkOS) and one line a person reads ("Okta SAML connection activated", "Directory user
 * ada@acme.test created", "Domain acme.test verified"). Built from the event alone, so that a
 * stale or duplicate delivery reads the same; never fails, whatever the data holds.
 */
final class Summaries {
    static final String WORKOS = "WorkOS";
    static final String DIRECTORY_SYNC = "WorkOS Directory Sync";
    private static final int MAX_TEXT = 120;

    private Summaries() {}

    static String actor(WorkOsEvent event) {
        JsonNode data = event.data();
        return switch (event.category()) {
            case "connection", "dsync" -> {
                if (event.name().startsWith("dsync.user.") || event.name().startsWith("dsync.group.")) {
                    yield DIRECTORY_SYNC;
                }
                String name = clean(Json.text(data, "name"));
                yield name == null ? WORKOS : name;
            }
            default -> WORKOS;
        };
    }

    /** One line for the audit log; every {@link WorkOsEventType} has its own words (no default). */
    static String summary(WorkOsEvent event) {
        WorkOsEventType type = event.type();
        if (type == null) {
            return "WorkOS event " + clean(event.name()) + " received (not applied by this version)";
        }
        JsonNode data = event.data();
        String verb = verb(event.name());
        return switch (type) {
            case CONNECTION_ACTIVATED, CONNECTION_DEACTIVATED, CONNECTION_DELETED ->
                    connectionLabel(Json.text(data, "connection_type")) + " connection " + verb;
            case CONNECTION_SAML_CERTIFICATE_RENEWAL_REQUIRED -> renewalRequired(data);
            case CONNECTION_SAML_CERTIFICATE_RENEWED -> {
                String expiry = day(Json.text(data.path("certificate"), "expiry_date"));
                yield "SAML certificate renewed" + (expiry == null ? "" : "; it now expires on " + expiry);
            }
            case DSYNC_ACTIVATED, DSYNC_DELETED ->
                    "Directory " + quoted(Json.text(data, "name"), "") + verb;
            case DSYNC_USER_CREATED, DSYNC_USER_DELETED -> "Directory user " + person(data) + " " + verb;
            case DSYNC_USER_UPDATED -> "Directory user " + person(data) + " updated" + changed(data);
            case DSYNC_GROUP_CREATED, DSYNC_GROUP_DELETED ->
                    "Directory group " + quoted(Json.text(data, "name"), "") + verb;
            case DSYNC_GROUP_UPDATED -> {
                String before = clean(Json.text(data.path("previous_attributes"), "name"));
                String now = clean(Json.text(data, "name"));
                yield before != null && now != null && !before.equals(now)
                        ? "Directory group \"" + before + "\" renamed to \"" + now + "\""
                        : "Directory group " + quoted(now, "") + "updated";
            }
            case DSYNC_GROUP_USER_ADDED -> person(data.path("user")) + " added to " + group(data.path("group"));
            case DSYNC_GROUP_USER_REMOVED -> person(data.path("user")) + " removed from " + group(data.path("group"));
            case ORGANIZATION_CREATED, ORGANIZATION_UPDATED, ORGANIZATION_DELETED ->
                    "Organization " + quoted(Json.text(data, "name"), "") + verb;
            case ORGANIZATION_DOMAIN_CREATED -> "Domain " + domain(data) + " added" + state(data);
            case ORGANIZATION_DOMAIN_UPDATED -> "Domain " + domain(data) + " updated" + state(data);
            case ORGANIZATION_DOMAIN_VERIFIED -> "Domain " + domain(data) + " verified";
            case ORGANIZATION_DOMAIN_DELETED -> "Domain " + domain(data) + " removed";
            case ORGANIZATION_DOMAIN_VERIFICATION_FAILED -> "Domain " + domain(data.path("organization_domain"))
                    + " verification failed" + failure(Json.text(data, "reason"));
            case AUTHENTICATION_SSO_SUCCEEDED -> "SSO sign-in by " + quoted(Json.text(data, "email"), "") + "succeeded";
            case AUTHENTICATION_SSO_FAILED, AUTHENTICATION_SSO_TIMED_OUT -> "SSO sign-in by " + quoted(Json.text(data, "email"), "")
                    + (event.name().endsWith("timed_out") ? "timed out" : "failed")
                    + failure(Json.text(data.path("error"), "message"));
            case ORGANIZATION_MEMBERSHIP_CREATED, ORGANIZATION_MEMBERSHIP_UPDATED, ORGANIZATION_MEMBERSHIP_DELETED ->
                    "Membership of user " + quoted(Json.text(data, "user_id"), "") + verb
                            + role(Json.text(data.path("role"), "slug"));
        };
    }

    /** "OktaSAML" -> "Okta SAML", "GenericOIDC" -> "Generic OIDC"; unknown or absent -> "SSO". */
    static String connectionLabel(String connectionType) {
        String type = clean(connectionType);
        if (type == null) {
            return "SSO";
        }
        for (String protocol : List.of("SAML", "OIDC", "OAuth")) {
            if (type.endsWith(protocol) && type.length() > protocol.length()) {
                return type.substring(0, type.length() - protocol.length()) + " " + protocol;
            }
        }
        return type;
    }

    private static String renewalRequired(JsonNode data) {
        JsonNode certificate = data.path("certificate");
        String expiry = day(Json.text(certificate, "expiry_date"));
        if (certificate.path("is_expired").asBoolean(false)) {
            return "SAML certificate expired" + (expiry == null ? "" : " on " + expiry) + ": renewal required";
        }
        JsonNode days = data.path("days_until_expiry");
        String when = expiry == null ? "" : " on " + expiry + (days.isNumber() ? " (in " + days.asLong() + " days)" : "");
        return "SAML certificate expires" + when + ": renewal required";
    }

    private static String verb(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        return switch (last) {
            case "created", "updated", "deleted", "activated", "deactivated", "verified" -> last;
            default -> last.replace('_', ' ');
        };
    }

    private static String role(String slug) {
        String role = clean(slug);
        return role == null ? "" : "; role " + role;
    }

    /** The user by email, else by name, else by id. */
    private static String person(JsonNode user) {
        String who = clean(WireObjects.email(user));
        if (who == null) {
            String first = Json.text(user, "first_name");
            String last = Json.text(user, "last_name");
            who = clean(((first == null ? "" : first) + " " + (last == null ? "" : last)).trim());
        }
        if (who == null) {
            who = clean(Json.text(user, "id"));
        }
        return who == null ? "(unknown user)" : who;
    }

    private static String group(JsonNode group) {
        String name = clean(Json.text(group, "name"));
        return name == null ? "a group" : "group \"" + name + "\"";
    }

    private static String changed(JsonNode data) {
        JsonNode previous = data.path("previous_attributes");
        if (!previous.isObject() || previous.isEmpty()) {
            return "";
        }
        List<String> fields = new ArrayList<>();
        previous.fieldNames().forEachRemaining(f -> fields.add(f.replace('_', ' ')));
        String state = clean(Json.text(data, "state"));
        String list = String.join(", ", fields.subList(0, Math.min(fields.size(), 5)));
        return ": " + clean(list) + (previous.has("state") && state != null ? " (now " + state + ")" : "");
    }

    private static String domain(JsonNode data) {
        String domain = clean(Json.text(data, "domain"));
        return domain == null ? "(unknown domain)" : domain;
    }

    private static String state(JsonNode data) {
        String state = clean(Json.text(data, "state"));
        return state == null ? "" : " (" + state + ")";
    }

    private static String failure(String reason) {
        if (reason == null) {
            return "";
        }
        return ": " + switch (reason) {
            case "domain_verification_period_expired" -> "the verification period expired";
            case "domain_verified_by_other_organization" -> "another organization verified it";
            default -> clean(reason.replace('_', ' '));
        };
    }

    private static String quoted(String text, String otherwise) {
        String clean = clean(text);
        return clean == null ? otherwise : "\"" + clean + "\" ";
    }

    private static String day(String timestamp) {
        Instant instant = Times.parseOrNull(timestamp);
        return instant == null ? null : Times.iso(instant).substring(0, 10);
    }

    /** Text from an identity provider, made safe for one line: no control characters, bounded length. */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_TEXT));
        text.codePoints().limit(MAX_TEXT).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        String result = out.toString().strip();
        if (text.codePointCount(0, text.length()) > MAX_TEXT) {
            result += "…";
        }
        return result.isEmpty() ? null : result;
    }
}
