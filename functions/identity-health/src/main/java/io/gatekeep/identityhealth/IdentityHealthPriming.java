package io.gatekeep.identityhealth;

import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;

/**
 * SnapStart priming of identity health: the stand-in organization's health, read with the same
 * Query and rendered to the same JSON as a real request, with its log line.
 */
final class IdentityHealthPriming {
    static final String ROUTE = "GET /organizations/{organizationId}/identity-health";

    private IdentityHealthPriming() {}

    static Priming register(Config config) {
        return Priming.register("identity-health", config, session -> {
            var handler = new IdentityHealthHandler(session.config(), session.dynamo(), session.clock());
            session.expect(200, handler.handleRequest(session.request(ROUTE, null), session.context()));
        });
    }
}
