package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;
import io.gatekeep.shared.priming.StandInOrganization;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * SnapStart priming of the operator: onboard adopts the stand-in organization, as a console
 * invocation would. One WorkOS SDK call ({@code GET /organizations/{id}}, answered by the
 * stand-in), the projection's organization write, the settings update and the audit entry (all
 * to the stand-in), the JSON report and the log line.
 */
final class OperatorPriming {
    private OperatorPriming() {}

    static Priming register(Config config) {
        return Priming.register("operator", config, session -> {
            var handler = new OperatorHandler(session.config(), session.dynamo(), session.clock());
            String event = "{\"action\": \"onboard\", \"organizationId\": \"" + StandInOrganization.ID + "\", "
                    + "\"itContacts\": [\"" + StandInOrganization.IT_CONTACT + "\"], \"sso\": true}";
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, session.context());
            JsonNode report = Json.parse(out.toString(StandardCharsets.UTF_8));
            if (report.has("error")) {
                throw new IllegalStateException("the primed onboard was refused: " + Json.text(report, "error"));
            }
        });
    }
}
