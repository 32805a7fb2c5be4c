package io.gatekeep.orgsettings;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;

/**
 * SnapStart priming of the back office's entitlements route: an IAM principal (as API Gateway's
 * {@code AWS_IAM} authorization reports it) sets the stand-in organization's plan (the body's
 * checks, the organization's update and its audit entry in one TransactWriteItems, sent to the
 * stand-in, the answer's JSON and the log line).
 */
final class EntitlementsPriming {
    /** The principal of the primed request: a role of the vendor's account, as API Gateway names it. */
    static final String PRINCIPAL = "arn:aws:sts::000000000000:assumed-role/gatekeep-priming/back-office";

    private EntitlementsPriming() {}

    static Priming register(Config config) {
        return Priming.register("entitlements", config, session -> {
            var handler = new EntitlementsHandler(session.config(), session.dynamo(), session.clock());
            APIGatewayV2HTTPEvent event = session.request(EntitlementsHandler.ROUTE, "{\"sso\": true, \"directorySync\": true}");
            event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM.builder()
                            .withAccountId("000000000000")
                            .withUserArn(PRINCIPAL)
                            .withUserId("AROAGATEKEEPPRIMING:back-office")
                            .build())
                    .build());
            session.expect(200, handler.handleRequest(event, session.context()));
        });
    }
}
