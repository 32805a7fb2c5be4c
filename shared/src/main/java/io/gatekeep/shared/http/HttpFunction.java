package io.gatekeep.shared.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.slf4j.Logger;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The frame every HTTP handler runs in: reads the event once, puts the request id in the log
 * context as the correlation id, and turns every failure into the one JSON error shape. An
 * unexpected exception is logged (type and message only: bodies and tokens never reach a log)
 * and answered 500 {@code internal_error} without its details.
 */
public final class HttpFunction {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFunction.class);

    @FunctionalInterface
    public interface Route {
        APIGatewayV2HTTPResponse handle(HttpRequest request) throws Exception;
    }

    private HttpFunction() {}

    public static APIGatewayV2HTTPResponse run(APIGatewayV2HTTPEvent event, Context context, Route route) {
        if (context == null) {
            return handle(event, route);
        }
        // Powertools adds the Lambda context (function, request id, cold start) to every log line.
        return PowertoolsLogging.withLogging(context, () -> handle(event, route));
    }

    private static APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Route route) {
        HttpRequest request;
        try {
            request = HttpRequest.from(event);
        } catch (IllegalArgumentException e) {
            // e.g. a body flagged base64 that is not: the caller's fault, not ours
            return HttpResponses.error(400, "invalid_request", "The request could not be read.");
        }
        MDC.put("correlation_id", request.requestId());
        MDC.put("route", String.valueOf(request.routeKey()));
        try {
            APIGatewayV2HTTPResponse response = route.handle(request);
            LOG.info("{} -> {}", request.routeKey(), response.getStatusCode());
            return response;
        } catch (ApiException e) {
            LOG.info("{} -> {} {}", request.routeKey(), e.status(), e.code());
            return HttpResponses.error(e);
        } catch (Exception e) {
            LOG.error("{} failed: {}", request.routeKey(), e.getClass().getName());
            return HttpResponses.error(500, "internal_error", "Something went wrong on our side. Try again.");
        } finally {
            MDC.remove("correlation_id");
            MDC.remove("route");
        }
    }
}
