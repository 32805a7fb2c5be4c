package io.gatekeep.adversarial;

import io.gatekeep.local.RouteTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every route of template.yaml (as the local runner serves it) times every kind of caller, through
 * the JWT authorizer and the real handlers over HTTP, with the exact status and error code expected
 * for each pair. A route added to the template without a row here fails the test.
 */
@Order(1)
class AuthorizationMatrixTest {
    enum CallerKind { NO_TOKEN, EXPIRED, WRONG_ISSUER, WRONG_AUDIENCE, FORGED_SIGNATURE, ALG_NONE, MEMBER, ADMIN, OWNER, OTHER_ORGANIZATION,
        /** A valid owner's token on no organization (no {@code org_id}: signed in, no organization selected yet). */
        NO_ORGANIZATION }

    static final Set<CallerKind> REFUSED_BY_THE_AUTHORIZER = Set.of(CallerKind.NO_TOKEN, CallerKind.EXPIRED,
            CallerKind.WRONG_ISSUER, CallerKind.WRONG_AUDIENCE, CallerKind.FORGED_SIGNATURE, CallerKind.ALG_NONE);

    /** status and error code (null for a success) */
    record Expected(int status, String error) {
        static Expected ok(int status) {
            return new Expected(status, null);
        }
    }

    record Row(String body, Map<CallerKind, Expected> expected) {}

    static Adversarial adv;
    static Map<CallerKind, String> tokens;

    @BeforeAll
    static void start() throws Exception {
        adv = Adversarial.get();
        String acme = adv.acme();
        tokens = new LinkedHashMap<>();
        tokens.put(CallerKind.NO_TOKEN, null);
        tokens.put(CallerKind.EXPIRED, adv.expired(acme, "owner"));
        tokens.put(CallerKind.WRONG_ISSUER, adv.wrongIssuer(acme, "owner"));
        tokens.put(CallerKind.WRONG_AUDIENCE, adv.wrongAudience(acme, "owner"));
        tokens.put(CallerKind.FORGED_SIGNATURE, adv.forged(acme, "owner"));
        tokens.put(CallerKind.ALG_NONE, adv.algNone(acme, "owner"));
        tokens.put(CallerKind.MEMBER, adv.token(acme, "member"));
        tokens.put(CallerKind.ADMIN, adv.token(acme, "admin"));
        tokens.put(CallerKind.OWNER, adv.token(acme, "owner"));
        tokens.put(CallerKind.OTHER_ORGANIZATION, adv.token(adv.globex(), "owner"));
        tokens.put(CallerKind.NO_ORGANIZATION, adv.token(null, "owner"));
    }

