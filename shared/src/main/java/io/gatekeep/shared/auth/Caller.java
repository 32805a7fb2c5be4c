package io.gatekeep.shared.auth;

import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpRequest;

import java.util.Map;

/**
 * Who is calling, from the claims that API Gateway's JWT authorizer verified (signature, expiry,
 * issuer, audience). The handler never sees the token itself.
 */
public record Caller(String userId, String organizationId, Role role, String email) {

    public static Caller of(HttpRequest request) {
        Map<String, String> claims = request.claims();
        String sub = claims.get("sub");
        if (sub == null || sub.isBlank()) {
            throw ApiException.unauthenticated();
        }
        return new Caller(sub, claims.get("org_id"), Role.of(claims.get("role")), claims.get("email"));
    }

    /**
     * The organization a route on one organization is about: the one in the path, provided the session
     * is on an organization too. Either missing is 400 {@code organization_required}, in the product's
     * words; whether the session is on <em>this</em> organization is {@link #requireMemberOf}'s question,
     * asked after the body is read (the contract's order of gates).
     */
    public String organizationIn(HttpRequest request) {
        String inPath = request.pathParameters().get("organizationId");
        if (inPath == null || inPath.isBlank() || organizationId == null || organizationId.isBlank()) {
            throw ApiException.organizationRequired();
        }
        return inPath;
    }

    /** The session must be on the organization in the path: reading another one is forbidden. */
    public Caller requireMemberOf(String organizationId) {
        if (this.organizationId == null || !this.organizationId.equals(organizationId)) {
            throw ApiException.forbidden("Your session is on another organization. Switch to this organization and try again.");
        }
        return this;
    }

    /** Owners and admins of the organization in the path only. */
    public Caller requireAdminOf(String organizationId) {
        requireMemberOf(organizationId);
        if (!role.canManageIdentity()) {
            throw ApiException.forbidden("Only organization owners and admins can manage identity integrations.");
        }
        return this;
    }

    /** Owners, admins and members read their own organization's identity integrations; nobody reads another's. */
    public Caller requireReaderOf(String organizationId) {
        requireMemberOf(organizationId);
        if (role == Role.OTHER) {
            throw ApiException.forbidden("Only members of this organization can see its identity integrations.");
        }
        return this;
    }

    /** How the audit log names this caller: never the token, only who. */
    public String actor() {
        return email != null && !email.isBlank() ? email : userId;
    }
}
