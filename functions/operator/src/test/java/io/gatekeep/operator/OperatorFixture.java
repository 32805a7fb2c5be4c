package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.localaws.ProjectFiles;
import io.gatekeep.localaws.SettableClock;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.testsupport.ProjectionCheck;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One operator function wired to real parts: DynamoDB Local (a fresh table from template.yaml) and
 * the WorkOS emulator, reached through the real SDK. The handler's clock is the emulator's clock,
 * so "older than 30 s" means the same thing on both sides.
 */
final class OperatorFixture implements AutoCloseable {
    final WorkOsEmulator emulator;
    final DynamoDbClient dynamo;
    final String table;
    final Config config;
    final Clock clock;
    final OperatorHandler handler;

    private OperatorFixture(WorkOsEmulator emulator, DynamoDbClient dynamo, String table, Config config) {
        this.emulator = emulator;
        this.dynamo = dynamo;
        this.table = table;
        this.config = config;
        this.clock = SettableClock.following(emulator.control()::now); // the emulator's "now" (tests advance it)
        this.handler = new OperatorHandler(config, dynamo, clock);
    }

    static OperatorFixture start() {
        return start(Map.of());
    }

    static OperatorFixture start(Map<String, String> extraConfig) {
        WorkOsEmulator emulator = WorkOsEmulator.builder()
                .port(0)
                .seed(11)
                .webhookRetry(3, Duration.ofMillis(10), Duration.ofMillis(50))
                .start();
        LocalDynamo local = LocalDynamo.shared();
        String table = local.createTable();
        Map<String, String> values = new java.util.HashMap<>(Map.of(
                Config.TABLE_NAME, table,
                Config.WORKOS_API_BASE_URL, emulator.baseUrl(),
                Config.WORKOS_API_KEY, emulator.apiKey(),
                Config.WORKOS_CLIENT_ID, emulator.clientId(),
                Config.WORKOS_MAX_RETRIES, "1",
                Budget.MARGIN_SETTING, "0"));
        values.putAll(extraConfig);
        return new OperatorFixture(emulator, local.client(), table, new Config(values));
    }

    JsonNode invoke(String json) {
        return invoke(json, LocalContext.of("OperatorFunction"));
    }

    JsonNode invoke(String json, Context context) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, context);
            return Json.parse(out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event file under events/ with fields replaced, e.g. the organization id. */
    static String eventFile(String name) {
        try {
            return Files.readString(ProjectFiles.events().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The projection's objects against the emulator's state (test-support's {@link ProjectionCheck}). */
    List<String> projectionDifferences(String organizationId) {
        return ProjectionCheck.objectDifferences(dynamo, table, emulator.control().snapshot(), organizationId);
    }

    /** Fails, naming the first differences, unless the projection mirrors the emulator's state. */
    void assertProjectionMirrorsWorkOs(String organizationId) {
        ProjectionCheck.assertNone(projectionDifferences(organizationId));
    }

    /** Every item of the table (tests only: small tables). */
    List<Map<String, AttributeValue>> scan() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table)).items().forEach(items::add);
        return items;
    }

    @Override
    public void close() {
        emulator.close();
        dynamo.close();
    }
}
