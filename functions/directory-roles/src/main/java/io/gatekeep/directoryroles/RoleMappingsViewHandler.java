package io.gatekeep.directoryroles;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.shared.auth.Caller;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpFunction;
import io.gatekeep.shared.http.HttpRequest;
import io.gatekeep.shared.http.HttpResponses;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Dynamo;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading the directory roles (owners and admins), for the page's "Roles from your directory":
 * <ul>
 * <li>{@code GET /organizations/{organizationId}/role-mappings}: the stored mapping (each group with its
 * name when synced), the default role, the privilege order, users per role (from the directories'
 * counters), and the organization's directory groups to map. Requests: one Query of the organization's
 * partition, then one Query per live directory for its groups (at most {@value #GROUPS_PER_DIRECTORY}
 * each, by id; {@code groupsComplete} says whether that was all of them).</li>
 * <li>{@code POST /organizations/{organizationId}/role-mappings/preview} with the body of the PUT: how
 * many directory users the proposed mapping would give another role, and which roles they would move
 * between, nothing written ({@link RolePreview}). Requests: one Query of the organization's partition
 * and at most {@value RolePreview#MAX_PAGES} Queries of gsi1.</li>
 * </ul>
 * Checks in the order of the PUT: 401 {@code unauthenticated}, 400 {@code organization_required},
 * 400 {@code invalid_request} (the preview's body), 403 {@code forbidden}, 404 {@code organization_not_found}.
 */
public final class RoleMappingsViewHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    public static final String GET_ROUTE = "GET /organizations/{organizationId}/role-mappings";
    public static final String PREVIEW_ROUTE = "POST /organizations/{organizationId}/role-mappings/preview";
    static final int GROUPS_PER_DIRECTORY = 200;

    private final DynamoDbClient dynamo;
    private final String table;
    private final RolePreview preview;

    public RoleMappingsViewHandler() {
        this(Config.fromEnvironment());
    }

    private RoleMappingsViewHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        RoleMappingsPriming.registerView(config);
    }

    /** {@code clock} is part of the handler convention; reading depends on no time. */
    public RoleMappingsViewHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.dynamo = dynamo;
        this.table = config.tableName();
        this.preview = new RolePreview(dynamo, table);
    }

    /** {@code groupName} and {@code directoryId}: null while the group is not synced (a mapping may come first). */
    public record Mapping(String directoryGroupId, String role, String groupName, String directoryId) {}

    public record Group(String id, String name, String directoryId, String directoryName) {}

    public record View(String organizationId, List<Mapping> mappings, String defaultRole, List<String> roleOrder,
                       long version, long users, Map<String, Long> usersPerRole, List<Group> groups, boolean groupsComplete) {}

    public record Preview(String organizationId, String defaultRole, long usersChecked, boolean complete, long usersChanging,
                          List<RolePreview.Change> changes, Map<String, Long> usersPerRoleAfter) {}

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpFunction.run(event, context, this::handle);
    }

    private APIGatewayV2HTTPResponse handle(HttpRequest request) {
        boolean isPreview = PREVIEW_ROUTE.equals(request.routeKey());
        if (!isPreview && !GET_ROUTE.equals(request.routeKey())) {
            throw ApiException.noSuchRoute();
        }
        Caller caller = Caller.of(request);                                         // 401
        String organizationId = caller.organizationIn(request);                     // 400 organization_required, invalid_request
        RoleMappingsBody body = isPreview ? RoleMappingsBody.parse(request.jsonBody()) : null;  // 400 invalid_request
        caller.requireAdminOf(organizationId);                                       // 403
        OrganizationView view = OrganizationView.load(dynamo, table, organizationId)
                .orElseThrow(ApiException::organizationNotFound);
        RoleMapping current = view.roleMapping();
        if (isPreview) {
            RoleMapping proposed = new RoleMapping(body.mappings(), body.defaultRole(), 0);
            RolePreview.Result r = preview.preview(organizationId, current, proposed);
            return HttpResponses.ok(new Preview(organizationId, body.defaultRole(), r.usersChecked(), r.complete(),
                    r.usersChanging(), r.changes(), r.usersPerRoleAfter()));
        }
        return HttpResponses.ok(describe(view, current));
    }

    private View describe(OrganizationView view, RoleMapping mapping) {
        List<Group> groups = new ArrayList<>();
        boolean complete = true;
        for (OrganizationView.Directory directory : view.directories()) {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :group)")
                    .expressionAttributeNames(Map.of("#name", "name", "#deleted", "deleted"))
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.directoryPk(directory.id())), ":group", Attr.s(Keys.GROUP_PREFIX)))
                    .projectionExpression("sk, #name, #deleted").limit(GROUPS_PER_DIRECTORY).build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (!Attr.flag(item, "deleted")) {
                    groups.add(new Group(Attr.str(item, Keys.SK).substring(Keys.GROUP_PREFIX.length()), Attr.str(item, "name"),
                            directory.id(), directory.name()));
                }
            }
            complete &= !page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty();
        }
        Map<String, Group> byId = new HashMap<>();
        groups.forEach(g -> byId.put(g.id(), g));
        List<Mapping> mappings = mapping.mappings().stream().map(e -> {
            Group g = byId.get(e.directoryGroupId());
            return new Mapping(e.directoryGroupId(), e.role(), g == null ? null : g.name(), g == null ? null : g.directoryId());
        }).toList();
        Map<String, Long> perRole = view.roleCounts();
        long users = view.directories().stream().mapToLong(OrganizationView.Directory::userCount).sum();
        return new View(view.organization().id(), mappings, mapping.defaultRole(), mapping.roleOrder(), mapping.version(),
                users, perRole, List.copyOf(groups), complete);
    }
}
