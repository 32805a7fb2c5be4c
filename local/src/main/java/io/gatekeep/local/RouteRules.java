package io.gatekeep.local;

import static io.gatekeep.local.TemplateCheck.CONTRACT;
import static io.gatekeep.local.TemplateCheck.INTERNAL_PREFIX;
import static io.gatekeep.local.TemplateCheck.WEBHOOK_PATH;
import static io.gatekeep.local.TemplateCheck.list;
import static io.gatekeep.local.TemplateCheck.map;

import io.gatekeep.localaws.CloudFormationYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@link TemplateCheck}'s rules for the HTTP API: each function's routes are valid, do not clash and sit
 * behind the JWT authorizer (the webhook excepted: its signature is its authentication; the back office's
 * {@code /internal/} routes take AWS_IAM and only they); the routes are exactly those of the API contract,
 * with the same authentication; the HttpApi authorizes by JWT and leaves every route to a function.
 */
final class RouteRules {
    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY");
    private static final Set<String> OPENAPI_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private final Path projectRoot;
    private final Map<String, Object> resources;
    private final List<String> problems;
    /** Each route seen ({@code PUT /organizations/{}/plan}, parameters unnamed) -> the function event that serves it. */
    private final Map<String, String> routeOwners = new LinkedHashMap<>();
    /** Each route and how API Gateway admits it: JWT, AWS_IAM or NONE. */
    private final Map<String, String> templateRoutes = new LinkedHashMap<>();

    RouteRules(Path projectRoot, Map<String, Object> resources, List<String> problems) {
        this.projectRoot = projectRoot;
        this.resources = resources;
        this.problems = problems;
    }

    /** One HttpApi event of a function: a valid method and path on the template's HttpApi, no clash, the right authorizer. */
    void route(String functionId, String eventName, Map<String, Object> props) {
        String where = "route " + functionId + "." + eventName;
        Object method = props.get("Method");
        Object path = props.get("Path");
        if (!(method instanceof String m) || !HTTP_METHODS.contains(m.toUpperCase(Locale.ROOT))) {
            problems.add(where + " has no valid Method (" + method + ")");
            return;
        }
        if (!(path instanceof String p) || !p.startsWith("/")) {
            problems.add(where + " has no valid Path (" + path + ")");
            return;
        }
        Object apiId = props.get("ApiId");
        String api = apiId == null ? null : String.valueOf(map(apiId).get("Ref"));
        if (api == null || !"AWS::Serverless::HttpApi".equals(map(resources.get(api)).get("Type"))) {
            problems.add(where + " must name the template's HttpApi in ApiId (!Ref)");
        }
        String key = m.toUpperCase(Locale.ROOT) + " " + p.replaceAll("\\{[^}/]+}", "{}");
        String previous = routeOwners.putIfAbsent(key, where);
        if (previous != null) {
            problems.add(where + " clashes with " + previous + " (" + m.toUpperCase(Locale.ROOT) + " " + p + ")");
        }
        String authorizer = String.valueOf(map(props.get("Auth")).getOrDefault("Authorizer", defaultAuthorizer(api)));
        boolean jwt = isJwtAuthorizer(api, authorizer);
        templateRoutes.put(m.toUpperCase(Locale.ROOT) + " " + p, jwt ? "JWT" : "AWS_IAM".equals(authorizer) ? "AWS_IAM" : "NONE");
        if (p.equals(WEBHOOK_PATH)) {
            if (!"NONE".equals(authorizer)) {
                problems.add(where + " (" + WEBHOOK_PATH + ") must set Auth.Authorizer NONE: WorkOS signs webhooks, it sends no JWT");
            }
        } else if (p.startsWith(INTERNAL_PREFIX)) {
            if (!"AWS_IAM".equals(authorizer)) {
                problems.add(where + " (" + m + " " + p + ") is an internal route: it must set Auth.Authorizer AWS_IAM, "
                        + "so that only the vendor's IAM principals reach it (a tenant's JWT must not)");
            } else if (!Boolean.TRUE.equals(map(map(map(resources.get(api)).get("Properties")).get("Auth")).get("EnableIamAuthorizer"))) {
                problems.add(where + " uses AWS_IAM, but HttpApi " + api + " does not set Auth.EnableIamAuthorizer: true");
            }
        } else if ("AWS_IAM".equals(authorizer)) {
            problems.add(where + " (" + m + " " + p + ") uses AWS_IAM outside " + INTERNAL_PREFIX + ": tenant routes take the JWT");
        } else if (!jwt) {
            problems.add(where + " (" + m + " " + p + ") is not behind the JWT authorizer");
        }
    }

