package io.gatekeep.shared.org;

import io.gatekeep.shared.table.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * What a connection item ({@code ORG#{orgId} / CONN#{connectionId}}) knows about sign-ins through it,
 * as the projection's sign-in events left it: when it last became active, the last successful SSO
 * sign-in, the last failed one with WorkOS's reason, and the last successful sign-in of an owner or
 * admin and of a member (a sign-in's role is its organization membership's). The attribute names here
 * are the ones the projection writes.
 */
public record ConnectionSignIns(String activeSince, SignIn lastSuccess, Failure lastFailure, SignIn admin, SignIn member) {
    public static final ConnectionSignIns NONE = new ConnectionSignIns(null, null, null, null, null);

    /** Set when a write makes the connection active from any other state; removed when it leaves active. */
    public static final String ACTIVE_SINCE = "activeSince";
    /** Prefixes of the sign-in attributes: {@code <prefix>At}, {@code Email}, {@code UserId}, {@code Role} (proofs only). */
    public static final String LAST_SUCCESS = "signIn";
    public static final String LAST_FAILURE = "signInFailure";
    public static final String ADMIN = "provenAdmin";
    public static final String MEMBER = "provenMember";

    /** A sign-in: when (the event's time), who, and the role of their membership (null when not known). */
    public record SignIn(String at, String email, String userId, String role) {}

    /** A failed sign-in, with WorkOS's {@code error.code} and {@code error.message}. */
    public record Failure(String at, String email, String userId, String code, String message) {}

    /** Which proof a role gives: owners and admins prove the admin path, members the member path, other roles neither. */
    public static String proofOf(String role) {
        if ("owner".equals(role) || "admin".equals(role)) {
            return ADMIN;
        }
        return "member".equals(role) ? MEMBER : null;
    }

    public static ConnectionSignIns fromItem(Map<String, AttributeValue> item) {
        return new ConnectionSignIns(Attr.str(item, ACTIVE_SINCE), signIn(item, LAST_SUCCESS), failure(item),
                signIn(item, ADMIN), signIn(item, MEMBER));
    }

    private static SignIn signIn(Map<String, AttributeValue> item, String prefix) {
        String at = Attr.str(item, prefix + "At");
        return at == null ? null : new SignIn(at, Attr.str(item, prefix + "Email"), Attr.str(item, prefix + "UserId"),
                Attr.str(item, prefix + "Role"));
    }

    private static Failure failure(Map<String, AttributeValue> item) {
        String at = Attr.str(item, LAST_FAILURE + "At");
        return at == null ? null : new Failure(at, Attr.str(item, LAST_FAILURE + "Email"), Attr.str(item, LAST_FAILURE + "UserId"),
                Attr.str(item, LAST_FAILURE + "Code"), Attr.str(item, LAST_FAILURE + "Message"));
    }

    /** A successful sign-in at or after the connection last became active (text order is time order). */
    public boolean sinceActive(SignIn signIn) {
        return signIn != null && (activeSince == null || signIn.at().compareTo(activeSince) >= 0);
    }
}
