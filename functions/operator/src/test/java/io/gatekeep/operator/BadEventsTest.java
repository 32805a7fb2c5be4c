package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad event is answered {"error", "message"} (not an exception), and nothing is written anywhere. */
class BadEventsTest {
    private static OperatorFixture fx;

    @BeforeAll
    static void start() {
        fx = OperatorFixture.start();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @AfterEach
    void nothingWritten() {
        assertEquals(0, fx.scan().size(), "a refused event writes nothing to the table");
        assertTrue(fx.emulator.control().snapshot().organizations().isEmpty(), "nor anything to WorkOS");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "not JSON                    | {action: onboard                                                       | invalid_request | not JSON",
            "an array                    | [1, 2]                                                                 | invalid_request | action",
            "trailing data               | {\"action\": \"reconcile\", \"organizationId\": \"org_1\"}garbage  | invalid_request | not JSON",
            "two events                  | {\"action\": \"replay\"} {\"action\": \"onboard\", \"name\": \"A\"} | invalid_request | not JSON",
            "a stray bracket             | {\"action\": \"replay\"}}                                          | invalid_request | not JSON",
            "a duplicate key             | {\"action\": \"replay\", \"action\": \"onboard\", \"name\": \"A\"} | invalid_request | not JSON",
            "a string                    | \"onboard\"                                                          | invalid_request | action",
            "no action                   | {\"name\": \"Acme\"}                                                   | invalid_request | action",
            "unknown action              | {\"action\": \"rebuild\"}                                              | unknown_action  | rebuild",
            "action not a string         | {\"action\": 3}                                                        | invalid_request | action",
            "onboard without an org      | {\"action\": \"onboard\", \"domains\": [\"acme.test\"]}                | invalid_request | organizationId",
            "onboard with id and name    | {\"action\": \"onboard\", \"organizationId\": \"org_1\", \"name\": \"A\"} | invalid_request | not both",
            "onboard bad domain          | {\"action\": \"onboard\", \"name\": \"A\", \"domains\": [\"not a domain\"]} | invalid_request | not a domain",
            "onboard bad email           | {\"action\": \"onboard\", \"name\": \"A\", \"itContacts\": [\"it-at-acme\"]} | invalid_request | not an email",
            "onboard sso not boolean     | {\"action\": \"onboard\", \"name\": \"A\", \"sso\": \"yes\"}           | invalid_request | sso",
            "onboard typo in a field     | {\"action\": \"onboard\", \"organizationID\": \"org_1\"}               | invalid_request | organizationID",
            "onboard unknown in WorkOS   | {\"action\": \"onboard\", \"organizationId\": \"org_01NOPE\"}          | organization_not_found | org_01NOPE",
            "reconcile without org       | {\"action\": \"reconcile\"}                                            | invalid_request | organizationId",
            "reconcile malformed org id  | {\"action\": \"reconcile\", \"organizationId\": \"acme\"}              | invalid_request | organizationId",
            "reconcile bad since         | {\"action\": \"reconcile\", \"organizationId\": \"org_1\", \"since\": \"yesterday\"} | invalid_request | since",
            "reconcile bad resumeFrom    | {\"action\": \"reconcile\", \"organizationId\": \"org_1\", \"resumeFrom\": {\"phase\": \"everything\"}} | invalid_request | resumeFrom",
            "reconcile unknown org       | {\"action\": \"reconcile\", \"organizationId\": \"org_01UNKNOWN\"}     | organization_not_found | org_01UNKNOWN",
            "replay raw event refused    | {\"action\": \"replay\", \"event\": {\"id\": \"wh_1\", \"event\": \"dsync.user.created\"}} | invalid_request | event",
            "replay empty eventIds       | {\"action\": \"replay\", \"eventIds\": []}                             | invalid_request | eventIds",
            "replay bad event id         | {\"action\": \"replay\", \"eventIds\": [\"wh 1\"]}                     | invalid_request | wh 1",
            "replay unknown org          | {\"action\": \"replay\", \"organizationId\": \"org_01UNKNOWN\"}        | organization_not_found | org_01UNKNOWN",
    })
    void refused(String name, String event, String code, String messageMentions) {
        JsonNode result = fx.invoke(event);
        assertEquals(code, result.path("error").asText(), result.toString());
        assertTrue(result.path("message").asText().contains(messageMentions), result.toString());
        assertEquals(2, result.size(), "only error and message: " + result);
        assertFalse(result.has("action"));
    }
}
