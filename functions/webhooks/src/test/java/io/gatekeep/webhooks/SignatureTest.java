package io.gatekeep.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.workos.webhooks.Webhook;
import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.WebhookEndpoint;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WorkOS-Signature check: everything that is not a fresh signature of exactly these bytes with
 * one of our secrets is refused with 400 and leaves the table as it was (a full scan before and
 * after); the check agrees with the WorkOS SDK's own verifier and with the emulator's signer.
 */
class SignatureTest {
    private static final String ORG = "org_01HSIG0000000000000000001";

    private final WebhookFixture webhooks = new WebhookFixture();

    private static String body(String eventId) {
        return Payloads.event("organization.created").id(eventId).at("2026-03-01T10:00:00.000Z")
                .data("id", ORG).data("name", "Signed Inc.").json();
    }

    private static String header(String secret, long millis, String body) {
        return WebhookSignature.sign(secret, millis, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Delivers and expects a 400 with this code and nothing stored. */
    private void refused(String body, String signature, String code) {
        List<String> before = webhooks.scan();
        var response = webhooks.deliver(body, signature);
        assertEquals(400, response.status(), response::toString);
        assertEquals(code, response.text("error"), response::toString);
        assertEquals(before, webhooks.scan(), "a refused delivery stores nothing");
    }

    @Test
    void aFreshSignatureOfTheExactBodyIsAccepted() {
        String body = body("event_sig_ok");
        var response = webhooks.deliver(body, header(WebhookFixture.SECRET, System.currentTimeMillis(), body));
        assertEquals(200, response.status(), response::toString);
        assertEquals("applied", response.text("status"));
        assertNotNull(webhooks.org(ORG));
    }

    @Test
    void wrongSecretIsRefused() {
        String body = body("event_sig_wrong_secret");
        refused(body, header("whsec_someone_else", System.currentTimeMillis(), body), "invalid_signature");
    }

    @Test
    void aBodyAlteredByOneByteIsRefused() {
        String body = body("event_sig_altered");
        String signature = header(WebhookFixture.SECRET, System.currentTimeMillis(), body);
        String altered = body.replace("Signed Inc.", "Signed Inc,");
        assertEquals(body.length(), altered.length());
        refused(altered, signature, "invalid_signature");
        // and a signature over re-serialised JSON is not a signature over the raw body
        String spaced = body.replace("\":\"", "\": \"");
        refused(spaced, signature, "invalid_signature");
    }

    @Test
    void oldAndFutureTimestampsAreRefusedPastThreeMinutes() {
        long now = System.currentTimeMillis();
        String body = body("event_sig_time");
        refused(body, header(WebhookFixture.SECRET, now - 181_000, body), "invalid_signature");
        refused(body, header(WebhookFixture.SECRET, now + 181_000, body), "invalid_signature");
        refused(body, header(WebhookFixture.SECRET, now - 3_600_000, body), "invalid_signature");
    }

    @Test
    void timestampsWithinThreeMinutesEitherWayAreAccepted() {
        Clock fixed = Clock.fixed(java.time.Instant.parse("2026-03-01T10:00:00Z"), java.time.ZoneOffset.UTC);
        WebhookFixture atTen = new WebhookFixture(fixed, WebhookFixture.SECRET);
        long now = fixed.millis();
        String early = body("event_sig_early");
        assertEquals(200, atTen.deliver(early, header(WebhookFixture.SECRET, now - 179_000, early)).status());
        String late = body("event_sig_late");
        assertEquals(200, atTen.deliver(late, header(WebhookFixture.SECRET, now + 179_000, late)).status());
        String past = body("event_sig_past");
        assertEquals(400, atTen.deliver(past, header(WebhookFixture.SECRET, now - 180_001, past)).status());
    }

    @Test
    void missingAndMalformedHeadersAreRefused() {
        String body = body("event_sig_malformed");
        long now = System.currentTimeMillis();
        String good = header(WebhookFixture.SECRET, now, body);
        String v1 = good.substring(good.indexOf("v1=") + 3);
        refused(body, null, "invalid_signature");
        for (String malformed : List.of("", "garbage", "t=" + now, "v1=" + v1, "t=abc, v1=" + v1,
                "t=" + now + ", v1=" + v1.substring(2), "t=" + now + ", v1=" + v1.replace(v1.charAt(0), 'z'),
                "t=" + now + ", v1=" + v1 + "00", "t=" + now + ", t=" + now + ", v1=" + v1, "t=-" + now + ", v1=" + v1,
                "t=" + now + " v1=" + v1, "x".repeat(5000))) {
            refused(body, malformed, "invalid_signature");
        }
    }

    @Test
    void emptyBodiesAreRefused() {
        refused("", null, "invalid_signature");
        refused("", header("whsec_someone_else", System.currentTimeMillis(), ""), "invalid_signature");
        // even correctly signed, an empty body is no event
        refused("", header(WebhookFixture.SECRET, System.currentTimeMillis(), ""), "invalid_request");
    }

    @Test
    void bodiesOverOneMebibyteAreRefusedEvenWhenSigned() {
        String huge = "{\"id\":\"event_sig_huge\",\"event\":\"organization.created\",\"data\":{\"id\":\"" + ORG
                + "\",\"name\":\"" + "x".repeat(1_048_576) + "\"},\"created_at\":\"2026-03-01T10:00:00.000Z\"}";
        refused(huge, header(WebhookFixture.SECRET, System.currentTimeMillis(), huge), "invalid_request");
    }

    @Test
    void signedBodiesThatAreNotEventsAreRefused() {
        long now = System.currentTimeMillis();
        for (String notAnEvent : List.of("{", "[1,2]", "\"text\"", "{\"event\":\"organization.created\"}",
                "{\"id\":\"event_x\"}", "{\"id\":\"event_x\",\"id\":\"event_y\",\"event\":\"organization.created\"}")) {
            refused(notAnEvent, header(WebhookFixture.SECRET, now, notAnEvent), "invalid_request");
        }
    }

    @Test
    void duringRotationBothSecretsAreAccepted() {
        WebhookFixture rotating = new WebhookFixture(Clock.systemUTC(), WebhookFixture.SECRET + "," + WebhookFixture.NEXT_SECRET);
        long now = System.currentTimeMillis();
        String old = body("event_sig_old_secret");
        assertEquals(200, rotating.deliver(old, header(WebhookFixture.SECRET, now, old)).status());
        String next = body("event_sig_new_secret");
        assertEquals(200, rotating.deliver(next, header(WebhookFixture.NEXT_SECRET, now, next)).status());
        String other = body("event_sig_third_secret");
        assertEquals(400, rotating.deliver(other, header("whsec_third", now, other)).status());

        // after the rotation only the new secret is configured: the old one is refused
        WebhookFixture rotated = new WebhookFixture(Clock.systemUTC(), WebhookFixture.NEXT_SECRET);
        assertEquals(400, rotated.deliver(old, header(WebhookFixture.SECRET, now, old)).status());
    }

    @Test
    void aBase64EncodedBodyIsCheckedOnItsDecodedBytes() {
        String body = body("event_sig_base64");
        var event = WebhookFixture.request(Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)),
                header(WebhookFixture.SECRET, System.currentTimeMillis(), body));
        event.setIsBase64Encoded(true);
        assertEquals(200, webhooks.send(event).status());
    }

