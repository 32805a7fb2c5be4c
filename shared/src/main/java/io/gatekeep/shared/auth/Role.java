package io.gatekeep.shared.auth;

import java.util.Locale;

/** The product's organization roles, as AuthKit puts them in the token's {@code role} claim. */
public enum Role {
    OWNER, ADMIN, MEMBER, OTHER;

    /**
     * Exactly {@code owner}, {@code admin} or {@code member}, as AuthKit writes them; anything else
     * ({@code "OWNER"}, {@code " owner"}, {@code "owner\u0000"}, {@code "\u001fadmin"}, a custom role)
     * is no role and grants nothing. The claim is compared as it was signed, never trimmed or
     * case-folded: a token that needs cleaning up to look like a role is not that role.
     */
    public static Role of(String claim) {
        if (claim == null) {
            return OTHER;
        }
        return switch (claim) {
            case "owner" -> OWNER;
            case "admin" -> ADMIN;
            case "member" -> MEMBER;
            default -> OTHER;
        };
    }

    /** Owners and admins set up identity; everyone else may only look. */
    public boolean canManageIdentity() {
        return this == OWNER || this == ADMIN;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
