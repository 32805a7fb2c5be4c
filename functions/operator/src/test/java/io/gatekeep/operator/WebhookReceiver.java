package io.gatekeep.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.workos.webhooks.Webhook;
import io.gatekeep.shared.projection.ApplyOutcome;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.projection.WorkOsEvent;
import io.gatekeep.testsupport.WebhookEndpoint;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.security.SignatureException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The webhook path as the webhook function runs it, on test-support's {@link WebhookEndpoint} for the
 * emulator to deliver to (four deliveries at a time): verify the signature on the raw body, apply through
 * the shared projection, and when the store does not take the event, keep it as a dead letter and answer
 * 503 so that WorkOS retries. (The function module itself is another engineer's; this is the same shared
 * code path.)
 */
final class WebhookReceiver implements AutoCloseable {
    static final String SECRET = "whsec_operator_tests";

    final AtomicInteger applied = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger deadLettered = new AtomicInteger();
    private final Projection projection;
    private final DeadLetters deadLetters;
    private final Webhook verifier = new Webhook(new ObjectMapper());
    private final WebhookEndpoint endpoint;

    WebhookReceiver(DynamoDbClient dynamo, String table, Clock clock) {
        projection = new Projection(dynamo, table, clock);
        deadLetters = new DeadLetters(dynamo, table, clock);
        endpoint = new WebhookEndpoint(4, this::receive);
    }

    private WebhookEndpoint.Answer receive(String body, String signature) {
        int status;
        try {
            verifier.constructEvent(body, signature, SECRET, Webhook.DEFAULT_TOLERANCE_MILLIS);
            WorkOsEvent event = WorkOsEvent.parse(body);
            try {
                var outcome = projection.apply(event);
                (outcome.status() == ApplyOutcome.Status.DUPLICATE ? duplicates : applied).incrementAndGet();
                status = 200;
            } catch (RuntimeException e) {
                int attempts = e instanceof StoreUnavailableException s ? s.attempts() : 1;
                deadLetters.record(body, event, e.getClass().getSimpleName() + ": " + e.getMessage(), attempts);
                deadLettered.incrementAndGet();
                status = 503;
            }
        } catch (SignatureException | IllegalArgumentException e) {
            status = 400;
        } catch (RuntimeException e) {
            status = 500;
        }
        return new WebhookEndpoint.Answer(status, "");
    }

    String url() {
        return endpoint.url();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
