package io.gatekeep.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.workos.WorkOS;
import com.workos.models.Connection;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SDK models back to WorkOS wire JSON, including values newer than the SDK. */
class SdkToWireTest {
    private static final String CONNECTION = """
            {"object": "connection", "id": "conn_01NEW", "organization_id": "org_01ACME",
             "connection_type": "%s", "name": "Okta", "state": "%s", "status": "linked", "domains": [],
             "created_at": "2026-11-20T10:00:00.000Z", "updated_at": "2026-11-21T10:00:00.5Z"}""";

    /** The SDK's own mapper, as its list calls read WorkOS's answers. */
    private static Connection read(String type, String state) throws Exception {
        WorkOS sdk = WorkOS.builder().apiKey("sk_test").build();
        return sdk.baseClient.objectMapper.readValue(CONNECTION.formatted(type, state), Connection.class);
    }

    @Test
    void aModelBecomesTheWireShapeTheProjectionReads() throws Exception {
        ObjectNode wire = SdkToWire.tree(read("OktaSAML", "active"));

        assertEquals("conn_01NEW", wire.path("id").asText());
        assertEquals("org_01ACME", wire.path("organization_id").asText());
        assertEquals("OktaSAML", wire.path("connection_type").asText());
        assertEquals("active", wire.path("state").asText());
        assertEquals("2026-11-21T10:00:00.500Z", io.gatekeep.shared.Times.normalize(wire.path("updated_at").asText()));
    }

    @Test
    void aValueTheSdkDoesNotKnowIsNullInsteadOfFailingTheReconcile() throws Exception {
        Connection newer = read("QuantumSAML", "rotating");
        WorkOS sdk = WorkOS.builder().apiKey("sk_test").build();
        assertThrows(Exception.class, () -> sdk.baseClient.objectMapper.valueToTree(newer),
                "the SDK's own mapper refuses to write its Unknown sentinel");

        ObjectNode wire = SdkToWire.tree(newer);

        assertTrue(wire.get("connection_type").isNull(), wire.toString());
        assertTrue(wire.get("state").isNull(), wire.toString());
        assertEquals("Okta", wire.path("name").asText(), "the rest of the object is intact");
    }
}
