package io.gatekeep.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** A test function without the (Config, DynamoDbClient, Clock) constructor the runner needs. */
public final class NoConstructorHandler implements RequestHandler<Object, Object> {
    public NoConstructorHandler() {
    }

    @Override
    public Object handleRequest(Object input, Context context) {
        return input;
    }
}
