package io.gatekeep.auditevents;

import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;

/**
 * SnapStart priming of the audit log: the first page of the stand-in organization's log, with a
 * page size that leaves a next page, so the organization check, the Query and the signed cursor
 * all run, and the second page through that cursor.
 */
final class AuditEventsPriming {
    static final String ROUTE = "GET /organizations/{organizationId}/audit-events";

    private AuditEventsPriming() {}

    static Priming register(Config config) {
        return Priming.register("audit-events", config, session -> {
            var handler = new AuditEventsHandler(session.config(), session.dynamo(), session.clock());
            var first = session.request(ROUTE, null);
            first.setQueryStringParameters(new java.util.HashMap<>(java.util.Map.of("limit", "1")));
            first.setRawQueryString("limit=1");
            var page = io.gatekeep.shared.Json.parse(session.expect(200, handler.handleRequest(first, session.context())).getBody());
            String cursor = io.gatekeep.shared.Json.text(page, "nextCursor");
            if (cursor == null) {
                throw new IllegalStateException("the primed first page has no next page");
            }
            var second = session.request(ROUTE, null);
            second.setQueryStringParameters(new java.util.HashMap<>(java.util.Map.of("limit", "1", "cursor", cursor)));
            session.expect(200, handler.handleRequest(second, session.context()));
        });
    }
}