    /** The matrix: for each route key, the body sent and the answer each caller gets. */
    static Map<String, Row> matrix() {
        Map<String, Row> m = new LinkedHashMap<>();
        Expected unauthenticated = new Expected(401, "unauthenticated");
        Expected forbidden = new Expected(403, "forbidden");
        // A session on no organization meets the organization gate first on every route on one: 400, as the contract says.
        Expected noOrganization = new Expected(400, "organization_required");
        m.put("GET /organizations/{organizationId}/identity-health",
                jwtRoute(null, Expected.ok(200), Expected.ok(200), Expected.ok(200), forbidden, noOrganization, unauthenticated));
        // Members may ask for a refresh too (the 30 s claim answers the later ones "recent", still 200).
        m.put("POST /organizations/{organizationId}/identity-health/refresh",
                jwtRoute(null, Expected.ok(200), Expected.ok(200), Expected.ok(200), forbidden, noOrganization, unauthenticated));
        m.put("GET /organizations/{organizationId}/audit-events",
                jwtRoute(null, Expected.ok(200), Expected.ok(200), Expected.ok(200), forbidden, noOrganization, unauthenticated));
        m.put("POST /organizations/{organizationId}/portal-links",
                jwtRoute("{\"intent\":\"sso\",\"returnUrl\":\"http://localhost/settings\"}",
                        forbidden, Expected.ok(201), Expected.ok(201), forbidden, noOrganization, unauthenticated));
        m.put("PUT /organizations/{organizationId}/it-contacts",
                jwtRoute("{\"emails\":[\"it@acme.com\"]}", forbidden, Expected.ok(200), Expected.ok(200), forbidden, noOrganization,
                        unauthenticated));
        // The plan is the vendor's: its only route takes AWS SigV4 (AWS_IAM), and API Gateway refuses every bearer token.
        Map<CallerKind, Expected> backOffice = new LinkedHashMap<>();
        for (CallerKind k : CallerKind.values()) {
            backOffice.put(k, forbidden);
        }
        m.put("PUT /internal/organizations/{organizationId}/entitlements", new Row("{\"sso\":false,\"directorySync\":false}", backOffice));
        // Directory roles: owners and admins only, both the mapping and the user list.
        m.put("PUT /organizations/{organizationId}/role-mappings",
                jwtRoute("{\"mappings\":[],\"defaultRole\":\"member\"}", forbidden, Expected.ok(200), Expected.ok(200), forbidden,
                        noOrganization, unauthenticated));
        m.put("GET /organizations/{organizationId}/role-mappings",
                jwtRoute(null, forbidden, Expected.ok(200), Expected.ok(200), forbidden, noOrganization, unauthenticated));
        m.put("POST /organizations/{organizationId}/role-mappings/preview",
                jwtRoute("{\"mappings\":[],\"defaultRole\":\"member\"}", forbidden, Expected.ok(200), Expected.ok(200), forbidden,
                        noOrganization, unauthenticated));
        m.put("GET /organizations/{organizationId}/directory-users",
                jwtRoute(null, forbidden, Expected.ok(200), Expected.ok(200), forbidden, noOrganization, unauthenticated));
        // Not scoped to an organization: any signed-in caller reads the catalog.
        m.put("GET /providers", jwtRoute(null, Expected.ok(200), Expected.ok(200), Expected.ok(200), Expected.ok(200), Expected.ok(200),
                unauthenticated));
        // No JWT authorizer: the WorkOS-Signature header is the only authentication, and a bearer token changes nothing.
        Map<CallerKind, Expected> webhook = new LinkedHashMap<>();
        for (CallerKind k : CallerKind.values()) {
            webhook.put(k, new Expected(400, "invalid_signature"));
        }
        m.put("POST /webhooks/workos", new Row("{\"id\":\"event_adv_matrix\",\"event\":\"connection.activated\",\"data\":{}}", webhook));
        return m;
    }

    static Row jwtRoute(String body, Expected member, Expected admin, Expected owner, Expected otherOrganization,
                        Expected noOrganization, Expected refused) {
        Map<CallerKind, Expected> e = new LinkedHashMap<>();
        REFUSED_BY_THE_AUTHORIZER.forEach(k -> e.put(k, refused));
        e.put(CallerKind.MEMBER, member);
        e.put(CallerKind.ADMIN, admin);
        e.put(CallerKind.OWNER, owner);
        e.put(CallerKind.OTHER_ORGANIZATION, otherOrganization);
        e.put(CallerKind.NO_ORGANIZATION, noOrganization);
        return new Row(body, e);
    }

    /**
     * Every route the template declares needs its row (add one with the route). A row may come before its
     * route lands in the template; it is checked from then on.
     */
    @Test
    void everyTemplateRouteHasARow() {
        Set<String> missing = new TreeSet<>();
        for (RouteTable.Entry entry : adv.system.routes().entries()) {
            if (!matrix().containsKey(entry.routeKey())) {
                missing.add(entry.routeKey());
            }
        }
        assertEquals(Set.of(), missing, "template routes without a row in AuthorizationMatrixTest.matrix()");
        assertTrue(adv.system.routes().entries().size() >= 7, "the template's routes were not read");
    }