    /**
     * {@value TemplateCheck#CONTRACT} documents exactly the template's routes, with the same authentication: a
     * route whose operation (or the document) asks for no security is the template's route without
     * the JWT authorizer, and the other way round.
     */
    void contract() {
        Path file = projectRoot.resolve(CONTRACT);
        Map<String, Object> contract;
        try {
            contract = Files.isRegularFile(file) ? CloudFormationYaml.load(file) : null;
        } catch (RuntimeException e) {
            problems.add(CONTRACT + " cannot be read as YAML: " + e.getMessage());
            return;
        }
        if (contract == null) {
            problems.add("no " + CONTRACT + " beside the template: the HTTP API's contract must be documented");
            return;
        }
        Map<String, Object> schemes = map(map(contract.get("components")).get("securitySchemes"));
        String byDefault = authentication(contract.get("security"), schemes);
        Map<String, String> documented = new LinkedHashMap<>();
        for (var path : map(contract.get("paths")).entrySet()) {
            for (var operation : map(path.getValue()).entrySet()) {
                if (OPENAPI_METHODS.contains(operation.getKey())) {
                    Object security = map(operation.getValue()).get("security");
                    documented.put(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(),
                            security == null ? byDefault : authentication(security, schemes));
                }
            }
        }
        for (var route : templateRoutes.entrySet()) {
            String auth = documented.get(route.getKey());
            if (auth == null) {
                problems.add("route " + route.getKey() + " is not documented in " + CONTRACT);
            } else if (!auth.equals(route.getValue())) {
                problems.add("route " + route.getKey() + " takes " + describeAuth(route.getValue()) + " in the template but "
                        + CONTRACT + " documents " + describeAuth(auth));
            }
        }
        for (String route : documented.keySet()) {
            if (!templateRoutes.containsKey(route)) {
                problems.add("route " + route + " is documented in " + CONTRACT + " but no function serves it");
            }
        }
    }

    /**
     * What an OpenAPI security requirement stands for: NONE (empty), AWS_IAM (a scheme marked
     * {@code x-amazon-apigateway-authtype: awsSigv4}, API Gateway's own marker for SigV4), else JWT.
     */
    private static String authentication(Object security, Map<String, Object> schemes) {
        List<?> requirements = list(security);
        if (requirements.isEmpty()) {
            return "NONE";
        }
        for (Object requirement : requirements) {
            for (String name : map(requirement).keySet()) {
                if ("awsSigv4".equals(map(schemes.get(name)).get("x-amazon-apigateway-authtype"))) {
                    return "AWS_IAM";
                }
            }
        }
        return "JWT";
    }

    private static String describeAuth(String auth) {
        return switch (auth) {
            case "JWT" -> "a bearer token (the JWT authorizer)";
            case "AWS_IAM" -> "AWS SigV4 (AWS_IAM)";
            default -> "no authentication";
        };
    }

    private String defaultAuthorizer(String api) {
        Object value = map(map(map(resources.get(api)).get("Properties")).get("Auth")).get("DefaultAuthorizer");
        return value == null ? "NONE" : String.valueOf(value);
    }

    private boolean isJwtAuthorizer(String api, String name) {
        Map<String, Object> authorizer = map(map(map(map(map(resources.get(api)).get("Properties")).get("Auth"))
                .get("Authorizers")).get(name));
        Map<String, Object> jwt = map(authorizer.get("JwtConfiguration"));
        return !jwt.isEmpty() && jwt.get("issuer") != null && jwt.get("audience") != null;
    }

    void httpApis() {
        for (var entry : resources.entrySet()) {
            Map<String, Object> resource = map(entry.getValue());
            if (!"AWS::Serverless::HttpApi".equals(resource.get("Type"))) {
                continue;
            }
            Map<String, Object> props = map(resource.get("Properties"));
            String def = defaultAuthorizer(entry.getKey());
            if (!isJwtAuthorizer(entry.getKey(), def)) {
                problems.add("HttpApi " + entry.getKey() + " must have a JWT DefaultAuthorizer with issuer and audience");
            }
            if (props.containsKey("DefinitionBody") || props.containsKey("DefinitionUri")) {
                problems.add("HttpApi " + entry.getKey() + " must not define routes in an OpenAPI body: every route belongs to a function");
            }
        }
    }
}
