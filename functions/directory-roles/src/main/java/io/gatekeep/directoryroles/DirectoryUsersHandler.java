package io.gatekeep.directoryroles;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.auth.Caller;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.config.Secrets;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpFunction;
import io.gatekeep.shared.http.HttpResponses;
import io.gatekeep.shared.http.SignedCursor;
import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Dynamo;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /organizations/{organizationId}/directory-users?role=&cursor=&limit=} (owners and admins):
 * the organization's live directory users with their groups and role, by user id, {@code limit}
 * 1..100 (default 25), one Query per page ({@link DirectoryUsers}).
 *
 * <p>Requests per page: the first page (no cursor) reads the organization and mapping items in one
 * BatchGetItem (an unknown or deleted organization is 404 {@code organization_not_found}; the
 * mapping names the default role), then runs the one Query. A later page is exactly one Query: its
 * cursor ({@link SignedCursor}, key {@code CURSOR_KEY}) was signed here after that check and binds the
 * organization, the role filter and the default role of the first page; anything else is 400
 * {@code invalid_cursor}.
 */
public final class DirectoryUsersHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    public static final String ROUTE = "GET /organizations/{organizationId}/directory-users";
    private static final String CURSOR_CONTEXT = "gatekeep/directory-users/cursor/v1\n";

    /** The page as the API returns it; nextCursor is null on the last page. */
    public record Response(List<DirectoryUsers.User> data, String nextCursor) {}

    private final DynamoDbClient dynamo;
    private final String table;
    private final Secrets secrets;
    private final DirectoryUsers users;

    public DirectoryUsersHandler() {
        this(Config.fromEnvironment());
    }

    private DirectoryUsersHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        RoleMappingsPriming.registerDirectoryUsers(config);
    }

    /** {@code clock} is part of the handler convention; listing depends on no time. */
    public DirectoryUsersHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.dynamo = dynamo;
        this.table = config.tableName();
        this.secrets = Secrets.fromSsm(config); // SSM when CURSOR_KEY_PARAMETER is set, else CURSOR_KEY (local, tests)
        this.users = new DirectoryUsers(dynamo, table);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpFunction.run(event, context, request -> {
            if (!ROUTE.equals(request.routeKey())) {
                throw ApiException.noSuchRoute();
            }
            Caller caller = Caller.of(request);
            String organizationId = caller.organizationIn(request);
            caller.requireAdminOf(organizationId);
            int limit = request.pageLimit();
            String role = request.query().get("role");
            if (role != null && !RoleMapping.validRole(role)) {
                throw ApiException.invalidRequest("role must be a role: owner, admin, member, or a custom role of 1 to 32"
                        + " characters (a-z first, then a-z, 0-9, _ and -).");
            }
            SignedCursor cursors = new SignedCursor(CURSOR_CONTEXT,
                    secrets.getAll(Config.CURSOR_KEY_PARAMETER, Config.CURSOR_KEY), DirectoryUsersHandler::invalidCursor);
            String cursor = request.query().get("cursor");
            String defaultRole;
            DirectoryUsers.After after = null;
            if (cursor != null) {
                JsonNode payload = cursors.verify(cursor);
                defaultRole = Json.text(payload, "d");
                String afterUser = Json.text(payload, "a");
                String afterDirectory = Json.text(payload, "dir");
                if (!organizationId.equals(Json.text(payload, "o")) || !Objects.equals(role, Json.text(payload, "r"))
                        || defaultRole == null || afterUser == null || afterDirectory == null) {
                    throw invalidCursor();
                }
                after = new DirectoryUsers.After(afterUser, afterDirectory);
            } else {
                defaultRole = knownOrganization(organizationId).defaultRole();
            }
            DirectoryUsers.Page page = users.page(organizationId, role, defaultRole, limit, after);
            String nextCursor = null;
            if (page.next() != null) {
                ObjectNode payload = Json.object();
                payload.put("o", organizationId);
                payload.put("r", role);
                payload.put("d", defaultRole);
                payload.put("a", page.next().userId());
                payload.put("dir", page.next().directoryId());
                nextCursor = cursors.sign(payload);
            }
            return HttpResponses.ok(new Response(page.users(), nextCursor));
        });
    }

    /** The organization item (404 when unknown or deleted) and its mapping, in one BatchGetItem. */
    private RoleMapping knownOrganization(String organizationId) {
        Map<String, AttributeValue> orgKey = Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK);
        Map<String, AttributeValue> mappingKey = Attr.key(Keys.orgPk(organizationId), Keys.ROLE_MAP_SK);
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                .keys(orgKey, mappingKey).consistentRead(true).build());
        Map<String, AttributeValue> organization = null;
        Map<String, AttributeValue> mapping = null;
        for (int attempt = 0; !request.isEmpty() && attempt < 3; attempt++) {
            Map<String, KeysAndAttributes> ask = request;
            var response = dynamo.batchGetItem(r -> r.requestItems(ask));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                if (Keys.ORG_SK.equals(Attr.str(item, Keys.SK))) {
                    organization = item;
                } else {
                    mapping = item;
                }
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        if (!request.isEmpty()) {
            throw new IllegalStateException("DynamoDB left keys unprocessed three times");
        }
        if (organization == null || Attr.flag(organization, "deleted")) {
            throw ApiException.organizationNotFound();
        }
        return RoleMapping.fromItem(mapping);
    }

    private static ApiException invalidCursor() {
        return ApiException.badRequest("invalid_cursor",
                "This page link is not valid for this organization and filter. Start again from the first page.");
    }
}
