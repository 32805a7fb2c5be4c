package io.gatekeep.providers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /providers through full API Gateway events (events/providers.json). */
class ProvidersHandlerTest {
    private final ApiContract.CheckedHandler handler = ApiContract.checked(new ProvidersHandler(new Config(Map.of()), null, Clock.systemUTC()));

    private APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, LocalContext.of("ProvidersFunction"));
    }

    private static JsonNode ok(APIGatewayV2HTTPResponse response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        return Json.parse(response.getBody());
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String code) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        JsonNode body = Json.parse(response.getBody());
        assertEquals(Set.of("error", "message"), fields(body));
        assertEquals(code, body.get("error").asText());
        assertTrue(!body.get("message").asText().isBlank());
    }

    private static Set<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return Set.copyOf(names);
    }

    @Test
    void wholeCatalogForAMember() {
        JsonNode body = ok(call(ApiEvents.load("providers.json").build()));
        assertEquals(Set.of("data"), fields(body));
        JsonNode data = body.get("data");
        assertEquals(71, data.size());
        for (JsonNode provider : data) {
            assertEquals(Set.of("name", "type", "docUrl", "connectionTypes", "directoryTypes"), fields(provider));
            assertTrue(provider.get("docUrl").asText().startsWith("https://workos.com/docs/integrations/"));
            assertTrue(provider.get("connectionTypes").isArray());
            assertTrue(provider.get("directoryTypes").isArray());
        }
        JsonNode first = data.get(0);
        assertEquals("Access People HR", first.get("name").asText());
        assertEquals("General", first.get("type").asText());
        assertEquals("people hr", first.at("/directoryTypes/0").asText());
        JsonNode oktaSaml = find(data, "Okta", "SAML");
        assertEquals("https://workos.com/docs/integrations/okta-saml", oktaSaml.get("docUrl").asText());
        assertEquals("OktaSAML", oktaSaml.at("/connectionTypes/0").asText());
        assertEquals(0, oktaSaml.get("directoryTypes").size());
    }

    private static JsonNode find(JsonNode data, String name, String type) {
        for (JsonNode provider : data) {
            if (provider.get("name").asText().equals(name) && provider.get("type").asText().equals(type)) {
                return provider;
            }
        }
        throw new AssertionError("no " + name + " " + type);
    }

    @ParameterizedTest(name = "?type={0}")
    @CsvSource({"saml,SAML,24", "SAML,SAML,24", "oidc,OIDC,6", "Scim,SCIM,8", "directory,Directory,2",
            "OAUTH,OAuth,10", "general,General,20"})
    void filterByTypeIgnoresCase(String query, String type, int count) {
        JsonNode data = ok(call(ApiEvents.load("providers.json").query("type", query).build())).get("data");
        assertEquals(count, data.size());
        for (JsonNode provider : data) {
            assertEquals(type, provider.get("type").asText());
        }
    }

    @ParameterizedTest(name = "?type={0}")
    @ValueSource(strings = {"ldap", "saml2", " ", "saml,oidc"})
    void unknownTypeIs400(String query) {
        assertError(call(ApiEvents.load("providers.json").query("type", query).build()), 400, "invalid_request");
    }

    @Test
    void noClaimsIs401() {
        assertError(call(ApiEvents.load("providers.json").claims(null).build()), 401, "unauthenticated");
        assertError(call(ApiEvents.load("providers.json").claims(Map.of("org_id", "org_1")).build()), 401, "unauthenticated");
    }

    /** Any signed-in caller: no organization and no known role are fine for a public catalog. */
    @Test
    void anyAuthenticatedCaller() {
        assertEquals(71, ok(call(ApiEvents.load("providers.json").caller("user_1", null, null, null).build())).get("data").size());
        assertEquals(24, ok(call(ApiEvents.load("providers.json").caller("user_2", "org_other", "viewer", "v@x.test")
                .query("type", "saml").build())).get("data").size());
    }
}