    @Test
    void nonAsciiBodiesAreSignedAsUtf8Bytes() {
        String body = Payloads.event("organization.created").id("event_sig_utf8").at("2026-03-01T10:00:00.000Z")
                .data("id", ORG).data("name", "Zürich Ärzte 東京").json();
        assertEquals(200, webhooks.deliver(body, header(WebhookFixture.SECRET, System.currentTimeMillis(), body)).status());
        assertEquals("Zürich Ärzte 東京", WebhookFixture.s(webhooks.org(ORG), "name"));
    }

    @Test
    void withoutAReadableSecretTheAnswerIs503SoWorkOsTriesAgain() {
        var config = new io.gatekeep.shared.config.Config(java.util.Map.of(
                io.gatekeep.shared.config.Config.TABLE_NAME, webhooks.table));
        var handler = ApiContract.checked(new WebhookHandler(config, webhooks.dynamo, Clock.systemUTC()));
        String body = body("event_sig_no_secret");
        List<String> before = webhooks.scan();
        var response = handler.handleRequest(WebhookFixture.request(body, WebhookFixture.sign(body)),
                io.gatekeep.localaws.LocalContext.of("webhooks"));
        assertEquals(503, response.getStatusCode());
        assertTrue(response.getBody().contains("secret_unavailable"));
        assertEquals(before, webhooks.scan());
    }

    // ------------------------------------------------------------------ agreement with the SDK

    @Test
    void theWorkOsSdkAcceptsWhatOurSignerProduces() throws Exception {
        String body = body("event_sig_sdk");
        String signature = header(WebhookFixture.SECRET, System.currentTimeMillis(), body);
        JsonNode event = new Webhook().constructEvent(body, signature, WebhookFixture.SECRET);
        assertEquals("event_sig_sdk", event.get("id").asText());
        assertThrows(SignatureException.class, () -> new Webhook().constructEvent(body, signature, "whsec_someone_else"));
    }

    @Test
    void ourVerifierAcceptsWhatTheSdkSigns() {
        String body = body("event_sig_sdk_signed");
        String t = Long.toString(System.currentTimeMillis());
        String sdkSignature = "t=" + t + ", v1=" + new Webhook().createSignature(t, body, WebhookFixture.SECRET);
        WebhookSignature verifier = new WebhookSignature(() -> List.of(WebhookFixture.SECRET), Clock.systemUTC());
        assertTrue(verifier.verify(sdkSignature, body.getBytes(StandardCharsets.UTF_8)));
        assertFalse(verifier.verify(sdkSignature, (body + " ").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theEmulatorsSignedDeliveriesPassOurVerifierTheSdkAndTheFunction() throws Exception {
        try (WorkOsEmulator emulator = WorkOsEmulator.start(0); WebhookEndpoint receiver = WebhookEndpoint.recording()) {
            emulator.control().registerWebhook(receiver.url(), WebhookFixture.SECRET);
            var org = emulator.control().createOrganization("Emulated Inc.", DomainSpec.verified("emulated.test"));
            assertTrue(emulator.control().awaitDeliveries(Duration.ofSeconds(10)));
            assertEquals(2, receiver.deliveries.size(), "organization.created and organization_domain.created");

            WebhookSignature verifier = new WebhookSignature(() -> List.of(WebhookFixture.SECRET), Clock.systemUTC());
            for (WebhookEndpoint.Delivery delivery : receiver.deliveries) {
                assertTrue(verifier.verify(delivery.signature(), delivery.body().getBytes(StandardCharsets.UTF_8)));
                assertNotNull(new Webhook().constructEvent(delivery.body(), delivery.signature(), WebhookFixture.SECRET));
                var response = webhooks.deliver(delivery.body(), delivery.signature());
                assertEquals(200, response.status(), response::toString);
                assertEquals("applied", response.text("status"));
            }
            assertEquals("Emulated Inc.", WebhookFixture.s(webhooks.org(org.id()), "name"));
            String domainId = org.domainIds().get(0);
            assertEquals("verified", WebhookFixture.s(webhooks.item(Keys.orgPk(org.id()), Keys.domainSk(domainId)), "state"));
        }
    }
}
