package io.gatekeep.providers;

import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;

/**
 * SnapStart priming of the provider catalog: the whole catalog and one filtered list, rendered
 * to JSON with their log lines. No table and no WorkOS: the session opens no stand-in.
 */
final class ProvidersPriming {
    static final String ROUTE = "GET /providers";

    private ProvidersPriming() {}

    static Priming register(Config config) {
        return Priming.register("providers", config, session -> {
            var handler = new ProvidersHandler(config, null, session.clock());
            session.expect(200, handler.handleRequest(session.request(ROUTE, null), session.context()));
            var filtered = session.request(ROUTE, null);
            filtered.setQueryStringParameters(new java.util.HashMap<>(java.util.Map.of("type", "saml")));
            filtered.setRawQueryString("type=saml");
            session.expect(200, handler.handleRequest(filtered, session.context()));
        });
    }
}
