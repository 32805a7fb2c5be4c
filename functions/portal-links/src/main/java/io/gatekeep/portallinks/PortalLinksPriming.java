package io.gatekeep.portallinks;

import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;

/**
 * SnapStart priming of portal links: an owner of the stand-in organization asks for an SSO link.
 * The gates' Query, one WorkOS SDK call ({@code POST /portal/generate_link}, answered by the
 * stand-in: no portal session exists anywhere), the audit entry's PutItem, the 201's JSON and the
 * log line all run through the real code. The twin's WorkOS client is built from the stand-in
 * configuration; the handler's own client is still built on its first real request.
 */
final class PortalLinksPriming {
    private PortalLinksPriming() {}

    static Priming register(Config config) {
        return Priming.register("portal-links", config, session -> {
            var handler = new PortalLinksHandler(session.config(), session.dynamo(), session.clock());
            var body = Json.object().put("intent", Intent.SSO.wireName());
            var response = session.expect(201, handler.handleRequest(
                    session.request(PortalLinksHandler.ROUTE, Json.write(body)), session.context()));
            if (Json.text(Json.parse(response.getBody()), "link") == null) {
                throw new IllegalStateException("no link in the primed answer");
            }
        });
    }
}
