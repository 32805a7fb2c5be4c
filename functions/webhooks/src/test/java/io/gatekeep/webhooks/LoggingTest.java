package io.gatekeep.webhooks;

import io.gatekeep.shared.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhook logs are JSON lines that name events by id and outcome: never a body, signature or secret. */
class LoggingTest {
    private final StoreFault fault = new StoreFault("TransactWriteItems");
    private final WebhookFixture webhooks = new WebhookFixture(fault);

    private static String captureStdout(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noBodySignatureOrSecretReachesTheLog() {
        String body = Payloads.event("dsync.user.created").id("event_logged").at("2026-03-01T10:00:00.000Z")
                .data("id", "directory_user_logged").data("directory_id", "directory_logged")
                .data("organization_id", "org_logged").data("email", "private.person@logged.test").json();
        String signature = WebhookFixture.sign(body);
        String v1 = signature.substring(signature.indexOf("v1=") + 3);
        String logs = captureStdout(() -> {
            assertEquals(400, webhooks.deliver(body, signature.replace(v1, "0".repeat(64))).status());
            fault.failNext(1, 0);
            assertEquals(503, webhooks.deliver(body, signature).status());
            assertEquals(200, webhooks.deliver(body, signature).status());
        });
        assertTrue(logs.contains("event_logged"), "events are named by id: " + logs);
        assertTrue(logs.contains("signature invalid or stale"), logs);
        for (String line : logs.strip().split("\n")) {
            assertTrue(line.startsWith("{") && line.endsWith("}"), "not a JSON log line: " + line);
            Json.parse(line);
        }
        assertFalse(logs.contains("private.person"), "no body");
        assertFalse(logs.contains(v1), "no signature");
        assertFalse(logs.contains(WebhookFixture.SECRET), "no secret");
    }
}
