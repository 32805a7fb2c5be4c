package io.gatekeep.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.gatekeep.shared.config.Config;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** A test function that takes and returns a JSON object as a Map, as the Lambda runtime hands it. */
public final class PojoHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    public PojoHandler(Config config, DynamoDbClient dynamo, Clock clock) {
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("action", input.get("action"));
        out.put("keys", input.size());
        return out;
    }
}
