package io.gatekeep.shared.table;

import io.gatekeep.shared.config.Config;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import java.net.URI;

/**
 * The DynamoDB client, built once per function instance. The URL-connection HTTP client is set
 * explicitly: it starts fastest, and on a test classpath another client would otherwise be
 * picked silently. {@code AWS_ENDPOINT_URL_DYNAMODB} (the SDK's standard override, read here
 * from configuration so that system properties work too) points it at DynamoDB Local or
 * LocalStack without code changes.
 */
public final class Dynamo {
    private Dynamo() {}

    public static DynamoDbClient client(Config config) {
        return builder(config).build();
    }

    /** The same client's builder: priming builds its twin on a stand-in endpoint from it. */
    public static DynamoDbClientBuilder builder(Config config) {
        var builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
        config.get(Config.AWS_ENDPOINT_URL_DYNAMODB).ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder;
    }
}
