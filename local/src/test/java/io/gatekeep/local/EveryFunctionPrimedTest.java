package io.gatekeep.local;

import io.gatekeep.localaws.SamTemplate;
import io.gatekeep.shared.priming.Priming;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every function of template.yaml is primed for SnapStart: its handler, built as Lambda builds it
 * (the public no-arg constructor, configuration from the environment), registers exactly one
 * priming, and the checkpoint and restore hooks run its success path with every endpoint it could
 * reach (DynamoDB, WorkOS, SSM, EventBridge, SES) on a trap that must see no connection. A function
 * added to the template without priming fails here, whatever its own tests say.
 */
class EveryFunctionPrimedTest {

    @TestFactory
    Stream<DynamicTest> everyFunctionOfTheTemplatePrimesItsSuccessPath() {
        List<SamTemplate.Function> functions = SamTemplate.load().functions();
        assertFalse(functions.isEmpty());
        return functions.stream().map(f -> DynamicTest.dynamicTest(f.logicalId() + " (" + f.handlerClass() + ")", () -> {
            try (PrimingCheck.Trap trap = new PrimingCheck.Trap()) {
                Priming.forgetRegistered();
                Map<String, String> settings = PrimingCheck.lambdaSettings("gatekeep-no-such-table", trap.url(), trap);
                // the notices function's channels, as template.yaml sets them, on the trap too
                settings.putAll(Map.of("NOTICE_BUS_NAME", "gatekeep-trapped-notices", "NOTICE_EMAIL_ENABLED", "true",
                        "NOTICE_EMAIL_SENDER", "notices@gatekeep.invalid", "NOTICE_EMAIL_TEMPLATE", "gatekeep-trapped",
                        "AWS_ENDPOINT_URL_EVENTBRIDGE", trap.url(), "AWS_ENDPOINT_URL_SES", trap.url(), "AWS_REGION", "us-east-1"));
                Class<?> handler = Class.forName(f.handlerClass());
                PrimingCheck.constructAsLambda(() -> {
                    try {
                        return handler.getConstructor().newInstance();
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(f.handlerClass() + " has no public no-arg constructor", e);
                    }
                }, settings);
                List<Priming.Outcome> outcomes = Priming.checkpointAndRestore();
                assertEquals(1, outcomes.size(), f.logicalId() + ": its constructor must register one priming: " + outcomes);
                assertTrue(outcomes.get(0).primed(), f.logicalId() + ": priming failed: " + outcomes.get(0).failure());
                assertEquals(0, trap.connections(), f.logicalId() + ": priming must reach no endpoint");
            } finally {
                Priming.forgetRegistered();
            }
        }));
    }
}
