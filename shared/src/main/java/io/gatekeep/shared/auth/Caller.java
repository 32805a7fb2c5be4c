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

    /** How the audit log names this caller: never the token, only who. */
    public String actor() {
        return email != null && !email.isBlank() ? email : userId;
    }
}
