package io.gatekeep.local;

import io.gatekeep.local.LocalSystem.DevToken;
import io.gatekeep.local.LocalSystem.Reconciled;

import java.io.PrintStream;

/**
 * What {@code bin/run-local} prints once everything runs: where each part is, the routes and the
 * functions without one, what is not available and why, warnings, the demo world and how it was
 * loaded, a dev token per organization and role, and a first call whose variables the README's
 * walk-through goes on from.
 */
final class LocalBanner {
    private LocalBanner() {}

    static void print(LocalSystem s, PrintStream out) {
        out.println();
        out.println("Gatekeep runs locally. Ctrl-C stops everything.");
        out.println();
        out.printf("  HTTP API         %s   (template.yaml's routes; bearer tokens checked like API Gateway's JWT authorizer)%n", s.apiUrl());
        out.printf("  Dashboard page   %s/   (web/: Identity integrations, with a demo sign-in per organization and role;%n", s.apiUrl());
        out.printf("                   %s/?org=Globex&role=member opens it on an organization and role)%n", s.apiUrl());
        out.printf("  WorkOS emulator  %s   (open it in a browser; API key %s, client id %s)%n", s.emulator().baseUrl(),
                s.emulator().apiKey(), s.emulator().clientId());
        out.printf("  JWT issuer       %s   JWKS %s   audience %s%n", s.emulator().issuer(), s.emulator().jwksUrl(), s.emulator().clientId());
        out.printf("  DynamoDB Local   %s   table %s (region %s, any credentials)%n", s.dynamo().endpoint(), s.tableName(), LocalSystem.REGION);
        out.printf("  Webhooks         emulator -> %s (signed with the local secret: webhookSecret in %s)%n", s.webhookUrl(),
                s.settings().dataDir().resolve(RunnerState.FILE));
        out.printf("  Data             %s (kept between runs; --clean or GATEKEEP_CLEAN=1 starts over)%n", s.settings().dataDir());
        out.printf("  Logs             DynamoDB Local's in %s; the functions' here%n", s.logs().dynamoLog());
        out.printf("  Back office      AWS_IAM routes take SigV4 (service %s, region %s) with access key %s;%n"
                        + "                   its secret is backOfficeSecretAccessKey in %s%n", IamAuthorizer.SERVICE, LocalSystem.REGION,
                s.backOfficeCredentials().accessKeyId(), s.settings().dataDir().resolve(RunnerState.FILE));
        out.println();
        out.println("Routes:");
        for (var entry : s.routes().entries()) {
            var f = s.functions().get(entry.function().logicalId()).orElseThrow();
            out.printf("  %-7s %-52s %s%s%n", entry.route().method(), entry.route().path(), f.name(),
                    switch (entry.route().auth()) {
                        case JWT -> "";
                        case AWS_IAM -> " (AWS_IAM: SigV4 with the back-office key)";
                        case NONE -> " (no JWT)";
                    } + (f.available() ? "" : "  [501: not available]"));
        }
        for (var f : s.functions().all()) {
            if (f.function().routes().isEmpty()) {
                out.printf("  %-7s %-52s %s%s%n", "POST", LocalApiGateway.INVOKE_PREFIX + f.name(), f.name(),
                        " (JSON event, like a console invoke)" + (f.available() ? "" : "  [501: not available]"));
            }
        }
        var unavailable = s.functions().all().stream().filter(f -> !f.available()).toList();
        if (!unavailable.isEmpty()) {
            out.println();
            out.println("Not available (their routes answer 501 not_implemented):");
            unavailable.forEach(f -> out.printf("  %s: %s%n", f.name(), f.unavailableReason()));
        }
        if (!s.warnings().isEmpty() || !s.templateProblems().isEmpty()) {
            out.println();
            out.println("Warnings:");
            s.warnings().forEach(w -> out.println("  " + w));
            s.templateProblems().forEach(p -> out.println("  template.yaml: " + p));
        }
        out.println();
        out.printf("Demo world (%d WorkOS events, %s):%n", s.demoLoad().events(), s.demoLoad().note());
        out.printf("  Acme     %s  verified acme.com, active Okta SAML connection, linked SCIM directory (200 users)%n",
                s.demo().acmeOrganizationId());
        out.printf("  Globex   %s  pending globex.com, draft Entra ID connection (plan: SSO, no Directory Sync)%n",
                s.demo().globexOrganizationId());
        out.printf("  Initech  %s  nothing set up yet (no plan: the vendor's back office or an operator's set-plan sets it)%n",
                s.demo().initechOrganizationId());
        for (Reconciled r : s.reconciled()) {
            out.printf("  reconciled %-8s %s%s%n", r.organizationName(), r.ok() ? "" : "FAILED: ", r.summary());
        }
        out.println();
        out.printf("Dev tokens (valid %d h; sub user_<org>_<role>, email <role>@<org>.com):%n", s.settings().tokenHours());
        for (DevToken t : s.tokens()) {
            out.printf("  %-8s %-7s %s%n", t.organizationName(), t.role(), t.token());
        }
        out.println();
        out.println("First call (paste into a shell; the README's walk-through goes on from these variables):");
        out.printf("  API=%s EMU=%s ORG=%s%n", s.apiUrl(), s.emulator().baseUrl(), s.demo().acmeOrganizationId());
        out.printf("  TOKEN=%s%n", s.token("Acme", "admin").token());
        out.println("  curl -s -H \"Authorization: Bearer $TOKEN\" $API/organizations/$ORG/identity-health");
        out.println();
        out.flush();
        }
}