    @Test
    void everyRouteAnswersEveryCallerExactlyAsExpected() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (RouteTable.Entry entry : adv.system.routes().entries()) {
            Row row = matrix().get(entry.routeKey());
            if (row == null) {
                fail("no matrix row for " + entry.routeKey());
            }
            String path = entry.route().path().replace("{organizationId}", adv.acme());
            for (CallerKind caller : CallerKind.values()) {
                Expected expected = row.expected().get(caller);
                var response = adv.send(entry.route().method(), path, tokens.get(caller), row.body());
                checked++;
                boolean statusOk = response.status() == expected.status();
                boolean errorOk = expected.error() == null ? response.error() == null : expected.error().equals(response.error());
                boolean shapeOk = expected.error() == null || response.isJsonError();
                if (!statusOk || !errorOk || !shapeOk) {
                    mismatches.add(entry.routeKey() + " as " + caller + ": expected " + expected + ", got " + response);
                }
                if (response.status() == 401) {
                    assertTrue(response.headers().getOrDefault("www-authenticate", "").startsWith("Bearer"), entry.routeKey() + " as " + caller);
                }
            }
        }
        assertEquals(List.of(), mismatches);
        assertEquals(adv.system.routes().entries().size() * CallerKind.values().length, checked, "every route x every caller");
    }

    /**
     * An id in the path that cannot be a WorkOS organization id meets the organization gate on every route on one,
     * before the body, the role and the table: the same 400 whoever asks (a session on another organization, on
     * exactly that id, on none; the back office), and nothing is written.
     */
    @Test
    void anIdThatCannotBeAnOrganizationIsTheSame400OnEveryRouteOnOne() throws Exception {
        List<String> before = adv.scan();
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (String bad : List.of("org.bad", "org~bad", "o".repeat(129))) {
            Map<String, String> sessions = new LinkedHashMap<>();
            sessions.put("Acme's owner", tokens.get(CallerKind.OWNER));
            sessions.put("a session on that id", adv.token(bad, "owner"));
            sessions.put("a session on no organization", tokens.get(CallerKind.NO_ORGANIZATION));
            for (RouteTable.Entry entry : adv.system.routes().entries()) {
                String path = entry.route().path();
                if (!path.contains("{organizationId}")) {
                    continue;
                }
                Row row = matrix().get(entry.routeKey());
                String badPath = path.replace("{organizationId}", bad);
                Map<String, Adversarial.Response> answers = new LinkedHashMap<>();
                if (path.startsWith("/internal/")) {
                    answers.put("the back office", adv.backOffice(entry.route().method(), badPath, row.body()));
                } else {
                    for (var session : sessions.entrySet()) {
                        answers.put(session.getKey(), adv.send(entry.route().method(), badPath, session.getValue(), row.body()));
                    }
                }
                for (var answer : answers.entrySet()) {
                    checked++;
                    var r = answer.getValue();
                    if (r.status() != 400 || !"invalid_request".equals(r.error()) || !r.isJsonError()) {
                        mismatches.add(entry.routeKey() + " on " + bad.substring(0, Math.min(bad.length(), 12)) + " as "
                                + answer.getKey() + " -> " + r);
                    }
                }
            }
        }
        assertEquals(List.of(), mismatches);
        assertTrue(checked >= 3 * (9 * 3 + 1), "every route on one organization was asked: " + checked);
        List<String> after = adv.scan();
        assertEquals(before, after, () -> "a refused id wrote something: " + Adversarial.diff(before, after));
    }

    @Test
    void aTokenForOneOrganizationOpensNothingOfAnother() throws Exception {
        // The other direction too: Acme's owner on Globex's paths.
        String acmeOwner = tokens.get(CallerKind.OWNER);
        String globex = adv.globex();
        for (String path : List.of("/identity-health", "/audit-events")) {
            var r = adv.send("GET", "/organizations/" + globex + path, acmeOwner, null);
            assertEquals(403, r.status(), path + " " + r);
            assertTrue(r.isJsonError());
        }
        var before = adv.scan();
        var link = adv.send("POST", "/organizations/" + globex + "/portal-links", acmeOwner, "{\"intent\":\"sso\"}");
        var contacts = adv.send("PUT", "/organizations/" + globex + "/it-contacts", acmeOwner, "{\"emails\":[\"x@evil.example\"]}");
        assertEquals(403, link.status(), link.toString());
        assertEquals(403, contacts.status(), contacts.toString());
        assertEquals(before, adv.scan(), "a refused caller wrote nothing");
    }
}
