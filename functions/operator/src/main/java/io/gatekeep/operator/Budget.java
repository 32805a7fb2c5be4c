package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;

/**
 * The time an invocation may still use: a long action stops cleanly, with a position to resume
 * from, once the Lambda's remaining time falls under the margin (setting
 * {@code OPERATOR_STOP_MARGIN_MS}, default 30 s: one WorkOS page with retries and its writes fit
 * in it comfortably). Without a context (a plain call), there is no deadline.
 */
final class Budget {
    static final String MARGIN_SETTING = "OPERATOR_STOP_MARGIN_MS";
    static final int DEFAULT_MARGIN_MS = 30_000;

    private final Context context;
    private final long marginMs;

    Budget(Context context, long marginMs) {
        this.context = context;
        this.marginMs = marginMs;
    }

    boolean exhausted() {
        return context != null && context.getRemainingTimeInMillis() < marginMs;
    }
}
