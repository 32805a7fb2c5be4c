package io.gatekeep.shared.auth;

import io.gatekeep.shared.Ids;
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
     * The organization a tenant route on one organization is about, the contract's first gate and its only
     * home: the id in the path, well formed, and a session on an organization. No id in the path, or a session
     * on none, is 400 {@code organization_required} in the product's words; an id that cannot be a WorkOS
     * organization id is 400 {@code invalid_request}. Whether the session is on <em>this</em> organization is
     * {@link #requireMemberOf}'s 403, asked after the body is read (the contract's order of gates).
     */
    public String organizationIn(HttpRequest request) {
        String inPath = organizationInPath(request);
        if (organizationId == null || organizationId.isBlank()) {
            throw ApiException.organizationRequired();
        }
        return inPath;
    }

    /**
     * The organization in the path alone, for the one route on an organization that has no session (the
     * vendor's back office, signed by an IAM principal); tenant routes take {@link #organizationIn}.
     */
    public static String organizationInPath(HttpRequest request) {
        String id = request.pathParameters().get("organizationId");
        if (id == null || id.isBlank()) {
            throw ApiException.organizationRequired();
        }
        if (!Ids.isWorkOsId(id)) {
            throw ApiException.invalidRequest("The organization id in the path is not a WorkOS organization id.");
        }
        return id;
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
