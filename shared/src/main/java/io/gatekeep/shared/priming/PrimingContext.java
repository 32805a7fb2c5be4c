package io.gatekeep.shared.priming;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import java.nio.charset.StandardCharsets;

/**
 * The Lambda context of a primed request: the handlers' Powertools frame (the log line's Lambda
 * fields) runs as it does for a real invocation. The request id says "priming" in every log line.
 */
record PrimingContext(String functionName) implements Context {
    static final String REQUEST_ID = "gatekeep-priming";

    @Override public String getAwsRequestId() { return REQUEST_ID; }
    @Override public String getLogGroupName() { return "/aws/lambda/" + functionName; }
    @Override public String getLogStreamName() { return "priming"; }
    @Override public String getFunctionName() { return functionName; }
    @Override public String getFunctionVersion() { return "priming"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    /** Lambda's longest timeout: work that stops before its deadline (role walks) runs whole. */
    @Override public int getRemainingTimeInMillis() { return 900_000; }
    @Override public int getMemoryLimitInMB() { return 1024; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.println(message); }
            @Override public void log(byte[] message) { System.out.println(new String(message, StandardCharsets.UTF_8)); }
        };
    }
}
