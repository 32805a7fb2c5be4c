package io.gatekeep.localaws;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DynamoDB Local (Maven Central), run in-process and served over HTTP on loopback only, so that
 * the code under test talks to it through the real AWS SDK pipeline (marshalling, retries,
 * interceptors) exactly as it talks to DynamoDB. One server per JVM: it takes seconds to start.
 */
public final class LocalDynamo implements AutoCloseable {
    public static final String REGION = "us-east-1";
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static LocalDynamo shared;

    private final Server server;
    private final URI endpoint;
    private final LocalDynamoDBRequestHandler requestHandler;

    private LocalDynamo(Server server, URI endpoint, LocalDynamoDBRequestHandler requestHandler) {
        this.server = server;
        this.endpoint = endpoint;
        this.requestHandler = requestHandler;
    }

    /** The JVM's in-memory instance, started on first use on a free loopback port. */
    public static synchronized LocalDynamo shared() {
        if (shared == null) {
            shared = start(null, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /**
     * Starts a server on 127.0.0.1. {@code dbDir} null keeps data in memory; otherwise it persists
     * there (the local runner keeps data between runs). Port 0 picks a free port.
     */
    public static LocalDynamo start(Path dbDir, int port) {
        try {
            var requestHandler = new LocalDynamoDBRequestHandler(0, dbDir == null, dbDir == null ? null : dbDir.toString(),
                    true, false);
            var serverHandler = new LocalDynamoDBServerHandler(requestHandler, null);
            // DynamoDB Local's own server binds every interface; ours serves its handler on loopback only.
            var proxy = new DynamoDBProxyServer(0, serverHandler);
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            server.addConnector(connector);
            server.setHandler(proxy.setUpHandler(serverHandler));
            server.start();
            return new LocalDynamo(server, URI.create("http://127.0.0.1:" + connector.getLocalPort()), requestHandler);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start DynamoDB Local", e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient client(ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors)))
                .build();
    }

    /** A new, empty table made from template.yaml's definition; each test class gets its own. */
    public String createTable() {
        return createTable("gatekeep-test-" + TABLES.incrementAndGet() + "-" + ProcessHandle.current().pid());
    }

    public String createTable(String name) {
        SamTemplate template = SamTemplate.load();
        try (DynamoDbClient client = client()) {
            try {
                client.createTable(template.createTableRequest(name));
            } catch (ResourceInUseException alreadyThere) {
                return name;
            }
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
        try {
            server.stop();
        } catch (Exception ignored) {
            // stopping at JVM exit: nothing left to do
        }
        try {
            // Releases the database files, so that the same dbDir can be opened again in this JVM.
            requestHandler.shutdown();
        } catch (RuntimeException ignored) {
            // already released
        }
    }
}
