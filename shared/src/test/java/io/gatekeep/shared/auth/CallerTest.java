package io.gatekeep.shared.auth;

import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpRequest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The organization and role checks every route on one organization makes, written once here. */
class CallerTest {
    private static HttpRequest request(String organizationInPath, Map<String, String> claims) {
        Map<String, String> path = new HashMap<>();
        if (organizationInPath != null) {
            path.put("organizationId", organizationInPath);
        }
        return new HttpRequest("GET", "GET /organizations/{organizationId}/identity-health", "/", path, Map.of(), Map.of(),
                null, claims, "req-1");
    }

    private static Map<String, String> claims(String organizationId, String role) {
        Map<String, String> claims = new HashMap<>(Map.of("sub", "user_1", "email", "ada@acme.test"));
        if (organizationId != null) {
            claims.put("org_id", organizationId);
        }
        if (role != null) {
            claims.put("role", role);
        }
        return claims;
    }

    private static void assertError(int status, String code, Runnable check) {
        ApiException e = assertThrows(ApiException.class, check::run);
        assertEquals(status, e.status());
        assertEquals(code, e.code());
    }

    @Test
    void noSubjectIsUnauthenticated() {
        assertError(401, "unauthenticated", () -> Caller.of(request("org_a", Map.of("org_id", "org_a"))));
    }

    @Test
    void theOrganizationComesFromThePathWhenTheSessionIsOnOne() {
        assertEquals("org_a", Caller.of(request("org_a", claims("org_b", "admin"))).organizationIn(request("org_a", Map.of())));
        assertError(400, "organization_required", () -> Caller.of(request(null, claims("org_a", "admin")))
                .organizationIn(request(null, Map.of())));
        assertError(400, "organization_required", () -> Caller.of(request("org_a", claims(null, "admin")))
                .organizationIn(request("org_a", Map.of())));
        assertError(400, "organization_required", () -> Caller.of(request(" ", claims("org_a", "admin")))
                .organizationIn(request(" ", Map.of())));
    }

    @Test
    void anIdThatCannotBeAWorkOsOrganizationIdIsInvalidRequestWhateverTheSession() {
        assertEquals("org_01HZ-x_9", Caller.of(request("org_01HZ-x_9", claims("org_01HZ-x_9", "owner")))
                .organizationIn(request("org_01HZ-x_9", Map.of())));
        assertEquals("o".repeat(128), Caller.organizationInPath(request("o".repeat(128), Map.of())));
        for (String bad : new String[] {"org$bad", "org.bad", "o".repeat(129), "org bad", "組織", "org\u0000x", "../org_a"}) {
            // a session on exactly that id, on another organization, and on none: the same answer
            for (String session : new String[] {bad, "org_a", null}) {
                assertError(400, "invalid_request", () -> Caller.of(request(bad, claims(session, "owner")))
                        .organizationIn(request(bad, Map.of())));
            }
            assertError(400, "invalid_request", () -> Caller.organizationInPath(request(bad, Map.of())));
        }
        assertError(400, "organization_required", () -> Caller.organizationInPath(request(null, Map.of())));
    }

    @Test
    void readersAreOwnersAdminsAndMembersOfTheirOwnOrganization() {
        for (String role : new String[] {"owner", "admin", "member"}) {
            Caller.of(request("org_a", claims("org_a", role))).requireReaderOf("org_a");
            assertError(403, "forbidden", () -> Caller.of(request("org_a", claims("org_b", role))).requireReaderOf("org_a"));
        }
        assertError(403, "forbidden", () -> Caller.of(request("org_a", claims("org_a", "billing"))).requireReaderOf("org_a"));
        assertError(403, "forbidden", () -> Caller.of(request("org_a", claims("org_a", null))).requireReaderOf("org_a"));
        assertError(403, "forbidden", () -> Caller.of(request("org_a", claims(null, "owner"))).requireReaderOf("org_a"));
    }

    @Test
    void onlyOwnersAndAdminsOfTheirOwnOrganizationManageIt() {
        Caller.of(request("org_a", claims("org_a", "owner"))).requireAdminOf("org_a");
        Caller.of(request("org_a", claims("org_a", "admin"))).requireAdminOf("org_a");
        assertError(403, "forbidden", () -> Caller.of(request("org_a", claims("org_a", "member"))).requireAdminOf("org_a"));
        assertError(403, "forbidden", () -> Caller.of(request("org_a", claims("org_b", "owner"))).requireAdminOf("org_a"));
    }

    @Test
    void theAuditLogNamesTheCallerByEmailElseById() {
        assertEquals("ada@acme.test", Caller.of(request("org_a", claims("org_a", "admin"))).actor());
        assertEquals("user_2", Caller.of(request("org_a", Map.of("sub", "user_2"))).actor());
    }
}
