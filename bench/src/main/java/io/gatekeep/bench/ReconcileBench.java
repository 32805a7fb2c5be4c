package io.gatekeep.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.operator.OperatorHandler;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.Select;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reconcile of an organization whose directory holds {@code users} users that the projection has
 * never seen (every webhook missed): the operator's own {@code reconcile} action, from its shaded jar,
 * in a child JVM with {@code -Xmx256m} (the function's MemorySize) and the Lambda flags, against the
 * emulator and DynamoDB Local of this process. Reported: wall time of the invocation, peak heap (sum of
 * the heap pools' peaks, from the memory-pool MXBeans: an upper bound of the true peak, which with
 * SerialGC mostly shows the young generation's size), the most heap in use right after any collection
 * (GC notifications: an upper bound of the live data), GC count and time, and the users the table holds
 * afterwards.
 */
public final class ReconcileBench {
    public record Result(int users, double seconds, long heapPeakBytes, long liveAfterGcBytes, long gcCount, long gcMillis,
                         boolean complete, long usersInTable, String report, String error) {}

    private final BenchWorld world;
    private final int users;
    private final PrintStream console;

    public ReconcileBench(BenchWorld world, int users, PrintStream console) {
        this.world = world;
        this.users = users;
        this.console = console;
    }

    public Result run(ChildJvm jvm, Path operatorJar) {
        var control = world.emulator().control();
        var org = control.createOrganization("Reconcileco", DomainSpec.verified("reconcileco.example"));
        var directory = control.createDirectory(org.id(), "okta scim v2.0", "Reconcileco directory", "linked");
        console.printf("  reconcile: %,d users in the emulator's directory %s%n", users, directory.id());
        for (int made = 0; made < users; made += 1000) {
            control.addUsers(directory.id(), Math.min(1000, users - made));
        }
        for (int g = 0; g < 10; g++) {
            control.createGroup(directory.id(), "Group " + g);
        }
        try (DynamoDbClient client = world.client()) {
            // The operator adopts the organization (this is not measured): the table knows it, nothing below it.
            String onboard = invoke(new OperatorHandler(world.config(), client, Clock.systemUTC()),
                    "{\"action\":\"onboard\",\"organizationId\":\"" + org.id() + "\"}");
            if (Json.parse(onboard).has("error")) {
                return new Result(users, Double.NaN, 0, 0, 0, 0, false, 0, onboard, "onboard failed: " + onboard);
            }
            Properties spec = new Properties();
            spec.setProperty("kind", "stream");
            spec.setProperty("function", "OperatorFunction");
            spec.setProperty("memoryMb", "256");
            spec.setProperty("timeoutMs", "900000");
            spec.setProperty("repeat", "0");
            spec.setProperty("trackGc", "true");
            spec.setProperty("body", "{\"action\":\"reconcile\",\"organizationId\":\"" + org.id() + "\"}");
            Map<String, String> properties = new java.util.LinkedHashMap<>(world.settings());
            properties.put("aws.region", BenchWorld.REGION);
            properties.put("aws.accessKeyId", "bench");
            properties.put("aws.secretAccessKey", "bench");
            console.println("  reconcile: running the operator's reconcile in a child JVM with -Xmx256m");
            ChildJvm.Result r;
            try {
                r = jvm.run(List.of(operatorJar), OperatorHandler.class.getName(), spec, List.of("-Xmx256m"), properties, 900);
            } catch (ChildJvm.Failure e) {
                return new Result(users, Double.NaN, 0, 0, 0, 0, false, 0, null, e.getMessage());
            }
            String report = r.streamOutput();
            JsonNode json = Json.parse(report);
            long inTable = countUsers(client, directory.id());
            String error = json.has("error") ? report : null;
            return new Result(users, r.firstMillis() / 1000.0, r.heapPeakBytes(), r.liveAfterGcBytes(), r.gcCount(), r.gcMillis(),
                    json.path("complete").asBoolean(false), inTable, report, error);
        }
    }

    private static String invoke(OperatorHandler handler, String event) {
        var out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, LocalContext.of("operator"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private long countUsers(DynamoDbClient client, String directoryId) {
        long count = 0;
        Map<String, AttributeValue> start = null;
        do {
            var page = client.query(QueryRequest.builder().tableName(world.table())
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :user)")
                    .filterExpression("attribute_not_exists(deleted) OR deleted = :false")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.directoryPk(directoryId)), ":user", Attr.s(Keys.USER_PREFIX),
                            ":false", Attr.bool(false)))
                    .select(Select.COUNT).consistentRead(true).exclusiveStartKey(start).build());
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }
}
