package io.gatekeep.directoryroles;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.auth.Caller;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpFunction;
import io.gatekeep.shared.http.HttpRequest;
import io.gatekeep.shared.http.HttpResponses;
import io.gatekeep.shared.projection.RoleJobs;
import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.projection.RoleMappings;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.table.Dynamo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code PUT /organizations/{organizationId}/role-mappings} (owners and admins): the organization's
 * directory group -> role mapping and the role of users in no mapped group. Checks in the order of
 * the other settings: 401 {@code unauthenticated}, 400 {@code organization_required}, 400
 * {@code invalid_request} naming the field, 403 {@code forbidden}, 404 {@code organization_not_found}.
 *
 * <p>The change is one TransactWriteItems: the mapping item, a check that the organization exists,
 * the audit entry (source gatekeep, naming the groups by name: {@link GroupNames}, read before) and the
 * queued re-derivation ({@link RoleMappings#save}). Then
 * the re-derivation runs here until 5 s before the function's deadline (at most 20 s), page by page
 * ({@link RoleJobs}); the answer says whether it finished ({@code "complete"}) or goes on in the
 * role-jobs function ({@code "in_progress"}: roles there follow the new mapping within minutes).
 */
public final class RoleMappingsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    public static final String ROUTE = "PUT /organizations/{organizationId}/role-mappings";
    public static final String AUDIT_TYPE = "settings.role_mappings_updated";
    static final long MARGIN_MS = 5_000;
    static final long MAX_INLINE_MS = 20_000;
    private static final Logger LOG = LoggerFactory.getLogger(RoleMappingsHandler.class);

    private final Clock clock;
    private final RoleMappings mappings;
    private final RoleJobs jobs;
    private final GroupNames groupNames;

    public RoleMappingsHandler() {
        this(Config.fromEnvironment());
    }

    private RoleMappingsHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        RoleMappingsPriming.registerMappings(config);
    }

    public RoleMappingsHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.clock = clock;
        this.mappings = new RoleMappings(dynamo, config.tableName(), clock);
        this.jobs = new RoleJobs(dynamo, config.tableName(), clock);
        this.groupNames = new GroupNames(dynamo, config.tableName());
    }

    public record Mapping(String directoryGroupId, String role) {}

    /** {@code status}: complete, or in_progress (the role-jobs function finishes it). */
    public record Rederivation(String status, long usersChecked, long usersChanged) {}

    public record Response(String organizationId, List<Mapping> mappings, String defaultRole, List<String> roleOrder,
                           Rederivation rederivation) {}

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpFunction.run(event, context, request -> handle(request, context));
    }

    private APIGatewayV2HTTPResponse handle(HttpRequest request, Context context) {
        if (!ROUTE.equals(request.routeKey())) {
            throw ApiException.noSuchRoute();
        }
        Caller caller = Caller.of(request);                                         // 401
        String organizationId = caller.organizationIn(request);                     // 400 organization_required, invalid_request
        RoleMappingsBody body = RoleMappingsBody.parse(request.jsonBody());         // 400 invalid_request
        caller.requireAdminOf(organizationId);                                       // 403
        Instant now = clock.instant();
        Map<String, String> names = groupNames.of(organizationId,
                body.mappings().stream().map(RoleMapping.Entry::directoryGroupId).toList()); // for the audit entry's words
        AuditEntry entry = AuditEntry.gatekeep(organizationId, AUDIT_TYPE, now, caller.actor(), body.summary(names),
                request.requestId());
        try {
            mappings.save(organizationId, body.mappings(), body.defaultRole(), entry);
        } catch (RoleMappings.OrganizationNotFound e) {
            throw ApiException.organizationNotFound();
        }
        RoleMapping saved = new RoleMapping(body.mappings(), body.defaultRole(), 0);
        return HttpResponses.ok(new Response(organizationId,
                body.mappings().stream().map(m -> new Mapping(m.directoryGroupId(), m.role())).toList(),
                body.defaultRole(), saved.roleOrder(), rederive(organizationId, context)));
    }

    /** The queued re-derivation, as far as this invocation's time allows; the role-jobs function does the rest. */
    private Rederivation rederive(String organizationId, Context context) {
        long budget = context == null ? MAX_INLINE_MS
                : Math.min(MAX_INLINE_MS, Math.max(0, context.getRemainingTimeInMillis() - MARGIN_MS));
        try {
            RoleJobs.Result result = jobs.run(organizationId, System.nanoTime() + budget * 1_000_000);
            return new Rederivation(result.complete() ? "complete" : "in_progress", result.usersChecked(), result.usersChanged());
        } catch (StoreUnavailableException e) {
            // The mapping is saved and the work is queued: the role-jobs function will finish it.
            LOG.warn("role re-derivation for {} stopped: {}", organizationId, e.getMessage());
            return new Rederivation("in_progress", 0, 0);
        }
    }
}
