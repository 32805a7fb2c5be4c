package io.gatekeep.providers;

import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SnapStart priming of the provider catalog: no endpoint at all, and the primed handler answers as before. */
class ProvidersPrimingTest {

    @Test
    void primingNeedsNoEndpointAndThePrimedHandlerAnswers() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        ProvidersHandler primed = PrimingCheck.primeAgainstTable(ProvidersHandler::new, dynamo, table, "providers");
        var unprimed = new ProvidersHandler(null, null, null);
        var event = ApiEvents.load("providers.json").build();
        var expected = unprimed.handleRequest(event, LocalContext.of("providers"));
        var actual = primed.handleRequest(ApiEvents.load("providers.json").build(), LocalContext.of("providers"));
        assertEquals(200, actual.getStatusCode(), actual.getBody());
        assertEquals(expected.getBody(), actual.getBody());
        PrimingCheck.primeWithEveryEndpointTrapped(ProvidersHandler::new, "providers");
    }
}
