package io.gatekeep.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.gatekeep.shared.config.Config;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** A test operator-style function: JSON in, JSON out, as a stream handler. */
public final class EchoStreamHandler implements RequestStreamHandler {
    public EchoStreamHandler(Config config, DynamoDbClient dynamo, Clock clock) {
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String in = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        if (in.contains("\"fail\"")) {
            throw new IOException("asked to fail");
        }
        output.write(("{\"function\":\"" + context.getFunctionName() + "\",\"received\":" + in + "}").getBytes(StandardCharsets.UTF_8));
    }
}
