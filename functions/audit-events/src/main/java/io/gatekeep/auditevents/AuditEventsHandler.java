package io.gatekeep.auditevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatekeep.shared.auth.Caller;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.config.Secrets;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpFunction;
import io.gatekeep.shared.http.HttpRequest;
import io.gatekeep.shared.http.HttpResponses;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Dynamo;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GET /organizations/{organizationId}/audit-events?limit=&cursor=&type=: the organization's audit
 * log (WorkOS events and the product's own actions), newest first, one Query per page.
 *
 * <p>Requests per page: the first page (no cursor) reads the organization item once (GetItem) so
 * that an unknown or deleted organization is 404 {@code organization_not_found}, and then runs the
 * one Query. Audit entries alone cannot prove that the organization exists: webhooks store events
 * (and unknown event names) for organizations the backend does not know yet, and a deleted
 * organization keeps its entries. Every later page is exactly one Query: its cursor is signed by
 * this function, only after that check, and binds the organization, so it is the proof.
 */
public final class AuditEventsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Pattern TYPE = Pattern.compile("[a-z0-9_.]{1,64}");

    /** The page as the API returns it; nextCursor is null on the last page. */
    public record Response(List<AuditLog.Event> data, String nextCursor) {}

    private final DynamoDbClient dynamo;
    private final String table;
    private final Secrets secrets;
    private final AuditLog auditLog;

    public AuditEventsHandler() {
        this(Config.fromEnvironment());
    }

    private AuditEventsHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        AuditEventsPriming.register(config);
    }

    /** {@code clock}: entries keyed more than a few minutes ahead of it are not shown (see {@link AuditLog}). */
    public AuditEventsHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.dynamo = dynamo;
        this.table = config.tableName();
        this.secrets = Secrets.fromSsm(config); // SSM when CURSOR_KEY_PARAMETER is set, else CURSOR_KEY (local, tests)
        this.auditLog = new AuditLog(dynamo, table, clock);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpFunction.run(event, context, request -> {
            Caller caller = Caller.of(request);
            String organizationId = caller.organizationIn(request);
            caller.requireReaderOf(organizationId);
            int limit = request.pageLimit();
            String typeFilter = typeFilter(request);
            AuditCursor cursors = new AuditCursor(secrets.getAll(Config.CURSOR_KEY_PARAMETER, Config.CURSOR_KEY));

            String cursor = request.query().get("cursor");
            String after;
            if (cursor != null) {
                after = cursors.verify(cursor, organizationId, typeFilter);
            } else {
                requireKnownOrganization(organizationId);
                after = null;
            }
            AuditLog.Page page = auditLog.page(organizationId, typeFilter, limit, after);
            String nextCursor = page.nextAfter() == null ? null : cursors.sign(organizationId, typeFilter, page.nextAfter());
            return HttpResponses.ok(new Response(page.events(), nextCursor));
        });
    }

    private void requireKnownOrganization(String organizationId) {
        var item = dynamo.getItem(r -> r.tableName(table)
                .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                .projectionExpression("#pk, #deleted")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#deleted", "deleted"))).item();
        if (item == null || item.isEmpty() || Attr.flag(item, "deleted")) {
            throw ApiException.organizationNotFound();
        }
    }

    /** An event-name prefix such as {@code dsync.} or {@code dsync.user}: 1 to 64 of a-z, 0-9, _ and dot. */
    static String typeFilter(HttpRequest request) {
        String raw = request.query().get("type");
        if (raw == null) {
            return null;
        }
        if (!TYPE.matcher(raw).matches()) {
            throw ApiException.invalidRequest("type must be an event name prefix of 1 to 64 characters: a-z, 0-9, _ and '.'.");
        }
        return raw;
    }
}
