package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.ProjectFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example events under events/ are events the function accepts: invoked as they are (on an
 * empty table, where their organization is unknown), they pass validation and get the answer an
 * operator would get for that organization.
 */
class EventFilesTest {
    private static OperatorFixture fx;

    @BeforeAll
    static void start() {
        fx = OperatorFixture.start();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @ParameterizedTest
    @CsvSource({
            "operator-reconcile.json,        organization_not_found",
            "operator-reconcile-resume.json, organization_not_found",
            "operator-replay.json,           organization_not_found",
            "operator-set-plan.json,         organization_not_found",
    })
    void theExamplesAreValidEvents(String file, String expected) {
        assertTrue(ProjectFiles.events().resolve(file).toFile().isFile(), file);
        JsonNode result = fx.invoke(OperatorFixture.eventFile(file));
        assertEquals(expected, result.path("error").asText(), result.toString());
        assertTrue(result.path("message").asText().contains("org_01HACME000000000000000000"), result.toString());
    }
}
