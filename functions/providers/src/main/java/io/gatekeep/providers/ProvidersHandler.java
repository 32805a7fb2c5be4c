package io.gatekeep.providers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.shared.auth.Caller;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.guide.Guide;
import io.gatekeep.shared.guide.Provider;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpFunction;
import io.gatekeep.shared.http.HttpResponses;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * GET /providers?type=saml|oidc|scim|directory|oauth|general: the troubleshooting guide's provider
 * catalog, read-only, for any signed-in caller. The catalog is a resource file read once per JVM;
 * no table, no WorkOS.
 */
public final class ProvidersHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** The response body: {@code {"data": [{"name","type","docUrl","connectionTypes","directoryTypes"}]}}. */
    public record ProviderList(List<Provider> data) {}

    private final Guide guide;

    /**
     * Lambda's constructor. The catalog needs no table, so no DynamoDB client is built (it would
     * only add cold-start time); the function has no table permissions either.
     */
    public ProvidersHandler() {
        this(Config.fromEnvironment());
    }

    private ProvidersHandler(Config config) {
        this(config, null, Clock.systemUTC());
        ProvidersPriming.register(config);
    }

    /** The constructor tests and the local runner use; the client and clock are not needed here. */
    public ProvidersHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.guide = Guide.load();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpFunction.run(event, context, request -> {
            Caller.of(request);
            List<Provider> providers = request.queryParam("type")
                    .map(type -> guide.providersOfType(type).orElseThrow(() -> ApiException.invalidRequest(
                            "type must be one of: " + guide.types().stream()
                                    .map(t -> t.toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(", ")) + ".")))
                    .orElse(guide.providers());
            return HttpResponses.ok(new ProviderList(providers));
        });
    }
}
