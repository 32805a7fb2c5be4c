package io.gatekeep.webhooks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.config.Secrets;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpFunction;
import io.gatekeep.shared.http.HttpRequest;
import io.gatekeep.shared.http.HttpResponses;
import io.gatekeep.shared.projection.ApplyOutcome;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.projection.WorkOsEvent;
import io.gatekeep.shared.table.Dynamo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /webhooks/workos}: no JWT, the {@code WorkOS-Signature} header is the authentication.
 * A verified event is applied to the projection exactly once (200 {@code applied}, {@code duplicate}
 * or {@code ignored}); a bad, missing or stale signature, an oversized body or one that is not an
 * event (exactly one JSON object: see {@link io.gatekeep.shared.Json#parseObject}) is refused with 400
 * and nothing stored; an event stamped more than five minutes ahead of the clock is refused with 422
 * {@code event_in_future} and nothing stored, so that WorkOS delivers it again; an event the store did not take is answered 503,
 * so that WorkOS delivers it again, and kept as a dead letter for the operator's replay. Bodies
 * and signatures are never logged.
 */
public final class WebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);

    private final WebhookSignature signature;
    private final Projection projection;
    private final DeadLetters deadLetters;

    public WebhookHandler() {
        this(Config.fromEnvironment());
    }

    private WebhookHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        WebhookPriming.register(config);
    }

    public WebhookHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        Secrets secrets = Secrets.fromSsm(config); // cached five minutes: a rotation is picked up without a deploy
        this.signature = new WebhookSignature(
                () -> secrets.getAll(Config.WORKOS_WEBHOOK_SECRET_PARAMETER, Config.WORKOS_WEBHOOK_SECRET), clock);
        this.projection = new Projection(dynamo, config.tableName(), clock);
        this.deadLetters = new DeadLetters(dynamo, config.tableName(), clock);
    }

    /**
     * What the function keeps of its remaining time after the projection gives up retrying conflicts:
     * enough to write the dead letter and answer before Lambda's timeout.
     */
    static final Duration RESERVE = Duration.ofSeconds(1);

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpFunction.run(event, context, request -> receive(request, timeLeft(context)));
    }

    private static Duration timeLeft(Context context) {
        return context == null ? Duration.ofSeconds(10)
                : Duration.ofMillis(context.getRemainingTimeInMillis()).minus(RESERVE);
    }

    private APIGatewayV2HTTPResponse receive(HttpRequest request, Duration timeLeft) {
        String body = request.body() == null ? "" : request.body();
        byte[] raw = body.getBytes(StandardCharsets.UTF_8);
        if (raw.length > HttpRequest.MAX_BODY_BYTES) {
            throw ApiException.invalidRequest("The body is larger than 1 MiB.");
        }
        verify(request.header(WebhookSignature.HEADER).orElse(null), raw);

        WorkOsEvent event;
        try {
            event = WorkOsEvent.parse(body);
        } catch (IllegalArgumentException notAnEvent) {
            throw ApiException.invalidRequest("The body is not a WorkOS event.");
        }

        ApplyOutcome outcome;
        try {
            outcome = projection.apply(event, timeLeft);
        } catch (Projection.FromTheFuture ahead) {
            // Refused, not clamped (see Projection.FromTheFuture): nothing written, no dead letter; WorkOS
            // delivers it again, and it applies once the clocks agree.
            LOG.warn("event {} {} refused: {}", event.id(), event.name(), ahead.getMessage());
            throw new ApiException(422, "event_in_future", "The event is stamped more than "
                    + Projection.MAX_AHEAD.toMinutes() + " minutes ahead of Gatekeep's clock; it was not applied.");
        } catch (RuntimeException failure) {
            keepForReplay(body, event, failure);
            throw new ApiException(503, "store_unavailable", "The event could not be stored; WorkOS will deliver it again.");
        }
        LOG.info("event {} {}: {}{}", event.id(), event.name(), outcome.status().wireName(),
                outcome.reason() == null ? "" : " (" + outcome.reason() + ")");
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("status", outcome.status().wireName());
        receipt.put("eventId", event.id());
        if (outcome.reason() != null) {
            receipt.put("reason", outcome.reason());
        }
        return HttpResponses.ok(receipt);
    }

    private void verify(String header, byte[] raw) {
        boolean valid;
        try {
            valid = signature.verify(header, raw);
        } catch (RuntimeException secretUnreadable) {
            // SSM failed: not the sender's fault, so WorkOS should try again
            LOG.error("webhook secret unavailable: {}", secretUnreadable.getClass().getName());
            throw new ApiException(503, "secret_unavailable", "The webhook secret could not be read; WorkOS will deliver the event again.");
        }
        if (!valid) {
            LOG.warn("webhook refused: signature {} ({} bytes)", header == null ? "missing" : "invalid or stale", raw.length);
            throw ApiException.badRequest("invalid_signature", "The WorkOS-Signature header is missing, malformed, stale or wrong.");
        }
    }

    /**
     * The dead letter lets the operator replay the event should WorkOS's retries run out. If the
     * table refuses this write too (the whole store is down), WorkOS's retries are the safety net.
     */
    private void keepForReplay(String body, WorkOsEvent event, RuntimeException failure) {
        int attempts = failure instanceof StoreUnavailableException s ? s.attempts() : 1;
        String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        LOG.error("event {} {} not stored: {}", event.id(), event.name(), error);
        try {
            deadLetters.record(body, event, error, attempts);
        } catch (RuntimeException alsoDown) {
            LOG.error("event {} not dead-lettered either: {}", event.id(), alsoDown.getClass().getName());
        }
    }
}
