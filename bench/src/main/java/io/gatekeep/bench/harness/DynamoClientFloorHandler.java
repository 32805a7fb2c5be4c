package io.gatekeep.bench.harness;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.util.Map;

/**
 * The floor of any function that reads DynamoDB without SnapStart: a handler that only builds the
 * DynamoDB client the way {@code Dynamo.client} does (URL-connection HTTP client, endpoint from
 * {@code AWS_ENDPOINT_URL_DYNAMODB}) and makes one GetItem. Run from a function's shaded jar, it shows
 * how much of that function's cold start is the AWS SDK rather than the function's own code. With
 * {@link #EXPLICIT} set it names the region and the credentials provider, which spares the SDK its
 * provider chains: the difference is what that change to {@code Dynamo.client} would save.
 */
public final class DynamoClientFloorHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final DynamoDbClient client;
    private final String table;

    /** Set (to anything) for the variant that names the region and credentials provider instead of searching for them. */
    public static final String EXPLICIT = "gatekeep.bench.explicitClient";

    public DynamoClientFloorHandler() {
        var builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (System.getProperty(EXPLICIT) != null) {
            // What AWS's Lambda guidance suggests: no region provider chain, no default credentials chain
            // (in Lambda: Region.of(AWS_REGION) and EnvironmentVariableCredentialsProvider).
            builder.region(software.amazon.awssdk.regions.Region.of(System.getProperty("aws.region")))
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider.create());
        }
        String endpoint = System.getProperty("AWS_ENDPOINT_URL_DYNAMODB");
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        this.client = builder.build();
        this.table = System.getProperty("TABLE_NAME");
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        client.getItem(r -> r.tableName(table).key(Map.of(
                "pk", AttributeValue.builder().s("BENCH#floor").build(),
                "sk", AttributeValue.builder().s("BENCH").build())));
        return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("{}").build();
    }
}
