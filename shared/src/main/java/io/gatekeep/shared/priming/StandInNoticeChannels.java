package io.gatekeep.shared.priming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.gatekeep.shared.Json;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the notices function delivers, for its priming: Amazon EventBridge's {@code PutEvents}
 * (JSON 1.1 protocol, {@code X-Amz-Target: AWSEvents.PutEvents}) and Amazon SES v1's
 * {@code SendTemplatedEmail} (query protocol, XML answer), answered on one loopback endpoint with
 * the shapes those APIs document. {@code PrimingFidelityTest} sends the same calls through the
 * same SDK clients to moto (a real AWS emulator) and to this stand-in and compares what the
 * function reads from each: the event id and failed-entry count, the message id. Anything else is
 * refused, so priming that drifts from these calls fails loudly.
 */
final class StandInNoticeChannels extends LoopbackEndpoint {
    static final String EVENT_ID = "gatekeep-priming-event";
    static final String MESSAGE_ID = "gatekeep-priming-message";
    private int deliveries;

    /** Calls that delivered something (to this stand-in only). */
    synchronized int deliveries() {
        return deliveries;
    }

    @Override
    synchronized Answer answer(String method, String path, String query, HttpExchange exchange, String body) {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if ("POST".equals(method) && "AWSEvents.PutEvents".equals(target)) {
            return putEvents(Json.parse(body));
        }
        if ("POST".equals(method) && body.contains("Action=SendTemplatedEmail")) {
            deliveries++;
            return new Answer(200, "text/xml", "<SendTemplatedEmailResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
                    + "<SendTemplatedEmailResult><MessageId>" + MESSAGE_ID + "</MessageId></SendTemplatedEmailResult>"
                    + "<ResponseMetadata><RequestId>gatekeep-priming</RequestId></ResponseMetadata></SendTemplatedEmailResponse>");
        }
        String action = target != null ? target : formAction(body);
        return new Answer(400, "application/x-amz-json-1.1",
                "{\"__type\":\"UnknownOperationException\",\"message\":\"not modelled by the priming stand-in: " + action + "\"}");
    }

    private Answer putEvents(JsonNode request) {
        ObjectNode answer = Json.object();
        var entries = answer.putArray("Entries");
        request.path("Entries").forEach(entry -> entries.addObject().put("EventId", EVENT_ID));
        answer.put("FailedEntryCount", 0);
        deliveries++;
        return new Answer(200, "application/x-amz-json-1.1", Json.write(answer));
    }

    private static String formAction(String body) {
        for (String pair : body.split("&")) {
            if (pair.startsWith("Action=")) {
                return URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
            }
        }
        return "?";
    }
}
