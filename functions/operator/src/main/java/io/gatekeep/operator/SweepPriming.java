package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * SnapStart priming of the sweep: one run as the schedule starts it, on the stand-ins: the state
 * item, a page of the Events API (one event, applied through the projection), the organizations
 * in gsi1, the stand-in organization's partition, and its refresh from WorkOS's lists (all
 * answered by the stand-ins; nothing written to the table), with the report and its log line.
 */
final class SweepPriming {
    private SweepPriming() {}

    static Priming register(Config config) {
        return Priming.register("sweep", config, session -> {
            var handler = new SweepHandler(session.config(), session.dynamo(), session.clock());
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, session.context());
            JsonNode report = Json.parse(out.toString(StandardCharsets.UTF_8));
            if (!report.path("complete").asBoolean() || report.path("organizationsRefreshed").asInt() != 1
                    || report.path("events").path("applied").asInt() != 1) {
                throw new IllegalStateException("the primed sweep did not run its whole success path: "
                        + Json.text(report, "stoppedBecause"));
            }
        });
    }
}
