package io.gatekeep.adversarial;

import io.gatekeep.shared.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs last in the adversarial suite: everything the suite's JVM printed (the local runner's request
 * lines, every function's JSON log lines, the emulator, DynamoDB Local), captured since before the
 * system started, must not hold an API key, the webhook secret, the cursor key, a bearer token (or its
 * signature), or a portal link (or its token). The suite remembers each one as it meets it; this test
 * also makes each kind go through the system once more itself, so it checks something when run alone.
 */
@Order(Integer.MAX_VALUE)
class SecretsInLogsTest {
    static Adversarial adv;

    @BeforeAll
    static void start() throws Exception {
        adv = Adversarial.get();
    }

    @Test
    void noSecretTokenOrPortalLinkEverReachesALogLine() throws Exception {
        String acme = adv.acme();
        String admin = adv.token(acme, "admin");
        // A portal link issued, a failed one (WorkOS down), a webhook accepted and one refused, a refused token, a cursor.
        var link = adv.send("POST", "/organizations/" + acme + "/portal-links", admin, "{\"intent\":\"audit_logs\"}");
        assertEquals(201, link.status(), link.toString());
        adv.system.emulator().control().failNext(1, 500, null);
        var failed = adv.send("POST", "/organizations/" + acme + "/portal-links", admin, "{\"intent\":\"audit_logs\"}");
        assertEquals(502, failed.status(), failed.toString());
        adv.system.emulator().control().clearFaults();
        String event = "{\"object\":\"event\",\"id\":\"event_adv_secrets\",\"event\":\"gatekeep.adversarial.test\",\"data\":{\"organization_id\":\""
                + acme + "\"},\"created_at\":\"2026-01-01T00:00:00.000Z\"}";
        assertEquals(200, adv.webhook(event).status());
        assertEquals(400, adv.webhook(event.getBytes(StandardCharsets.UTF_8), "t=1, v1=" + "0".repeat(64)).status());
        assertEquals(401, adv.send("GET", "/organizations/" + acme + "/identity-health", adv.forged(acme, "owner"), null).status());
        var page = adv.send("GET", "/organizations/" + acme + "/audit-events?limit=1", admin, null);
        String cursor = Json.text(page.json(), "nextCursor");
        adv.remember(cursor);
        assertEquals(200, adv.send("GET", "/organizations/" + acme + "/audit-events?limit=1&cursor="
                + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8), admin, null).status());

        // The console, and DynamoDB Local's log, which the runner keeps in the data directory instead.
        String dynamoLog = java.nio.file.Files.readString(adv.dataDir.resolve("dynamodb-local.log"));
        assertTrue(dynamoLog.contains("target: "), "DynamoDB Local's log was not written");
        String logs = LogCapture.text() + dynamoLog;
        // The capture works: it saw the runner's request lines and the functions' JSON log lines.
        assertTrue(logs.contains("POST /organizations/" + acme + "/portal-links -> 201"), "the runner's console was not captured");
        assertTrue(logs.contains("\"correlation_id\""), "the functions' JSON logs were not captured");

        List<String> leaks = new ArrayList<>();
        List<String> lines = logs.lines().toList();
        for (String secret : adv.secrets()) {
            List<String> needles = new ArrayList<>(List.of(secret));
            String[] jwt = secret.split("\\.");
            if (jwt.length == 3 && jwt[2].length() > 20) {
                needles.add(jwt[2]); // a token's signature alone is the token
            }
            for (String needle : needles) {
                for (String line : lines) {
                    if (line.contains(needle)) {
                        leaks.add(describe(secret) + " in: " + line.replace(needle, "<REDACTED>"));
                    }
                }
            }
        }
        assertEquals(List.of(), leaks, "secrets in log lines");
        assertTrue(adv.secrets().size() > 20, "the suite met few secrets: " + adv.secrets().size());
        System.out.printf("secrets: %d checked against %d captured lines%n", adv.secrets().size(), lines.size());
    }

    private static String describe(String secret) {
        if (secret.startsWith("http")) {
            return "a portal link";
        }
        if (secret.split("\\.").length == 3) {
            return "a bearer token";
        }
        return "a secret of " + secret.length() + " characters";
    }
}
