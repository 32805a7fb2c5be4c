package io.gatekeep.notices;

import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;
import io.gatekeep.shared.priming.StandInOrganization;

import java.util.List;
import java.util.Map;

/**
 * SnapStart priming of the notices function's success path: the stand-in organization (whose SAML
 * certificate expires in 30 days) is refreshed, which opens its attention item and writes the notice
 * to the outbox, and the notice is delivered: an EventBridge event and an SES templated email to its
 * IT contact, both to the stand-in channels. The twin handler's clients (DynamoDB, EventBridge, SES)
 * are closed before the snapshot.
 */
final class NoticesPriming {
    private NoticesPriming() {}

    static Priming register(Config config) {
        return Priming.register("notices", config, session -> {
            String channels = session.noticeChannelsUrl();
            Config primed = session.config()
                    .with(Channels.AWS_ENDPOINT_URL_EVENTBRIDGE, channels)
                    .with(Channels.AWS_ENDPOINT_URL_SES, channels)
                    .with(Channels.AWS_REGION, session.config().get(Channels.AWS_REGION).orElse("us-east-1"))
                    .with(Channels.NOTICE_BUS_NAME, "gatekeep-priming-notices")
                    .with(Channels.NOTICE_EMAIL_ENABLED, "true")
                    .with(Channels.NOTICE_EMAIL_SENDER, "notices@priming.gatekeep.invalid")
                    .with(Channels.NOTICE_EMAIL_TEMPLATE, "gatekeep-priming");
            try (Channels twin = Channels.of(primed, session.credentials())) {
                var handler = new NoticesHandler(primed, session.dynamo(), twin, session.clock());
                Map<String, Object> report = handler.handleRequest(Map.of("organizationId", StandInOrganization.ID), session.context());
                if (!(report.get("delivered") instanceof List<?> delivered) || delivered.isEmpty()) {
                    throw new IllegalStateException("the primed refresh delivered no notice: " + report.keySet());
                }
                if (session.noticeDeliveries() < 2) {
                    throw new IllegalStateException("the primed notice reached " + session.noticeDeliveries() + " of 2 channels");
                }
            }
        });
    }
}
