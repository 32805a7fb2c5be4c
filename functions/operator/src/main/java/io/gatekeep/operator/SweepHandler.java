package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.table.Dynamo;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;

/**
 * SweepFunction: the EventBridge schedule's target (the event itself carries nothing we need).
 * One {@link Sweep} run; its report is the function's result (and a log line).
 */
public final class SweepHandler implements RequestStreamHandler {
    private final Env env;
    private final Sweep.Limits limits;

    public SweepHandler() {
        this(Config.fromEnvironment());
    }

    private SweepHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        SweepPriming.register(config);
    }

    public SweepHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this(config, dynamo, clock, Sweep.Limits.PRODUCTION);
    }

    /** With other bounds than production's (tests of the bounds). */
    SweepHandler(Config config, DynamoDbClient dynamo, Clock clock, Sweep.Limits limits) {
        this.env = Env.of(config, dynamo, clock, new OperatorHandler.LazyWorkOs(config));
        this.limits = limits;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
        input.readNBytes(64 * 1024); // the schedule's event: read and ignored
        ObjectNode report = context == null ? run(null) : PowertoolsLogging.withLogging(context, () -> run(context));
        output.write(Json.MAPPER.writeValueAsBytes(report));
        output.flush();
    }

    ObjectNode run(Context context) {
        return new Sweep(env, context, limits).run();
    }
}
