package io.gatekeep.orgsettings;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.auth.Caller;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpFunction;
import io.gatekeep.shared.http.HttpRequest;
import io.gatekeep.shared.http.HttpResponses;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Dynamo;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code PUT /internal/organizations/{organizationId}/entitlements}: the product's back office sets
 * what an organization's plan includes ({@code {"sso": bool, "directorySync": bool}}).
 *
 * <p>The route is behind API Gateway's {@code AWS_IAM} authorization, not the tenant's JWT: only a
 * principal of the vendor's AWS account that is allowed {@code execute-api:Invoke} on it reaches this
 * function, and API Gateway hands its identity over in {@code requestContext.authorizer.iam}. The
 * handler refuses a request without that identity (401): should the route ever be put behind another
 * authorizer, a tenant token still changes nothing. The change and its audit entry ({@code settings.plan_updated},
 * actor = the principal's ARN) are one transaction.
 *
 * <p>Answers: 200 the plan; 401 {@code unauthenticated}; 400 {@code invalid_request} (the body, strict:
 * both fields, no other); 404 {@code organization_not_found}.
 */
public final class EntitlementsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    public static final String ROUTE = "PUT /internal/organizations/{organizationId}/entitlements";
    private static final Set<String> FIELDS = Set.of("sso", "directorySync");

    private final DynamoDbClient dynamo;
    private final Clock clock;
    private final String table;

    public EntitlementsHandler() {
        this(Config.fromEnvironment());
    }

    private EntitlementsHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        EntitlementsPriming.register(config);
    }

    public EntitlementsHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.dynamo = dynamo;
        this.clock = clock;
        this.table = config.tableName();
    }

    /** The response body. */
    public record Plan(String organizationId, boolean sso, boolean directorySync) {}

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String principal = iamPrincipal(event);
        return HttpFunction.run(event, context, request -> handle(request, principal));
    }

    private APIGatewayV2HTTPResponse handle(HttpRequest request, String principal) {
        if (!ROUTE.equals(request.routeKey())) {
            throw ApiException.noSuchRoute();
        }
        if (principal == null) {
            throw ApiException.unauthenticated();                         // 401: not signed by an IAM principal
        }
        String organizationId = Caller.organizationInPath(request);       // 400 organization_required, invalid_request
        Entitlements plan = parse(request.jsonBody());                    // 400 invalid_request
        Instant now = clock.instant();
        AuditEntry entry = AuditEntry.gatekeep(organizationId, Entitlements.AUDIT_TYPE, now, principal,
                plan.summary() + " (back office)", request.requestId());
        if (!plan.write(dynamo, table, organizationId, entry)) {
            throw ApiException.organizationNotFound();
        }
        return HttpResponses.ok(new Plan(organizationId, plan.sso(), plan.directorySync()));
    }

    private static Entitlements parse(JsonNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.invalidRequest("Unknown field " + name + "; the plan is {\"sso\": bool, \"directorySync\": bool}.");
            }
        }
        try {
            return Entitlements.parse(body);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest(e.getMessage());
        }
    }

    /** The caller API Gateway's IAM authorization verified (its ARN), or null when there is none. */
    static String iamPrincipal(APIGatewayV2HTTPEvent event) {
        var context = event == null ? null : event.getRequestContext();
        var authorizer = context == null ? null : context.getAuthorizer();
        var iam = authorizer == null ? null : authorizer.getIam();
        if (iam == null || iam.getUserArn() == null || iam.getUserArn().isBlank()) {
            return null;
        }
        return iam.getUserArn();
    }
}
