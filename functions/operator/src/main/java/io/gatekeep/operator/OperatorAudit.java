package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import io.gatekeep.shared.audit.AuditEntry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Instant;

/**
 * The audit line every operator action leaves in the organization's audit log (source
 * {@code gatekeep}, type {@code operator.<action>}, actor the invoking principal or "operator").
 * The summary holds counts and ids only: never a link, token or event body.
 */
final class OperatorAudit {
    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    OperatorAudit(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    AuditEntry write(String organizationId, String action, String actor, String summary, Context context) {
        Instant now = clock.instant();
        AuditEntry entry = AuditEntry.gatekeep(organizationId, "operator." + action, now, actor, summary,
                context == null ? null : context.getAwsRequestId());
        dynamo.putItem(r -> r.tableName(table).item(entry.toItem()));
        return entry;
    }
}
