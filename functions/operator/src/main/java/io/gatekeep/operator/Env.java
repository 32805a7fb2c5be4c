package io.gatekeep.operator;

import com.workos.WorkOS;
import io.gatekeep.shared.config.Config;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.function.Supplier;

/** What every operator action works with: the table, the clock, WorkOS (built on first use) and the audit log. */
record Env(Config config, DynamoDbClient dynamo, String table, Clock clock, Supplier<WorkOS> workos, OperatorAudit audit) {

    static Env of(Config config, DynamoDbClient dynamo, Clock clock, Supplier<WorkOS> workos) {
        String table = config.tableName();
        return new Env(config, dynamo, table, clock, workos, new OperatorAudit(dynamo, table, clock));
    }
}
