package io.gatekeep.testsupport;

import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks a function's SnapStart priming the way Lambda would run it: the handler is built through
 * its public no-arg constructor with its configuration as system properties (as Lambda builds it
 * from the environment), then {@link Priming#checkpointAndRestore()} runs the CRaC hooks. Every
 * endpoint the function could reach is either DynamoDB Local (the real table, scanned before and
 * after) or a {@link Trap} that counts connections: priming must succeed with zero connections to
 * any of them and leave the table exactly as it was.
 */
public final class PrimingCheck {
    private PrimingCheck() {}

    /** A loopback port that accepts and counts connections, and answers none of them. */
    public static final class Trap implements AutoCloseable {
        private final ServerSocket socket;
        private final AtomicInteger connections = new AtomicInteger();

        public Trap() {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread accept = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket ignored = socket.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "priming-trap");
            accept.setDaemon(true);
            accept.start();
        }

        public String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        public int connections() {
            return connections.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * Settings for a handler built as Lambda builds it: the table and DynamoDB endpoint given,
     * WorkOS and SSM on the trap, secrets behind SSM parameter names (so any read would hit the trap).
     */
    public static Map<String, String> lambdaSettings(String table, String dynamoEndpoint, Trap trap) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(Config.TABLE_NAME, table);
        settings.put(Config.AWS_ENDPOINT_URL_DYNAMODB, dynamoEndpoint);
        settings.put(Config.AWS_ENDPOINT_URL_SSM, trap.url());
        settings.put(Config.WORKOS_API_BASE_URL, trap.url());
        settings.put(Config.WORKOS_CLIENT_ID, "client_priming_test");
        settings.put(Config.WORKOS_API_KEY_PARAMETER, "/gatekeep/test/workos-api-key");
        settings.put(Config.WORKOS_WEBHOOK_SECRET_PARAMETER, "/gatekeep/test/webhook-secret");
        settings.put(Config.CURSOR_KEY_PARAMETER, "/gatekeep/test/cursor-key");
        settings.put("WORKOS_MAX_RETRIES", "0");
        settings.put("aws.region", LocalDynamo.REGION);
        settings.put("aws.accessKeyId", "local");
        settings.put("aws.secretAccessKey", "local");
        return settings;
    }

    /**
     * Builds a handler with {@code settings} as system properties. The function's configuration
     * (upper-case names) is restored afterwards; the SDK's region and credentials ({@code aws.*})
     * stay, as Lambda's environment stays for the instance's life: the handler's client resolves
     * its credentials on its first request.
     */
    public static <H> H constructAsLambda(Supplier<H> constructor, Map<String, String> settings) {
        Map<String, String> previous = new HashMap<>();
        settings.forEach((name, value) -> {
            String old = System.setProperty(name, value);
            if (!name.startsWith("aws.")) {
                previous.put(name, old);
            }
        });
        try {
            return constructor.get();
        } finally {
            previous.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    /**
     * Builds the handler as Lambda does against {@code table} on DynamoDB Local, runs the
     * checkpoint and restore hooks, and asserts: primed, the table unchanged, no connection to
     * the trap (WorkOS, SSM). Returns the handler, ready for a real request.
     */
    public static <H> H primeAgainstTable(Supplier<H> constructor, LocalDynamo dynamo, String table, String function) {
        return primeAgainstTable(constructor, dynamo, table, function, Map.of());
    }

    /**
     * As above, with some settings replaced (e.g. WorkOS on a recording proxy of the emulator, so
     * the primed handler can then serve a real request: the test checks the proxy saw no call).
     */
    public static <H> H primeAgainstTable(Supplier<H> constructor, LocalDynamo dynamo, String table, String function,
                                          Map<String, String> overrides) {
        try (Trap trap = new Trap(); DynamoDbClient reader = dynamo.client()) {
            Priming.forgetRegistered();
            Map<String, String> settings = lambdaSettings(table, dynamo.endpoint().toString(), trap);
            settings.putAll(overrides);
            H handler = constructAsLambda(constructor, settings);
            List<Map<String, AttributeValue>> before = scan(reader, table);
            List<Priming.Outcome> outcomes = Priming.checkpointAndRestore();
            assertPrimed(outcomes, function);
            assertEquals(before, scan(reader, table), "priming must write nothing to the table");
            assertEquals(0, trap.connections(), "priming must not reach WorkOS or SSM");
            return handler;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds the handler with every endpoint (DynamoDB, WorkOS, SSM) on a trap and runs the hooks:
     * priming must succeed without a single connection, at checkpoint or at restore.
     */
    public static void primeWithEveryEndpointTrapped(Supplier<?> constructor, String function) {
        primeWithEveryEndpointTrapped(constructor, function, trapUrl -> Map.of());
    }

    /** As above, with more settings, given the trap's URL (a function's other endpoints, e.g. EventBridge and SES). */
    public static void primeWithEveryEndpointTrapped(Supplier<?> constructor, String function,
                                                     java.util.function.Function<String, Map<String, String>> more) {
        try (Trap trap = new Trap()) {
            Priming.forgetRegistered();
            Map<String, String> settings = lambdaSettings("gatekeep-no-such-table", trap.url(), trap);
            settings.putAll(more.apply(trap.url()));
            constructAsLambda(constructor, settings);
            List<Priming.Outcome> outcomes = Priming.checkpointAndRestore();
            assertPrimed(outcomes, function);
            assertEquals(0, trap.connections(), "priming and restore must open no connection to any endpoint");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertPrimed(List<Priming.Outcome> outcomes, String function) {
        assertEquals(1, outcomes.size(), "one priming registered by the constructor: " + outcomes);
        Priming.Outcome outcome = outcomes.get(0);
        assertEquals(function, outcome.function());
        assertTrue(outcome.primed(), "priming failed: " + outcome.failure());
    }

    /** Every item of the table, in key order. */
    public static List<Map<String, AttributeValue>> scan(DynamoDbClient client, String table) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        client.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().forEach(items::add);
        items.sort(Comparator.comparing((Map<String, AttributeValue> i) -> i.get("pk").s())
                .thenComparing(i -> i.get("sk").s()));
        return items;
    }
}
