package io.gatekeep.bench;

import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.localaws.SamTemplate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DynamoDB Local for the benchmarks: in this JVM (the request-budget test), or in a JVM of its own
 * ({@code bin/bench}), so that its garbage collections and threads are not counted as the handlers'
 * own time: in AWS the handler's JVM is alone, and DynamoDB is elsewhere.
 */
public final class DynamoService implements AutoCloseable {
    public static final String READY = "GATEKEEP-DYNAMODB-LOCAL ";
    private static final AtomicInteger TABLES = new AtomicInteger();

    private final URI endpoint;
    private final Process process;

    private DynamoService(URI endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    /** The JVM's shared in-process instance (local-aws's). */
    public static DynamoService inProcess() {
        return new DynamoService(LocalDynamo.shared().endpoint(), null);
    }

    /** A child JVM running DynamoDB Local on a free loopback port; it stops when this process does. */
    public static DynamoService childProcess() {
        try {
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                    "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()).redirectErrorStream(true);
            Process process = builder.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(READY)) {
                    URI endpoint = URI.create(line.substring(READY.length()).trim());
                    Thread drain = new Thread(() -> {
                        try {
                            while (out.readLine() != null) {
                                // DynamoDB Local's own output: not ours to show
                            }
                        } catch (IOException ignored) {
                            // the child stopped
                        }
                    }, "dynamodb-local-output");
                    drain.setDaemon(true);
                    drain.start();
                    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
                    return new DynamoService(endpoint, process);
                }
            }
            throw new IllegalStateException("DynamoDB Local did not start (exit " + process.waitFor() + ")");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start DynamoDB Local in a child JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient client(ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(LocalDynamo.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors)))
                .build();
    }

    /** A new, empty table made from template.yaml's definition. */
    public String createTable() {
        return createTable(true);
    }

    /**
     * The same table without its stream, for a benchmark of writers only. DynamoDB Local records every write
     * to a table with a stream, and each time looks up the stream's description with
     * {@code SELECT MIN(SequenceNumber) FROM us WHERE StreamID = ?} over one SQLite table of the stream records
     * of every table it holds, with no index on StreamID (DynamoDB Local 3.3.1): a write then costs time in
     * proportion to the stream records already held (the run's earlier writes, on any table), so a later burst
     * runs slower than an earlier one for no reason of its own. A stream costs a writer nothing in AWS.
     */
    public String createTableWithoutStream() {
        return createTable(false);
    }

    private String createTable(boolean stream) {
        String name = "gatekeep-bench-" + TABLES.incrementAndGet() + "-" + ProcessHandle.current().pid();
        SamTemplate template = SamTemplate.load();
        try (DynamoDbClient client = client()) {
            var request = template.createTableRequest(name);
            client.createTable(stream ? request : request.toBuilder().streamSpecification((StreamSpecification) null).build());
            String ttl = template.ttlAttribute();
            if (ttl != null) {
                client.updateTimeToLive(r -> r.tableName(name)
                        .timeToLiveSpecification(TimeToLiveSpecification.builder().attributeName(ttl).enabled(true).build()));
            }
        }
        return name;
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
        }
    }

    /** The child JVM: DynamoDB Local in memory on a free loopback port, until its standard input closes. */
    public static final class Main {
        private Main() {}

        public static void main(String[] args) throws IOException {
            LocalDynamo local = LocalDynamo.start(null, 0);
            System.out.println(READY + local.endpoint());
            System.out.flush();
            while (System.in.read() >= 0) {
                // the parent holds our standard input open while it runs
            }
            local.close();
            System.exit(0);
        }
    }
}
