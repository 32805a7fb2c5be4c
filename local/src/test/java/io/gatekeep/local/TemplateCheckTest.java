package io.gatekeep.local;

import io.gatekeep.localaws.ProjectFiles;
import io.gatekeep.localaws.SamTemplate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The template check (the project's own rules; cfn-lint checks the rest, see CfnLintTest) on the real
 * template and project, and on broken copies: every rule must report its problem when the template
 * breaks it, so the check provably fails on a wrong template.
 */
class TemplateCheckTest {
    @TempDir
    static Path work;
    static String template;
    static Path fakeRoot;

    /**
     * A project root with the real parent pom and a minimal handler source for every function in
     * the template, so that the mutations are judged against a project where everything else is right.
     */
    @BeforeAll
    static void fakeProject() throws IOException {
        template = Files.readString(ProjectFiles.template());
        fakeRoot = work.resolve("project");
        Files.createDirectories(fakeRoot);
        Files.copy(ProjectFiles.root().resolve("pom.xml"), fakeRoot.resolve("pom.xml"));
        Files.copy(ProjectFiles.root().resolve(TemplateCheck.CONTRACT), fakeRoot.resolve(TemplateCheck.CONTRACT));
        for (var function : SamTemplate.load().functions()) {
            String cls = function.handlerClass();
            Path source = fakeRoot.resolve(function.codeUri()).resolve("src/main/java").resolve(cls.replace('.', '/') + ".java");
            Files.createDirectories(source.getParent());
            Files.writeString(source, """
                    package %s;

                    public final class %s {
                        public String %s(String input, Object context) {
                            return input;
                        }
                    }
                    """.formatted(cls.substring(0, cls.lastIndexOf('.')), cls.substring(cls.lastIndexOf('.') + 1),
                    function.handlerMethod()));
        }
    }

    @Test
    void theRealTemplateHasNoProblemsInTheRealProject() {
        assertEquals(List.of(), TemplateCheck.problems(ProjectFiles.template(), ProjectFiles.root()));
    }

    @Test
    void theRealTemplateHasNoProblemsWhenEveryHandlerExists() {
        assertEquals(List.of(), TemplateCheck.problems(ProjectFiles.template(), fakeRoot));
    }

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                broken("a handler class that does not exist",
                        "io.gatekeep.identityhealth.IdentityHealthHandler::", "io.gatekeep.identityhealth.IdentityHealthHandlr::",
                        "handler class io.gatekeep.identityhealth.IdentityHealthHandlr does not exist"),
                broken("a handler method that does not exist",
                        "io.gatekeep.identityhealth.IdentityHealthHandler::handleRequest", "io.gatekeep.identityhealth.IdentityHealthHandler::handle",
                        "handler method handle is not declared"),
                broken("a malformed handler", "io.gatekeep.identityhealth.IdentityHealthHandler::handleRequest", "IdentityHealthHandler",
                        "needs a Handler like"),
                broken("a CodeUri module that the parent pom does not build",
                        "CodeUri: functions/identity-health", "CodeUri: functions/health",
                        "CodeUri module functions/health is not listed in the parent pom's modules"),
                broken("two routes on one method and path",
                        "Path: /organizations/{organizationId}/role-mappings", "Path: /organizations/{orgId}/it-contacts",
                        "clashes with route OrgSettingsFunction.PutItContacts"),
                broken("a documented route that no function serves",
                        "      Events:\n        ListProviders:\n          Type: HttpApi\n          Properties:\n            ApiId: !Ref HttpApi\n            Method: GET\n            Path: /providers\n",
                        "", "route GET /providers is documented in openapi.yaml but no function serves it"),
                broken("a route the contract does not document",
                        "            Method: GET\n            Path: /providers\n", "            Method: GET\n            Path: /provider-catalog\n",
                        "route GET /provider-catalog is not documented in openapi.yaml"),
                broken("a documented route under another path parameter name",
                        "Path: /organizations/{organizationId}/identity-health", "Path: /organizations/{orgId}/identity-health",
                        "route GET /organizations/{orgId}/identity-health is not documented in openapi.yaml"),
                broken("the back office's route behind the tenant's JWT",
                        "Path: /internal/organizations/{organizationId}/entitlements\n            Auth:\n              Authorizer: AWS_IAM\n",
                        "Path: /internal/organizations/{organizationId}/entitlements\n",
                        "is an internal route: it must set Auth.Authorizer AWS_IAM"),
                broken("an internal route with IAM authorization not enabled on the API",
                        "        EnableIamAuthorizer: true\n", "",
                        "does not set Auth.EnableIamAuthorizer: true"),
                broken("a tenant route behind AWS_IAM",
                        "Path: /organizations/{organizationId}/it-contacts\n",
                        "Path: /organizations/{organizationId}/it-contacts\n            Auth:\n              Authorizer: AWS_IAM\n",
                        "uses AWS_IAM outside /internal/"),
                broken("a route that names no API", "ApiId: !Ref HttpApi\n            Method: GET\n            Path: /providers",
                        "Method: GET\n            Path: /providers", "must name the template's HttpApi"),
                broken("a route with an invalid method", "Method: PUT\n            Path: /organizations/{organizationId}/it-contacts",
                        "Method: FETCH\n            Path: /organizations/{organizationId}/it-contacts", "has no valid Method"),
                broken("an HTTP route outside the JWT authorizer",
                        "Path: /organizations/{organizationId}/identity-health\n",
                        "Path: /organizations/{organizationId}/identity-health\n            Auth:\n              Authorizer: NONE\n",
                        "GET /organizations/{organizationId}/identity-health) is not behind the JWT authorizer"),
                broken("an API without a default JWT authorizer", "        DefaultAuthorizer: WorkOsJwt\n", "",
                        "must have a JWT DefaultAuthorizer"),
                broken("a webhook route behind the JWT authorizer",
                        "Path: /webhooks/workos\n            Auth:\n              Authorizer: NONE\n", "Path: /webhooks/workos\n",
                        "must set Auth.Authorizer NONE"),
                broken("a webhook route whose authentication differs from the contract's",
                        "Path: /webhooks/workos\n            Auth:\n              Authorizer: NONE\n", "Path: /webhooks/workos\n",
                        "route POST /webhooks/workos takes a bearer token (the JWT authorizer) in the template but openapi.yaml documents no authentication"),
                broken("the back office's route documented as SigV4 but behind the JWT in the template",
                        "Path: /internal/organizations/{organizationId}/entitlements\n            Auth:\n              Authorizer: AWS_IAM\n",
                        "Path: /internal/organizations/{organizationId}/entitlements\n",
                        "route PUT /internal/organizations/{organizationId}/entitlements takes a bearer token (the JWT authorizer) in the template but openapi.yaml documents AWS SigV4 (AWS_IAM)"),
                broken("a policy on every resource", "Resource: !GetAtt IdentityTable.Arn", "Resource: '*'",
                        "on every resource (*)"),
                broken("a policy on another table", "Resource: !GetAtt IdentityTable.Arn",
                        "Resource: arn:aws:dynamodb:us-east-1:123456789012:table/other", "a policy names arn:aws:dynamodb"),
                broken("a policy on an index the table does not have", "${IdentityTable.Arn}/index/gsi1", "${IdentityTable.Arn}/index/gsi9",
                        "not the table IdentityTable or its indexes"),
                broken("a SAM DynamoDB policy on another table",
                        "        - SSMParameterReadPolicy:\n            ParameterName: !Ref WorkOsApiKeyParameter\n      Events:",
                        "        - DynamoDBCrudPolicy:\n            TableName: other-table\n      Events:",
                        "policy DynamoDBCrudPolicy names other-table"),
                broken("another runtime", "Runtime: java21", "Runtime: java17", "Runtime must be java21"),
                broken("another architecture", "Architectures: [arm64]", "Architectures: [x86_64]", "Architectures must be [arm64]"),
                broken("no global memory size", "    MemorySize: 1024\n", "", "Globals.Function.MemorySize is missing"),
                broken("no global timeout", "    Timeout: 15\n", "", "Globals.Function.Timeout is missing"),
                broken("no SnapStart", "ApplyOn: PublishedVersions", "ApplyOn: None", "SnapStart.ApplyOn must be PublishedVersions"),
                broken("no alias", "    AutoPublishAlias: live\n", "", "AutoPublishAlias is missing"),
                broken("no Powertools service name", "        POWERTOOLS_SERVICE_NAME: gatekeep\n", "",
                        "POWERTOOLS_SERVICE_NAME is missing"),
                broken("no Powertools log level", "        POWERTOOLS_LOG_LEVEL: !Ref LogLevel\n", "", "POWERTOOLS_LOG_LEVEL is missing"),
                broken("a function on another runtime", "      MemorySize: 512\n", "      MemorySize: 512\n      Runtime: java17\n",
                        "overrides Runtime"),
                broken("a provisioned table", "BillingMode: PAY_PER_REQUEST", "BillingMode: PROVISIONED", "must use BillingMode PAY_PER_REQUEST"),
                broken("a table without point-in-time recovery", "PointInTimeRecoveryEnabled: true", "PointInTimeRecoveryEnabled: false",
                        "must enable point-in-time recovery"),
                broken("a table without TTL", "        AttributeName: ttl\n        Enabled: true", "        AttributeName: ttl\n        Enabled: false",
                        "must enable TTL"),
                broken("a table keyed otherwise", "        - AttributeName: sk\n          KeyType: RANGE", "        - AttributeName: gsi1sk\n          KeyType: RANGE",
                        "must have the key pk (HASH) + sk (RANGE)"),
                broken("a second table", "\n  HttpApi:\n", "\n  OtherTable:\n    Type: AWS::DynamoDB::Table\n    Properties: {}\n\n  HttpApi:\n",
                        "exactly one AWS::DynamoDB::Table, found 2"),
                broken("a secret as a plain value", "WORKOS_API_KEY_PARAMETER: !Sub /${WorkOsApiKeyParameter}",
                        "WORKOS_API_KEY: sk_test_123", "sets WORKOS_API_KEY directly"),
                broken("a secret parameter name as a literal", "WORKOS_WEBHOOK_SECRET_PARAMETER: !Sub /${WebhookSecretParameter}",
                        "WORKOS_WEBHOOK_SECRET_PARAMETER: /gatekeep/workos-webhook-secret", "sets WORKOS_WEBHOOK_SECRET_PARAMETER to a literal"),
                broken("no ApiUrl output", "  ApiUrl:\n", "  ApiEndpoint:\n", "Outputs must include ApiUrl"),
                broken("no TableName output", "  TableName:\n    Description", "  Table:\n    Description", "Outputs must include TableName"),
                broken("YAML that does not parse", "Resources:\n", "Resources:\n  : : :\n    - [\n", "cannot be read as YAML"));
    }

    static Arguments broken(String what, String from, String to, String expectedProblem) {
        return Arguments.of(what, from, to, expectedProblem);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void aBrokenTemplateIsReported(String what, String from, String to, String expectedProblem) throws IOException {
        assertTrue(template.contains(from), "the template no longer contains the text this case breaks: " + from);
        Path broken = work.resolve("broken-" + Math.abs(what.hashCode()) + ".yaml");
        Files.writeString(broken, template.replace(from, to));
        List<String> problems = TemplateCheck.problems(broken, fakeRoot);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expectedProblem)),
                what + ": expected a problem containing '" + expectedProblem + "', got " + problems);
    }

    @Test
    void aModuleMissingFromTheParentPomIsReported() throws IOException {
        Path root = work.resolve("project-without-module");
        Files.createDirectories(root);
        String pom = Files.readString(fakeRoot.resolve("pom.xml"));
        assertTrue(pom.contains("<module>functions/providers</module>"));
        Files.writeString(root.resolve("pom.xml"), pom.replace("<module>functions/providers</module>", ""));
        copyTree(fakeRoot.resolve("functions"), root.resolve("functions"));
        Files.copy(fakeRoot.resolve(TemplateCheck.CONTRACT), root.resolve(TemplateCheck.CONTRACT));
        List<String> problems = TemplateCheck.problems(ProjectFiles.template(), root);
        assertEquals(List.of("function ProvidersFunction: its CodeUri module functions/providers is not listed in the parent pom's modules"),
                problems);
    }

    @Test
    void aHandlerSourceInTheWrongPackageOrWithoutTheClassIsReported() throws IOException {
        Path root = work.resolve("project-wrong-source");
        copyTree(fakeRoot, root);
        Path source = root.resolve("functions/providers/src/main/java/io/gatekeep/providers/ProvidersHandler.java");
        Files.writeString(source, Files.readString(source).replace("package io.gatekeep.providers;", "package io.gatekeep.other;")
                .replace("public final class ProvidersHandler", "final class Providers"));
        List<String> problems = TemplateCheck.problems(ProjectFiles.template(), root);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("is not in package io.gatekeep.providers"), problems.toString());
        assertTrue(problems.get(1).contains("does not declare public class ProvidersHandler"), problems.toString());
    }

    @Test
    void aProjectWithoutItsContractIsReported() throws IOException {
        Path root = work.resolve("project-without-contract");
        copyTree(fakeRoot, root);
        Files.delete(root.resolve(TemplateCheck.CONTRACT));
        assertEquals(List.of("no openapi.yaml beside the template: the HTTP API's contract must be documented"),
                TemplateCheck.problems(ProjectFiles.template(), root));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target);
                }
            }
        }
    }
}
