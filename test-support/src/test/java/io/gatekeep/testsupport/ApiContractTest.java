package io.gatekeep.testsupport;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.localaws.ProjectFiles;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract check refuses what the document does not allow (so a passing handler test means something). */
class ApiContractTest {
    private final ApiContract contract = ApiContract.load();
    private static final String HEALTH = "GET /organizations/{organizationId}/identity-health";
    private static final String WEBHOOK = "POST /webhooks/workos";

    private static APIGatewayV2HTTPResponse json(int status, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json", "Cache-Control", "no-store")).withBody(body).build();
    }

    private List<String> problems(String route, APIGatewayV2HTTPResponse response) {
        return contract.problems(route, response);
    }

    @Test
    void everyTemplateRouteIsReadFromTheDocument() {
        assertTrue(contract.routes().contains(HEALTH), contract.routes().toString());
        assertTrue(contract.routes().contains(WEBHOOK), contract.routes().toString());
    }

    @Test
    void aDocumentedErrorPasses() {
        assertEquals(List.of(), problems(HEALTH, json(403, "{\"error\":\"forbidden\",\"message\":\"Not yours.\"}")));
        assertEquals(List.of(), problems(WEBHOOK, json(200, "{\"status\":\"ignored\",\"eventId\":\"event_1\",\"reason\":\"stale\"}")));
    }

    @Test
    void anErrorWithoutItsMessageOrWithMoreFieldsFails() {
        assertEquals(1, problems(HEALTH, json(403, "{\"error\":\"forbidden\"}")).size());
        assertEquals(1, problems(HEALTH, json(403, "{\"error\":\"forbidden\",\"message\":\"x\",\"detail\":1}")).size());
    }

    @Test
    void anUndocumentedStatusFails() {
        List<String> problems = problems(HEALTH, json(409, "{\"error\":\"conflict\",\"message\":\"x\"}"));
        assertTrue(problems.getFirst().contains("status 409 is not documented"), problems.toString());
    }

    @Test
    void aWrongValueDeepInTheBodyFailsWithItsPlace() {
        String receipt = "{\"status\":\"maybe\",\"eventId\":\"event_1\"}";
        List<String> problems = problems(WEBHOOK, json(200, receipt));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("/status"), problems.toString());
    }

    @Test
    void bodiesMustBeJsonWithItsContentType() {
        var plain = APIGatewayV2HTTPResponse.builder().withStatusCode(400).withHeaders(Map.of("Content-Type", "text/plain"))
                .withBody("nope").build();
        assertEquals(2, problems(WEBHOOK, plain).size(), problems(WEBHOOK, plain).toString());
    }

    @Test
    void documentedHeadersAreChecked() {
        var response = APIGatewayV2HTTPResponse.builder().withStatusCode(429)
                .withHeaders(Map.of("Content-Type", "application/json", "Retry-After", "soon"))
                .withBody("{\"error\":\"rate_limited\",\"message\":\"Wait.\"}").build();
        List<String> problems = problems("POST /organizations/{organizationId}/portal-links", response);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("header Retry-After"), problems.toString());
    }

    @Test
    void aRouteOutsideTheContractMayOnlyBeNotFound() {
        assertEquals(List.of(), problems("GET /nothing", json(404, "{\"error\":\"not_found\",\"message\":\"No such route.\"}")));
        assertEquals(1, problems("GET /nothing", json(200, "{\"error\":\"x\",\"message\":\"y\"}")).size());
    }

    /** The example events under events/ are what the contract takes (their bodies are its requests). */
    @Test
    void theExampleRequestsAreValidRequests() throws java.io.IOException {
        int checked = 0;
        try (var files = java.nio.file.Files.list(ProjectFiles.events())) {
            for (var file : files.sorted().toList()) {
                String text = java.nio.file.Files.readString(file);
                if (!text.contains("\"routeKey\"")) {
                    continue; // an operator or scheduled event: not HTTP
                }
                APIGatewayV2HTTPEvent event = ApiEvents.read(file);
                assertEquals(List.of(), contract.requestProblems(event), file.getFileName().toString());
                checked++;
            }
        }
        assertTrue(checked >= 8, "HTTP example events checked: " + checked);
    }

    @Test
    void aRequestBodyOutsideTheContractIsReported() {
        APIGatewayV2HTTPEvent event = ApiEvents.load("portal-links.json").body("{\"intent\":\"everything\"}").build();
        assertEquals(1, contract.requestProblems(event).size(), contract.requestProblems(event).toString());
    }

    @Test
    void theWrapperChecksEveryResponse() {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey(HEALTH);
        var handler = ApiContract.checked((e, context) -> json(200, "{\"organizationId\":\"org_1\"}"));
        AssertionError error = assertThrows(AssertionError.class, () -> handler.handleRequest(event, null));
        assertTrue(error.getMessage().contains("required property 'domains' not found")
                || error.getMessage().contains("domains"), error.getMessage());
    }
}
