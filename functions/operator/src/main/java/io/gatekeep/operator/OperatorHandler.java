package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.workos.WorkOS;
import com.workos.common.exceptions.RateLimitException;
import com.workos.common.exceptions.UnauthorizedException;
import com.workos.common.exceptions.WorkOSException;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.config.Secrets;
import io.gatekeep.shared.table.Dynamo;
import io.gatekeep.shared.workos.WorkOsClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The operator function: one JSON event in (console "Test", {@code aws lambda invoke},
 * {@code sam remote invoke}), one JSON report out. {@code action} picks onboard, reconcile,
 * replay or set-plan. A bad event (unknown action, missing or malformed field, unknown organization) is
 * answered {@code {"error", "message"}} with nothing written; a failure of our own storage is a
 * Lambda error, so that the function's error alarm fires.
 */
public final class OperatorHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorHandler.class);
    private static final int MAX_EVENT_BYTES = 64 * 1024;

    private final Env env;

    public OperatorHandler() {
        this(Config.fromEnvironment());
    }

    private OperatorHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        OperatorPriming.register(config);
    }

    public OperatorHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.env = Env.of(config, dynamo, clock, new LazyWorkOs(config));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] bytes = input.readNBytes(MAX_EVENT_BYTES + 1);
        ObjectNode result = context == null
                ? handle(bytes, null)
                : PowertoolsLogging.withLogging(context, () -> handle(bytes, context));
        output.write(Json.MAPPER.writeValueAsBytes(result));
        output.flush();
    }

    ObjectNode handle(byte[] bytes, Context context) {
        String action = null;
        try {
            if (bytes.length > MAX_EVENT_BYTES) {
                throw OperatorError.invalid("The event is larger than " + MAX_EVENT_BYTES / 1024 + " KB.");
            }
            JsonNode event;
            try {
                event = Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
            } catch (Json.NotAnObject e) {
                throw OperatorError.invalid("The event must be a JSON object such as {\"action\": \"reconcile\", ...}.");
            } catch (IllegalArgumentException e) {
                throw OperatorError.invalid("The event is not JSON, or not only one JSON object (no duplicate keys, nothing after it).");
            }
            JsonNode actionNode = event.isObject() ? event.get("action") : null;
            action = actionNode != null && actionNode.isTextual() ? actionNode.asText() : null;
            if (action == null) {
                throw OperatorError.invalid("\"action\" is required: onboard, reconcile, replay or set-plan.");
            }
            MDC.put("operator_action", action);
            ObjectNode report = switch (action) {
                case "onboard" -> new Onboard(env).run(event, context);
                case "reconcile" -> new Reconcile(env).run(event, context);
                case "replay" -> new Replay(env).run(event, context);
                case "set-plan" -> new SetPlan(env).run(event, context);
                default -> throw new OperatorError("unknown_action",
                        "Unknown action \"" + action + "\"; use onboard, reconcile, replay or set-plan.");
            };
            LOG.info("operator {} done: {}", action, summary(report));
            return report;
        } catch (OperatorError e) {
            LOG.info("operator {} refused: {}", action, e.code());
            return e.toJson();
        } catch (RateLimitException e) {
            LOG.warn("operator {}: WorkOS rate limit after retries", action);
            return new OperatorError("rate_limited", "WorkOS answered 429 after retries"
                    + (e.retryAfterSeconds == null ? "" : "; retry after " + e.retryAfterSeconds + " s") + ".").toJson();
        } catch (UnauthorizedException e) {
            LOG.error("operator {}: WorkOS refused the API key", action);
            return new OperatorError("workos_unauthorized", "WorkOS refused the API key (HTTP 401): check the SSM parameter "
                    + "named by WORKOS_API_KEY_PARAMETER.").toJson();
        } catch (WorkOSException e) {
            LOG.warn("operator {}: WorkOS failed: {} {}", action, e.status, e.getClass().getSimpleName());
            return new OperatorError("workos_unavailable", "WorkOS failed (" + describe(e) + "). The action is safe to run again.").toJson();
        } finally {
            MDC.remove("operator_action");
        }
    }

    /** The report without its per-event list: counts and ids only, never a body, link or secret. */
    private static String summary(ObjectNode report) {
        ObjectNode copy = report.deepCopy();
        copy.remove("events");
        if (report.path("events").isObject()) {
            copy.set("events", report.get("events"));
        }
        return copy.toString();
    }

    static String describe(WorkOSException e) {
        String code = e.code == null ? "" : " " + e.code;
        return (e.status > 0 ? "HTTP " + e.status : e.getClass().getSimpleName()) + code
                + (e.requestId == null ? "" : ", request " + e.requestId);
    }

    /** The SDK client, built on first use: replay never needs it, and the API key is read from SSM once. */
    static final class LazyWorkOs implements java.util.function.Supplier<WorkOS> {
        private final Config config;
        private WorkOS client;

        LazyWorkOs(Config config) {
            this.config = config;
        }

        @Override
        public synchronized WorkOS get() {
            if (client == null) {
                client = WorkOsClients.create(config, Secrets.fromSsm(config));
            }
            return client;
        }
    }
}
