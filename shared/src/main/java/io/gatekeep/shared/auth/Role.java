package io.gatekeep.shared.auth;

import java.util.Locale;

/** The product's organization roles, as AuthKit puts them in the token's {@code role} claim. */
public enum Role {
    OWNER, ADMIN, MEMBER, OTHER;

    public static Role of(String claim) {
        if (claim == null) {
            return OTHER;
        }
        return switch (claim.trim().toLowerCase(Locale.ROOT)) {
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
