package io.gatekeep.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;
import io.gatekeep.shared.priming.PrimingSession;
import io.gatekeep.shared.priming.StandInOrganization;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * SnapStart priming of the webhook: a {@code dsync.user.created} event for the stand-in
 * organization's directory (the common path), in WorkOS's shape, signed as WorkOS signs it. The
 * handler verifies the signature, parses the event, plans the projection's whole transaction
 * (marker, user, directory counters and last sync, audit entry) and sends it to the stand-in,
 * then writes its receipt and log line.
 */
final class WebhookPriming {
    static final String ROUTE = "POST /webhooks/workos";

    private WebhookPriming() {}

    static Priming register(Config config) {
        return Priming.register("webhooks", config, session -> {
            var handler = new WebhookHandler(session.config(), session.dynamo(), session.clock());
            Instant now = session.clock().instant();
            String body = Json.write(userCreated(now));
            var event = session.request(ROUTE, body);
            var headers = new java.util.LinkedHashMap<>(event.getHeaders());
            headers.put(WebhookSignature.HEADER.toLowerCase(java.util.Locale.ROOT),
                    WebhookSignature.sign(PrimingSession.WEBHOOK_SECRET, now.toEpochMilli(), body.getBytes(StandardCharsets.UTF_8)));
            event.setHeaders(headers);
            event.getRequestContext().setAuthorizer(null); // WorkOS sends no JWT: the signature is the authentication
            var receipt = Json.parse(session.expect(200, handler.handleRequest(event, session.context())).getBody());
            if (!"applied".equals(Json.text(receipt, "status"))) {
                throw new IllegalStateException("the primed event was not applied: " + Json.text(receipt, "status"));
            }
        });
    }

    /** WorkOS's {@code dsync.user.created} (API reference example) for the stand-in directory. */
    static ObjectNode userCreated(Instant now) {
        String at = Times.iso(now);
        ObjectNode event = Json.object();
        event.put("id", "event_gatekeep_priming");
        event.put("event", "dsync.user.created");
        ObjectNode user = event.putObject("data");
        user.put("object", "directory_user");
        user.put("id", "directory_user_gatekeep_priming");
        user.put("directory_id", StandInOrganization.DIRECTORY_ID);
        user.put("organization_id", StandInOrganization.ID);
        user.put("idp_id", "priming");
        user.put("email", "member@" + StandInOrganization.DOMAIN);
        user.put("first_name", "Priming");
        user.put("last_name", "Member");
        user.put("name", "Priming Member");
        ObjectNode email = user.putArray("emails").addObject();
        email.put("primary", true);
        email.put("type", "work");
        email.put("value", "member@" + StandInOrganization.DOMAIN);
        user.put("job_title", "Engineer");
        user.put("username", "priming");
        user.put("state", "active");
        user.putObject("raw_attributes");
        Map.of("department", "Engineering").forEach(user.putObject("custom_attributes")::put);
        user.putObject("role").put("slug", "member");
        user.putArray("roles").addObject().put("slug", "member");
        user.put("created_at", at);
        user.put("updated_at", at);
        event.put("created_at", at);
        event.put("object", "event");
        return event;
    }
}
