package io.gatekeep.shared.priming;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.gatekeep.shared.Json;

/**
 * WorkOS's API for the calls our success paths make, answered on a loopback endpoint with the
 * shapes of WorkOS's OpenAPI document (the emulator renders the same; {@code PrimingFidelityTest}
 * compares the two): {@code POST /portal/generate_link} (portal-links) and
 * {@code GET /organizations/{id}} of the stand-in organization (the operator's onboard, the refresh),
 * its connections and directories ({@code GET /connections}, {@code GET /directories} with its
 * {@code organization_id}: the refresh) and one event ({@code GET /events}: the sweep). Any other
 * call is answered 404, which the SDK raises: priming that drifts from these calls fails loudly.
 */
final class StandInWorkOs extends LoopbackEndpoint {
    /** A link that opens nothing: it names the stand-in, not a portal session. */
    static final String LINK = "https://setup.workos.com/portal/launch?secret=gatekeep-priming";

    @Override
    Answer answer(String method, String path, String query, HttpExchange exchange, String body) {
        if ("POST".equals(method) && path.equals("/portal/generate_link")) {
            ObjectNode link = Json.object();
            link.put("link", LINK);
            return json(201, link);
        }
        if ("GET".equals(method) && path.equals("/organizations/" + StandInOrganization.ID)) {
            return json(200, StandInOrganization.workOsOrganization());
        }
        if ("GET".equals(method) && path.equals("/connections") && ofStandIn(query)) {
            return json(200, list(StandInOrganization.workOsConnection()));
        }
        if ("GET".equals(method) && path.equals("/directories") && ofStandIn(query)) {
            return json(200, list(StandInOrganization.workOsDirectory()));
        }
        if ("GET".equals(method) && path.equals("/events")) {
            return json(200, list(StandInOrganization.workOsEvent()));
        }
        ObjectNode notFound = Json.object();
        notFound.put("message", "Not found: the priming stand-in answers only the calls of the primed success paths.");
        return json(404, notFound);
    }

    private static boolean ofStandIn(String query) {
        return query != null && java.util.Arrays.asList(query.split("&")).contains("organization_id=" + StandInOrganization.ID);
    }

    /** One page of a WorkOS list: {@code data} and {@code list_metadata} (no page before or after). */
    private static ObjectNode list(ObjectNode only) {
        ObjectNode page = Json.object();
        page.put("object", "list");
        page.putArray("data").add(only);
        ObjectNode metadata = page.putObject("list_metadata");
        metadata.putNull("before");
        metadata.putNull("after");
        return page;
    }

    private static Answer json(int status, ObjectNode body) {
        return new Answer(status, "application/json", Json.write(body));
    }
}
