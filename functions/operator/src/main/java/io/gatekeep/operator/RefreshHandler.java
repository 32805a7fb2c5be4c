package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.workos.common.exceptions.RateLimitException;
import com.workos.common.exceptions.WorkOSException;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.auth.Caller;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpFunction;
import io.gatekeep.shared.http.HttpResponses;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.table.Dynamo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POST /organizations/{organizationId}/identity-health/refresh: the page calls it when the admin
 * comes back to the tab and on "Refresh". Any member of the organization may ask; WorkOS is read
 * at most once per organization every 30 s however many ask ({@link Refresh}); the others are told
 * {@code "recent"}. The answer comes within one WorkOS timeout ({@code WORKOS_TIMEOUT_MS}); a WorkOS
 * failure or a slow WorkOS leaves the stored health as it was and says so. The caller then reads
 * GET .../identity-health, whose {@code checkedAt} says when WorkOS was last confirmed.
 *
 * <p>200 {@code {"organizationId", "refresh": "refreshed"|"recent"|"workos_unavailable"|"rate_limited"|"timeout",
 * "checkedAt", "nextRefreshAt", "message"?}}.
 */
public final class RefreshHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshHandler.class);

    private final Env env;
    private final Duration timeout;
    private final ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor();

    public RefreshHandler() {
        this(Config.fromEnvironment());
    }

    private RefreshHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        RefreshPriming.register(config);
    }

    public RefreshHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.env = Env.of(config, dynamo, clock, new OperatorHandler.LazyWorkOs(config));
        this.timeout = config.workosTimeout();
        SdkToWire.tree(Map.of()); // its Kotlin-aware mapper is built here, at init, not inside a request's timeout
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpFunction.run(event, context, request -> {
            Caller caller = Caller.of(request);
            String organizationId = caller.organizationIn(request);
            caller.requireReaderOf(organizationId);
            Instant now = env.clock().instant();
            Refresh.Slot slot = Refresh.claim(env, organizationId, now);
            return switch (slot.claim()) {
                case UNKNOWN -> throw ApiException.organizationNotFound();
                case RECENT -> answer(organizationId, "recent", slot.checkedAt(), slot.nextAllowedAt(),
                        "WorkOS was read for this organization less than 30 seconds ago.");
                case CLAIMED -> read(organizationId, slot);
            };
        });
    }

    private APIGatewayV2HTTPResponse read(String organizationId, Refresh.Slot slot) throws InterruptedException {
        env.workos().get(); // the client (API key from SSM) before the clock starts: its failure is ours, a 500
        Future<ObjectNode> reading = reads.submit(() -> Refresh.run(env, organizationId));
        try {
            ObjectNode done = reading.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("refresh done: {}", done);
            return answer(organizationId, "refreshed", done.path("checkedAt").asText(null), slot.nextAllowedAt(), null);
        } catch (TimeoutException slow) {
            reading.cancel(true);
            LOG.warn("refresh: WorkOS did not answer within {} ms", timeout.toMillis());
            return answer(organizationId, "timeout", slot.checkedAt(), slot.nextAllowedAt(),
                    "WorkOS did not answer in time; this is the health as last stored.");
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            if (cause instanceof RateLimitException) {
                LOG.warn("refresh: WorkOS rate limit");
                return answer(organizationId, "rate_limited", slot.checkedAt(), slot.nextAllowedAt(),
                        "WorkOS is rate limiting; this is the health as last stored.");
            }
            if (cause instanceof WorkOSException e) {
                LOG.warn("refresh: WorkOS failed: {}", OperatorHandler.describe(e));
                return answer(organizationId, "workos_unavailable", slot.checkedAt(), slot.nextAllowedAt(),
                        "WorkOS could not be reached; this is the health as last stored.");
            }
            if (cause instanceof StoreUnavailableException) {
                throw new ApiException(503, "store_unavailable", "The refresh could not be stored. Try again shortly.");
            }
            throw new IllegalStateException("refresh failed", cause);
        }
    }

    private static APIGatewayV2HTTPResponse answer(String organizationId, String outcome, String checkedAt,
                                                   Instant nextRefreshAt, String message) {
        ObjectNode body = Json.object();
        body.put("organizationId", organizationId);
        body.put("refresh", outcome);
        body.put("checkedAt", checkedAt);
        body.put("nextRefreshAt", nextRefreshAt == null ? null : Times.iso(nextRefreshAt));
        if (message != null) {
            body.put("message", message);
        }
        return HttpResponses.ok(body);
    }
}
