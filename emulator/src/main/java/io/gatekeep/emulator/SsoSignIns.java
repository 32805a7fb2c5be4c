package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * People signing in through a connection, as the Admin Portal's "Test sign-in" and the control API's
 * sign-in simulation do it. A success provisions what AuthKit provisions on a first SSO sign-in (the user,
 * {@code user.created}, and its organization membership, {@code organization_membership.created}, or
 * {@code .updated} when the role asked for differs from the membership's), then emits
 * {@code authentication.sso_succeeded}; a failure emits {@code authentication.sso_failed} or
 * {@code authentication.sso_timed_out} with its error and provisions nothing. Data shapes are the event
 * schemas of WorkOS's OpenAPI spec (github.com/workos/openapi-spec, spec/open-api-spec.yaml, EventSchema:
 * {@code authentication.sso_*}, {@code organization_membership.*}, {@code user.created}; the same fields as
 * workos-kotlin's {@code AuthenticationSSOSucceededData}, {@code AuthenticationSSOFailedData},
 * {@code OrganizationMembershipCreatedData}, {@code UserCreated}).
 *
 * <p>WorkOS publishes {@code error.code} and {@code error.message} as free strings, with no list of SSO
 * failure codes: the failures here ({@link Failure}) name the troubleshooting guide's SAML and OAuth
 * problems in their message, under codes of the emulator's own.
 */
final class SsoSignIns {
    /** Why a simulated sign-in fails: the error its event carries. */
    enum Failure {
        RECIPIENT_MISMATCH("saml_recipient_mismatch", "SAML Recipient mismatch: the response's Recipient is not this connection's ACS URL."),
        AUDIENCE_MISMATCH("saml_audience_mismatch", "SAML Audience mismatch: the assertion's Audience is not this connection's SP Entity ID."),
        SIGNATURE_INVALID("saml_signature_invalid", "SAML Signature invalid: the response is not signed by the IdP certificate on file."),
        RESPONSE_EXPIRED("saml_response_expired", "SAML Response expired: the assertion's NotOnOrAfter has passed."),
        NAMEID_MISSING("saml_nameid_missing", "SAML NameID missing: the assertion has no NameID."),
        REDIRECT_URI_MISMATCH("redirect_uri_mismatch", "OAuth redirect_uri_mismatch: the redirect URI is not registered with the provider."),
        INVALID_CLIENT("invalid_client", "OAuth invalid_client: the client ID or secret is wrong."),
        /** Outcome {@code timed_out}, never a reason for {@code failed}. */
        TIMED_OUT("sso_timed_out", "Timed out: the sign-in was not completed before it expired.");

        final String code;
        final String message;

        Failure(String code, String message) {
            this.code = code;
            this.message = message;
        }

