package io.gatekeep.operator;

import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;

/**
 * SnapStart priming of the page's refresh: an owner's POST .../identity-health/refresh of the
 * stand-in organization, which claims the 30 s slot, reads WorkOS (the organization with its
 * domains, its connections, its directories: answered by the stand-in), merges them through the
 * projection's snapshot writes and records {@code checkedAt} (all to the stand-in), with its log line.
 */
final class RefreshPriming {
    static final String ROUTE = "POST /organizations/{organizationId}/identity-health/refresh";

    private RefreshPriming() {}

    static Priming register(Config config) {
        return Priming.register("refresh", config, session -> {
            var handler = new RefreshHandler(session.config(), session.dynamo(), session.clock());
            var response = session.expect(200, handler.handleRequest(session.request(ROUTE, null), session.context()));
            String outcome = Json.text(Json.parse(response.getBody()), "refresh");
            if (!"refreshed".equals(outcome)) {
                throw new IllegalStateException("the primed refresh did not read WorkOS: " + outcome);
            }
        });
    }
}
