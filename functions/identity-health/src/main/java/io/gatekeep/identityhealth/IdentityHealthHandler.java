package io.gatekeep.identityhealth;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.shared.auth.Caller;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpFunction;
import io.gatekeep.shared.http.HttpResponses;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.table.Dynamo;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;

/**
 * GET /organizations/{organizationId}/identity-health: connection health for the dashboard, from
 * the projection that the webhooks keep. One Query of the organization's partition (a second
 * page only past 1 MB); directory users live in their directory's partition and are never read:
 * the counts come from the directories' counters.
 */
public final class IdentityHealthHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public IdentityHealthHandler() {
        this(Config.fromEnvironment());
    }

    private IdentityHealthHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        IdentityHealthPriming.register(config);
    }

    public IdentityHealthHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.dynamo = dynamo;
        this.table = config.tableName();
        this.clock = clock;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpFunction.run(event, context, request -> {
            Caller caller = Caller.of(request);
            String organizationId = caller.organizationIn(request);
            caller.requireReaderOf(organizationId);
            OrganizationView view = OrganizationView.load(dynamo, table, organizationId)
                    .orElseThrow(ApiException::organizationNotFound);
            return HttpResponses.ok(IdentityHealth.of(view, clock.instant()));
        });
    }
}
