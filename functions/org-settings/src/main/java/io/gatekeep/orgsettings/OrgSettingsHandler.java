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
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Dynamo;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code PUT /organizations/{organizationId}/it-contacts}: the setting the portal-link gates read that
 * the organization keeps itself, on the organization item ({@code itContacts}, L of S). The plan is
 * not the tenant's: no tenant route changes it ({@link EntitlementsHandler} is the back office's).
 *
 * <p>Checks, in the same order as the portal-link gates: 401 {@code unauthenticated}, 400
 * {@code organization_required}, 400 {@code invalid_request} naming the field, 403 {@code forbidden}
 * (owners and admins of the session's own organization only), 404 {@code organization_not_found}.
 *
 * <p>One DynamoDB call per request: a TransactWriteItems of (1) an UpdateItem that SETs only this
 * function's attribute, on an existing, non-deleted organization item only (the webhooks write the
 * WorkOS fields of the same item, so the item is never replaced and never created here), and (2) the
 * audit entry's Put, so the change and its audit entry are written together or not at all.
 */
public final class OrgSettingsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    public static final String IT_CONTACTS_ROUTE = "PUT /organizations/{organizationId}/it-contacts";
    public static final String AUDIT_IT_CONTACTS = "settings.it_contacts_updated";

    static final String EXISTING_ORGANIZATION =
            "attribute_exists(pk) AND (attribute_not_exists(deleted) OR deleted = :false)";

    private final DynamoDbClient dynamo;
    private final Clock clock;
    private final String table;

    public OrgSettingsHandler() {
        this(Config.fromEnvironment());
    }

    private OrgSettingsHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        OrgSettingsPriming.register(config);
    }

    public OrgSettingsHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.dynamo = dynamo;
        this.clock = clock;
        this.table = config.tableName();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpFunction.run(event, context, this::handle);
    }

    public record ItContactsBody(String organizationId, List<String> emails) {}

    private APIGatewayV2HTTPResponse handle(HttpRequest request) {
        String route = request.routeKey();
        if (!IT_CONTACTS_ROUTE.equals(route)) {
            throw ApiException.noSuchRoute();
        }
        Caller caller = Caller.of(request);                            // 401
        String organizationId = caller.organizationIn(request);       // 400 organization_required, invalid_request
        JsonNode body = request.jsonBody();                            // 400 invalid_request
        List<String> emails = ItContacts.parse(body);                  // 400 invalid_request naming the field
        caller.requireAdminOf(organizationId);                         // 403
        write(request, caller, organizationId, "itContacts", Attr.strings(emails), AUDIT_IT_CONTACTS,
                "IT contacts set to: " + String.join(", ", emails) + ".");
        return HttpResponses.ok(new ItContactsBody(organizationId, emails));
    }

    /** SET one attribute of an existing organization item, with its audit entry, in one transaction. */
    private void write(HttpRequest request, Caller caller, String organizationId, String attribute,
                       AttributeValue value, String auditType, String summary) {
        Instant now = clock.instant();
        AuditEntry entry = AuditEntry.gatekeep(organizationId, auditType, now, caller.actor(), summary, request.requestId());
        Update update = Update.builder()
                .tableName(table)
                .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                .updateExpression("SET #attribute = :value")
                .conditionExpression(EXISTING_ORGANIZATION)
                .expressionAttributeNames(Map.of("#attribute", attribute))
                .expressionAttributeValues(Map.of(":value", value, ":false", Attr.bool(false)))
                .build();
        Put audit = Put.builder().tableName(table).item(entry.toItem()).build();
        // A transaction racing another write of the organization item (a webhook) is cancelled with
        // TransactionConflict: the write is idempotent, so it is tried once more.
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(
                        TransactWriteItem.builder().update(update).build(),
                        TransactWriteItem.builder().put(audit).build()));
                return;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                    throw ApiException.organizationNotFound();
                }
                boolean conflict = reasons.stream().anyMatch(reason -> "TransactionConflict".equals(reason.code()));
                if (!conflict || attempt >= 2) {
                    throw e;
                }
            }
        }
    }
}