        /** {@code audience_mismatch} -> AUDIENCE_MISMATCH; an unknown reason is a bad argument naming the known ones. */
        static Failure of(String reason) {
            for (Failure f : values()) {
                if (f != TIMED_OUT && f.wire().equals(reason)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("reason must be one of " + wireNames() + ", not '" + reason + "'");
        }

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static List<String> wireNames() {
            return Arrays.stream(values()).filter(f -> f != TIMED_OUT).map(Failure::wire).toList();
        }
    }

    /** The outcomes of a sign-in and the event each emits. */
    static final Map<String, String> OUTCOMES = Map.of(
            "succeeded", "authentication.sso_succeeded",
            "failed", "authentication.sso_failed",
            "timed_out", "authentication.sso_timed_out");

    /** The roles the portal page offers (any role slug is accepted through the control API). */
    static final List<String> PORTAL_ROLES = List.of("admin", "member", "owner");

    /** An AuthKit user (one per email address) and its memberships of organizations. */
    static final class Person {
        String userId, email, firstName, lastName;
        Instant createdAt, updatedAt;
    }

    static final class Membership {
        String id, userId, orgId, role;
        boolean directoryManaged;
        Instant createdAt, updatedAt;
    }

    /** Everyone who ever signed in: users by email, memberships by organization and user. */
    static final class People {
        final Map<String, Person> byEmail = new TreeMap<>();
        final Map<String, Membership> memberships = new TreeMap<>();

        void clear() {
            byEmail.clear();
            memberships.clear();
        }
    }

    private SsoSignIns() {}

    /**
     * One sign-in through an active connection: {@code email} (the person), {@code role} (the role slug
     * their membership gets; a success only), {@code outcome} (succeeded, failed, timed_out) and for a
     * failure its {@code reason} ({@link Failure#wireNames()}). Returns the events emitted, in order.
     */
    static List<StoredEvent> signIn(State state, String connectionId, String email, String role, String outcome, String reason) {
        synchronized (state) {
            State.Conn c = state.conn(connectionId);
            if (!"active".equals(c.state)) {
                throw new IllegalArgumentException("connection " + c.id + " is " + c.state
                        + ": people sign in through an active connection");
            }
            if (email == null || !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                throw new IllegalArgumentException("email must be an email address");
            }
            if (outcome == null || !OUTCOMES.containsKey(outcome)) {
                throw new IllegalArgumentException("outcome must be one of succeeded, failed, timed_out");
            }
            String address = email.toLowerCase(Locale.ROOT);
            Person person = state.people.byEmail.get(address);
            List<StoredEvent> emitted = new ArrayList<>();
            if (!outcome.equals("succeeded")) {
                Failure failure = outcome.equals("timed_out") ? Failure.TIMED_OUT : Failure.of(reason);
                ObjectNode data = attempt(c, outcome, person == null ? null : person.userId, address);
                data.with("sso").putNull("session_id");
                data.putObject("error").put("code", failure.code).put("message", failure.message);
                emitted.add(state.emit(OUTCOMES.get(outcome), c.orgId, data));
                return emitted;
            }
            if (role == null || !role.matches("[a-z][a-z0-9_-]{0,31}")) {
                throw new IllegalArgumentException("role must be a role slug (admin, member, owner, ...)");
            }
            Instant at = state.clock().stamp();
            State.User directoryUser = state.users.values().stream()
                    .filter(u -> u.orgId.equals(c.orgId) && address.equalsIgnoreCase(u.email)).findFirst().orElse(null);
            if (person == null) {
                person = new Person();
                person.userId = state.ids().next("user_", at.toEpochMilli());
                person.email = address;
                person.firstName = directoryUser == null ? null : directoryUser.firstName;
                person.lastName = directoryUser == null ? null : directoryUser.lastName;
                person.createdAt = at;
                person.updatedAt = at;
                state.people.byEmail.put(address, person);
                emitted.add(state.emit("user.created", null, user(person, at)));
            }
            String key = c.orgId + "\n" + person.userId;
            Membership m = state.people.memberships.get(key);
            if (m == null) {
                m = new Membership();
                m.id = state.ids().next("om_", at.toEpochMilli());
                m.userId = person.userId;
                m.orgId = c.orgId;
                m.role = role;
                m.directoryManaged = directoryUser != null;
                m.createdAt = at;
                m.updatedAt = at;
                state.people.memberships.put(key, m);
                emitted.add(state.emit("organization_membership.created", c.orgId, membership(m)));
            } else if (!m.role.equals(role)) {
                m.role = role;
                m.updatedAt = at;
                emitted.add(state.emit("organization_membership.updated", c.orgId, membership(m)));
            }
            ObjectNode data = attempt(c, outcome, person.userId, address);
            data.with("sso").put("session_id", state.ids().next("sess_", at.toEpochMilli()));
            emitted.add(state.emit(OUTCOMES.get(outcome), c.orgId, data));
            return emitted;
        }
    }

    /**
     * Takes a person out of an organization, as WorkOS's {@code DELETE /user_management/organization_memberships/{id}}
     * does: the membership is gone and {@code organization_membership.deleted} carries it as it was last
     * (its {@code updated_at} the time of the deletion). Returns the event.
     */
    static StoredEvent removeMembership(State state, String orgId, String email) {
        synchronized (state) {
            state.org(orgId);
            Person person = email == null ? null : state.people.byEmail.get(email.toLowerCase(Locale.ROOT));
            Membership m = person == null ? null : state.people.memberships.remove(orgId + "\n" + person.userId);
            if (m == null) {
                throw new State.NotFound("organization membership", orgId + "/" + email);
            }
            m.updatedAt = state.clock().stamp();
            return state.emit("organization_membership.deleted", orgId, membership(m));
        }
    }

    /** The fields every SSO authentication event has, in the spec's order. */
    private static ObjectNode attempt(State.Conn c, String status, String userId, String email) {
        ObjectNode data = Json.obj();
        data.put("type", "sso");
        data.put("status", status);
        data.put("ip_address", "198.51.100.7");
        data.put("user_agent", "Mozilla/5.0 (WorkOS emulator test sign-in)");
        data.put("user_id", userId);
        data.put("email", email);
        ObjectNode sso = data.putObject("sso");
        sso.put("organization_id", c.orgId);
        sso.put("connection_id", c.id);
        return data;
    }

    /** An organization membership as WorkOS's OrganizationMembership object. */
    static ObjectNode membership(Membership m) {
        ObjectNode n = Json.obj();
        n.put("object", "organization_membership");
        n.put("id", m.id);
        n.put("user_id", m.userId);
        n.put("organization_id", m.orgId);
        n.put("status", "active");
        n.putObject("role").put("slug", m.role);
        n.putArray("roles").addObject().put("slug", m.role);
        n.putObject("custom_attributes");
        n.put("directory_managed", m.directoryManaged);
        Json.putTime(n, "created_at", m.createdAt);
        Json.putTime(n, "updated_at", m.updatedAt);
        return n;
    }

    /** A user as WorkOS's User object, signed in just now through SSO. */
    private static ObjectNode user(Person p, Instant signedInAt) {
        ObjectNode n = Json.obj();
        n.put("object", "user");
        n.put("id", p.userId);
        n.put("first_name", p.firstName);
        n.put("last_name", p.lastName);
        n.put("name", p.firstName == null && p.lastName == null ? null
                : ((p.firstName == null ? "" : p.firstName) + " " + (p.lastName == null ? "" : p.lastName)).trim());
        n.putNull("profile_picture_url");
        n.put("email", p.email);
        n.put("email_verified", true);
        n.putNull("external_id");
        n.putObject("metadata");
        Json.putTime(n, "last_sign_in_at", signedInAt);
        n.put("locale", "en-US");
        Json.putTime(n, "created_at", p.createdAt);
        Json.putTime(n, "updated_at", p.updatedAt);
        return n;
    }

    /** The memberships of an organization with their users' emails, by email, for the portal page. */
    static List<Map.Entry<String, Membership>> membersOf(State state, String orgId) {
        synchronized (state) {
            List<Map.Entry<String, Membership>> out = new ArrayList<>();
            for (Person p : state.people.byEmail.values()) {
                Membership m = state.people.memberships.get(orgId + "\n" + p.userId);
                if (m != null) {
                    out.add(Map.entry(p.email, m));
                }
            }
            return out;
        }
    }
}
