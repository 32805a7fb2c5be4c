package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.org.Entitlements;

import java.time.Instant;
import java.util.Set;

/**
 * {@code {"action": "set-plan", "organizationId", "sso": bool, "directorySync": bool, "actor"?}}: sets
 * what the organization's plan includes (both entitlements, the whole plan) and writes the audit entry
 * {@code settings.plan_updated} with the operator as actor, in one transaction. The organization must be
 * known (onboarded); nothing is written otherwise. Running it twice sets the same plan twice, and
 * the audit log shows both.
 */
final class SetPlan {
    static final Set<String> FIELDS = Set.of("action", "organizationId", "sso", "directorySync", "actor");

    private final Env env;

    SetPlan(Env env) {
        this.env = env;
    }

    ObjectNode run(JsonNode event, Context context) {
        Input in = Input.of(event, FIELDS);
        String organizationId = in.organizationId(true);
        Entitlements plan;
        try {
            plan = Entitlements.parse(event);
        } catch (IllegalArgumentException e) {
            throw OperatorError.invalid(e.getMessage());
        }
        String actor = in.actor();
        Instant now = env.clock().instant();
        AuditEntry entry = AuditEntry.gatekeep(organizationId, Entitlements.AUDIT_TYPE, now, actor,
                plan.summary() + " (operator)", context == null ? null : context.getAwsRequestId());
        if (!plan.write(env.dynamo(), env.table(), organizationId, entry)) {
            throw OperatorError.organizationNotFound(organizationId, "onboard it first (\"action\": \"onboard\", \"organizationId\").");
        }
        ObjectNode report = Json.object();
        report.put("action", "set-plan");
        report.put("organizationId", organizationId);
        ObjectNode planNode = report.putObject("plan");
        planNode.put("sso", plan.sso());
        planNode.put("directorySync", plan.directorySync());
        report.put("actor", actor);
        return report;
    }
}
