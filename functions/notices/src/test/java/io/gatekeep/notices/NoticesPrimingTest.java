package io.gatekeep.notices;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.localaws.NoticeAws;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SnapStart priming of the notices function: its whole success path (refresh, outbox, EventBridge,
 * SES) runs on the stand-ins; nothing is written to the table, nothing reaches an endpoint, and the
 * primed handler then delivers a real notice like an unprimed one.
 */
class NoticesPrimingTest {

    /** The channels' settings as template.yaml gives them, with these EventBridge and SES endpoints. */
    private static Map<String, String> channels(String eventBridge, String ses, String bus, String template) {
        return Map.of(Channels.NOTICE_BUS_NAME, bus,
                Channels.NOTICE_EMAIL_ENABLED, "true",
                Channels.NOTICE_EMAIL_SENDER, NoticesFixture.SENDER,
                Channels.NOTICE_EMAIL_TEMPLATE, template,
                Channels.AWS_ENDPOINT_URL_EVENTBRIDGE, eventBridge,
                Channels.AWS_ENDPOINT_URL_SES, ses,
                Channels.AWS_REGION, LocalDynamo.REGION);
    }

    @Test
    void primingNeedsNoEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(NoticesHandler::new, "notices",
                trap -> channels(trap, trap, "gatekeep-trapped-notices", "gatekeep-trapped-template"));
    }

    @Test
    void primingWritesNothingSendsNothingAndThePrimedHandlerDelivers() {
        try (NoticeAws aws = NoticesFixture.openAws(); NoticesFixture f = new NoticesFixture(aws)) {
            String org = f.createAcme();
            f.itContacts(org, List.of("it@acme.test"));

            f.handler = PrimingCheck.primeAgainstTable(NoticesHandler::new, LocalDynamo.shared(), f.table, "notices",
                    channels(aws.endpoints().eventBridge().toString(), aws.endpoints().ses().toString(), f.bus, f.template));
            assertEquals(List.of(), f.published(), "priming published nothing on the real bus");
            assertEquals(List.of(), f.emails(), "priming sent no email");

            Snapshot.Connection c = f.control.createConnection(org, "OktaSAML", "Okta SAML", "active");
            f.control.setCertificateExpiry(c.id(), f.control.now().plus(Duration.ofDays(20)));
            f.control.emitCertificateRenewalRequired(c.id());
            f.sync();
            List<JsonNode> published = f.published();
            assertEquals(1, published.size(), published.toString());
            assertEquals("Identity attention opened", published.get(0).path("detail-type").asText());
            assertEquals(org, published.get(0).path("detail").path("organization").path("id").asText());
            assertEquals(1, f.emails().size());
        }
    }
}
