package io.gatekeep.shared.priming;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.table.Dynamo;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one priming has at hand: the function's configuration pointed at the stand-ins (DynamoDB
 * and WorkOS on loopback endpoints of this process, secrets given directly, so SSM is never
 * read), a DynamoDB client built the way {@link Dynamo} builds the function's own but on the
 * stand-in with credentials that sign nothing real, and requests from an owner of the stand-in
 * organization. Closing it closes the twin client and both endpoints: nothing it opened
 * survives into the snapshot.
 */
public final class PrimingSession implements AutoCloseable {
    /** The webhook secret of the stand-in configuration: priming signs its synthetic event with it. */
    public static final String WEBHOOK_SECRET = "gatekeep-priming-webhook-secret";

    private final String function;
    private final Config functionConfig;
    private final Clock clock;
    private StandInDynamoDb dynamoEndpoint;
    private StandInWorkOs workosEndpoint;
    private StandInNoticeChannels noticeChannels;
    private Config config;
    private DynamoDbClient dynamo;

    PrimingSession(String function, Config functionConfig, Clock clock) {
        this.function = function;
        this.functionConfig = functionConfig;
        this.clock = clock;
    }

    /** Starts the stand-ins on first use: a function without table or WorkOS (providers) opens none. */
    private synchronized void standIns() {
        if (config != null) {
            return;
        }
        dynamoEndpoint = new StandInDynamoDb(StandInOrganization.items(clock.instant()));
        workosEndpoint = new StandInWorkOs();
        config = functionConfig
                .with(Config.AWS_ENDPOINT_URL_DYNAMODB, dynamoEndpoint.url())
                .with(Config.WORKOS_API_BASE_URL, workosEndpoint.url())
                .with(Config.WORKOS_API_KEY_PARAMETER, "")
                .with(Config.WORKOS_API_KEY, "sk_test_gatekeep_priming")
                .with(Config.WORKOS_WEBHOOK_SECRET_PARAMETER, "")
                .with(Config.WORKOS_WEBHOOK_SECRET, WEBHOOK_SECRET)
                .with(Config.CURSOR_KEY_PARAMETER, "")
                .with(Config.CURSOR_KEY, "gatekeep-priming-cursor-key");
    }

    /** The function's configuration with the stand-ins in place of DynamoDB, WorkOS and SSM. */
    public synchronized Config config() {
        standIns();
        return config;
    }

    public Clock clock() {
        return clock;
    }

    /** The twin DynamoDB client, on the stand-in endpoint. */
    public synchronized DynamoDbClient dynamo() {
        if (dynamo == null) {
            dynamo = Dynamo.builder(config())
                    .credentialsProvider(credentials())
                    // named, so that no region provider (nor the instance metadata service) is asked
                    .region(config().get("AWS_REGION").map(Region::of).orElse(Region.US_EAST_1))
                    .build();
        }
        return dynamo;
    }

    /** Credentials that sign nothing real, given to every twin client (so no provider chain is asked). */
    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));
    }

    /**
     * The base URL of the stand-in of the notices function's channels (EventBridge's PutEvents,
     * SES's SendTemplatedEmail), started on first use.
     */
    public synchronized String noticeChannelsUrl() {
        if (noticeChannels == null) {
            noticeChannels = new StandInNoticeChannels();
        }
        return noticeChannels.url();
    }

    /** Notices the stand-in channels took (an event or an email each). */
    public synchronized int noticeDeliveries() {
        return noticeChannels == null ? 0 : noticeChannels.deliveries();
    }

    public String organizationId() {
        return StandInOrganization.ID;
    }

    /** Requests that wrote to the stand-in (never to the table). */
    public synchronized int standInWrites() {
        return dynamoEndpoint == null ? 0 : dynamoEndpoint.writes();
    }

    /**
     * An API Gateway (payload 2.0) event for {@code routeKey} on the stand-in organization, from
     * an owner of it as the JWT authorizer reports callers.
     */
    public APIGatewayV2HTTPEvent request(String routeKey, String body) {
        String method = routeKey.substring(0, routeKey.indexOf(' '));
        String path = routeKey.substring(routeKey.indexOf(' ') + 1).replace("{organizationId}", StandInOrganization.ID);
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("sub", StandInOrganization.CALLER_ID);
        claims.put("org_id", StandInOrganization.ID);
        claims.put("role", "owner");
        claims.put("email", StandInOrganization.CALLER_EMAIL);
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                .withSourceIp("127.0.0.1").withUserAgent("gatekeep-priming").build();
        var authorizer = APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(claims).build())
                .build();
        var context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRouteKey(routeKey).withRequestId(PrimingContext.REQUEST_ID).withStage("$default")
                .withHttp(http).withAuthorizer(authorizer)
                .withTimeEpoch(clock.millis()).build();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("user-agent", "gatekeep-priming");
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey(routeKey).withRawPath(path).withRawQueryString("")
                .withHeaders(headers)
                .withPathParameters(routeKey.contains("{organizationId}")
                        ? new LinkedHashMap<>(Map.of("organizationId", StandInOrganization.ID)) : null)
                .withRequestContext(context)
                .withBody(body).withIsBase64Encoded(false)
                .build();
    }

    /** The Lambda context of a primed invocation. */
    public Context context() {
        return new PrimingContext(function);
    }

    /**
     * The response, if it has the status of the success path; otherwise priming fails (it would
     * have primed another path). Only the error code is reported, never a body.
     */
    public APIGatewayV2HTTPResponse expect(int status, APIGatewayV2HTTPResponse response) {
        if (response.getStatusCode() != status) {
            String code;
            try {
                code = Json.text(Json.parse(response.getBody()), "error");
            } catch (RuntimeException notJson) {
                code = "?";
            }
            throw new IllegalStateException("expected " + status + ", got " + response.getStatusCode() + " " + code);
        }
        return response;
    }

    @Override
    public synchronized void close() {
        try {
            if (dynamo != null) {
                dynamo.close();
            }
        } finally {
            if (workosEndpoint != null) {
                workosEndpoint.close();
            }
            if (noticeChannels != null) {
                noticeChannels.close();
            }
            if (dynamoEndpoint != null) {
                dynamoEndpoint.close();
            }
        }
    }
}
