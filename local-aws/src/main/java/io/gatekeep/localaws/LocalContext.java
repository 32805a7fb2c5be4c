package io.gatekeep.localaws;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A Lambda {@link Context} for tests and the local runner, with a real deadline. */
public final class LocalContext implements Context {
    private final String functionName;
    private final String requestId;
    private final long deadlineMillis;
    private final int memoryMb;

    public LocalContext(String functionName, long timeoutMillis, int memoryMb) {
        this.functionName = functionName;
        this.requestId = UUID.randomUUID().toString();
        this.deadlineMillis = System.currentTimeMillis() + timeoutMillis;
        this.memoryMb = memoryMb;
    }

    public static LocalContext of(String functionName) {
        return new LocalContext(functionName, 15_000, 1024);
    }

    @Override public String getAwsRequestId() { return requestId; }
    @Override public String getLogGroupName() { return "/aws/lambda/" + functionName; }
    @Override public String getLogStreamName() { return "local"; }
    @Override public String getFunctionName() { return functionName; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return (int) Math.max(0, deadlineMillis - System.currentTimeMillis()); }
    @Override public int getMemoryLimitInMB() { return memoryMb; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.println(message); }
            @Override public void log(byte[] message) { System.out.println(new String(message, StandardCharsets.UTF_8)); }
        };
    }
}
