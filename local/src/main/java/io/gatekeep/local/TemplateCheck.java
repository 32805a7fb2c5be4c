package io.gatekeep.local;

import io.gatekeep.localaws.CloudFormationYaml;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;

/**
 * The project's own rules for {@code template.yaml}, beside cfn-lint (which checks what CloudFormation
 * and SAM define: sections, types, properties, references, conditions; see CfnLintTest): every
 * function's handler exists in its module's sources and the module is built; the routes do not clash,
 * are the routes of the API contract ({@value #CONTRACT}) with its authentication, and every route but
 * the webhook is behind the JWT authorizer; policies touch only the one table and its indexes; secrets
 * come from SSM parameters named by template parameters; the table, the globals and the outputs carry
 * what production needs.
 *
 * <p>The table, the globals, secrets, functions and handlers are checked here; the routes and the contract
 * in {@link RouteRules}, the permissions in {@link PolicyRules}.
 *
 * <p>{@link #problems(Path, Path)} returns one readable sentence per problem; an empty list means the
 * template is fine. The local runner prints them at start; a test fails on any.
 */
public final class TemplateCheck {
    /** The webhook route: WorkOS cannot send a JWT, its signature is the authentication. */
    public static final String WEBHOOK_PATH = "/webhooks/workos";
    /** The back office's routes: AWS_IAM only (the vendor's principals), never the tenant's JWT. */
    public static final String INTERNAL_PREFIX = "/internal/";

    /** The API contract beside the template: its routes and the template's must be the same. */
    public static final String CONTRACT = "openapi.yaml";
    private static final Set<String> REQUIRED_GLOBAL_VARIABLES = Set.of("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");
    private static final Pattern HANDLER = Pattern.compile("([a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_]*(::[a-zA-Z_][A-Za-z0-9_]*)?");

    private final Path projectRoot;
    private final Map<String, Object> document;
    private final Map<String, Object> parameters;
    private final Map<String, Object> resources;
    private final List<String> problems = new ArrayList<>();
    private String tableId;
    private RouteRules routes;
    private PolicyRules policies;

    private TemplateCheck(Map<String, Object> document, Path projectRoot) {
        this.projectRoot = projectRoot;
        this.document = document;
        this.parameters = map(document.get("Parameters"));
        this.resources = map(document.get("Resources"));
    }

    /** Every problem found in {@code template} (read with the project at {@code projectRoot}); empty when fine. */
    public static List<String> problems(Path template, Path projectRoot) {
        Map<String, Object> document;
        try {
            document = CloudFormationYaml.load(template);
        } catch (RuntimeException e) {
            return List.of("the template cannot be read as YAML: " + e.getMessage());
        }
        if (document == null) {
            return List.of("the template is empty");
        }
        var check = new TemplateCheck(document, projectRoot);
        check.run();
        return List.copyOf(check.problems);
    }

    private void run() {
        table();
        globals();
        routes = new RouteRules(projectRoot, resources, problems);
        policies = new PolicyRules(resources, tableId, problems);
        Set<String> modules = parentModules();
        for (var entry : resources.entrySet()) {
            Map<String, Object> resource = map(entry.getValue());
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                function(entry.getKey(), map(resource.get("Properties")), modules);
            } else if ("AWS::ApiGatewayV2::Route".equals(resource.get("Type"))
                    && map(resource.get("Properties")).get("Target") == null) {
                problems.add("route " + entry.getKey() + " has no function (an AWS::ApiGatewayV2::Route without a Target)");
            }
        }
        routes.contract();
        routes.httpApis();
        outputs();
    }

    // ---- the table ----

    private void table() {
        List<String> tables = resources.entrySet().stream()
                .filter(e -> "AWS::DynamoDB::Table".equals(map(e.getValue()).get("Type")))
                .map(Map.Entry::getKey).toList();
        if (tables.size() != 1) {
            problems.add("the template must hold exactly one AWS::DynamoDB::Table, found " + tables.size());
            if (tables.isEmpty()) {
                return;
            }
        }
        tableId = tables.getFirst();
        Map<String, Object> props = map(map(resources.get(tableId)).get("Properties"));
        if (!"PAY_PER_REQUEST".equals(props.get("BillingMode"))) {
            problems.add("table " + tableId + " must use BillingMode PAY_PER_REQUEST");
        }
        if (!Boolean.TRUE.equals(map(props.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled"))) {
            problems.add("table " + tableId + " must enable point-in-time recovery");
        }
        Map<String, Object> ttl = map(props.get("TimeToLiveSpecification"));
        if (!Boolean.TRUE.equals(ttl.get("Enabled")) || !(ttl.get("AttributeName") instanceof String)) {
            problems.add("table " + tableId + " must enable TTL on an attribute");
        }
        List<String> keys = new ArrayList<>();
        for (Object k : list(props.get("KeySchema"))) {
            keys.add(map(k).get("AttributeName") + ":" + map(k).get("KeyType"));
        }
        if (!keys.equals(List.of("pk:HASH", "sk:RANGE"))) {
            problems.add("table " + tableId + " must have the key pk (HASH) + sk (RANGE), has " + keys);
        }
    }

    // ---- globals ----

    private void globals() {
        Map<String, Object> function = map(map(document.get("Globals")).get("Function"));
        if (!"java21".equals(function.get("Runtime"))) {
            problems.add("Globals.Function.Runtime must be java21");
        }
        if (!List.of("arm64").equals(function.get("Architectures"))) {
            problems.add("Globals.Function.Architectures must be [arm64]");
        }
        if (!(function.get("MemorySize") instanceof Integer)) {
            problems.add("Globals.Function.MemorySize is missing");
        }
        if (!(function.get("Timeout") instanceof Integer)) {
            problems.add("Globals.Function.Timeout is missing");
        }
        if (!"PublishedVersions".equals(map(function.get("SnapStart")).get("ApplyOn"))) {
            problems.add("Globals.Function.SnapStart.ApplyOn must be PublishedVersions");
        }
        if (!(function.get("AutoPublishAlias") instanceof String)) {
            problems.add("Globals.Function.AutoPublishAlias is missing (SnapStart runs on published versions)");
        }
        Map<String, Object> variables = map(map(function.get("Environment")).get("Variables"));
        for (String name : REQUIRED_GLOBAL_VARIABLES) {
            if (variables.get(name) == null) {
                problems.add("Globals.Function.Environment.Variables." + name + " is missing");
            }
        }
        environment("Globals.Function", variables);
    }

    /** Any variable that names a KEY or SECRET must be an SSM parameter name that comes from a template parameter. */
    private void environment(String where, Map<String, Object> variables) {
        for (var v : variables.entrySet()) {
            String name = v.getKey().toUpperCase(Locale.ROOT);
            if (!name.contains("KEY") && !name.contains("SECRET")) {
                continue;
            }
            if (!name.endsWith("_PARAMETER")) {
                problems.add(where + " sets " + v.getKey() + " directly: a secret must be an SSM parameter name in a variable ending _PARAMETER");
            } else if (!fromParameter(v.getValue())) {
                problems.add(where + " sets " + v.getKey() + " to a literal: it must come from a template parameter (!Ref or !Sub of one)");
            }
        }
    }

    private boolean fromParameter(Object value) {
        Map<String, Object> m = map(value);
        if (m.get("Ref") instanceof String ref) {
            return parameters.containsKey(ref);
        }
        if (m.get("Fn::Sub") instanceof String sub) {
            Matcher matcher = SUB_VARIABLE.matcher(sub);
            boolean any = false;
            while (matcher.find()) {
                if (!parameters.containsKey(matcher.group(1).trim())) {
                    return false;
                }
                any = true;
            }
            return any;
        }
        return false;
    }

    // ---- functions ----

    private Set<String> parentModules() {
        Path pom = projectRoot.resolve("pom.xml");
        Set<String> modules = new LinkedHashSet<>();
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var doc = factory.newDocumentBuilder().parse(pom.toFile());
            NodeList nodes = doc.getElementsByTagName("module");
            for (int i = 0; i < nodes.getLength(); i++) {
                Element module = (Element) nodes.item(i);
                modules.add(normalise(module.getTextContent().trim()));
            }
        } catch (Exception e) {
            problems.add("cannot read the parent pom " + pom + ": " + e.getMessage());
        }
        return modules;
    }

    private void function(String id, Map<String, Object> props, Set<String> modules) {
        Object codeUri = props.get("CodeUri");
        Object handler = props.get("Handler");
        if (!(codeUri instanceof String uri) || uri.isBlank()) {
            problems.add("function " + id + " has no CodeUri");
            return;
        }
        String module = normalise(uri);
        if (!modules.contains(module)) {
            problems.add("function " + id + ": its CodeUri module " + module + " is not listed in the parent pom's modules");
        }
        if (!(handler instanceof String h) || !HANDLER.matcher(h).matches()) {
            problems.add("function " + id + " needs a Handler like io.gatekeep.x.XHandler::handleRequest, has " + handler);
        } else {
            handlerSource(id, module, h);
        }
        for (String setting : List.of("Runtime", "Architectures")) {
            if (props.containsKey(setting)) {
                problems.add("function " + id + " overrides " + setting + ": keep the Globals (java21 on arm64)");
            }
        }
        environment("function " + id, map(map(props.get("Environment")).get("Variables")));
        policies.check(id, props.get("Policies"));
        for (var event : map(props.get("Events")).entrySet()) {
            Map<String, Object> e = map(event.getValue());
            if ("HttpApi".equals(e.get("Type"))) {
                routes.route(id, event.getKey(), map(e.get("Properties")));
            }
        }
    }

    private void handlerSource(String id, String module, String handler) {
        int sep = handler.indexOf("::");
        String className = sep < 0 ? handler : handler.substring(0, sep);
        String method = sep < 0 ? "handleRequest" : handler.substring(sep + 2);
        Path source = projectRoot.resolve(module).resolve("src/main/java").resolve(className.replace('.', '/') + ".java");
        if (!Files.isRegularFile(source)) {
            problems.add("function " + id + ": handler class " + className + " does not exist (no " + projectRoot.relativize(source) + ")");
            return;
        }
        String text;
        try {
            text = Files.readString(source);
        } catch (Exception e) {
            problems.add("function " + id + ": cannot read " + source);
            return;
        }
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        String packageName = className.substring(0, className.lastIndexOf('.'));
        if (!Pattern.compile("(?m)^\\s*package\\s+" + Pattern.quote(packageName) + "\\s*;").matcher(text).find()) {
            problems.add("function " + id + ": " + projectRoot.relativize(source) + " is not in package " + packageName);
        }
        if (!Pattern.compile("\\bpublic\\s+(final\\s+)?(class|record)\\s+" + Pattern.quote(simpleName) + "\\b").matcher(text).find()) {
            problems.add("function " + id + ": " + projectRoot.relativize(source) + " does not declare public class " + simpleName);
        }
        if (!Pattern.compile("\\bpublic\\s+(final\\s+)?[\\w.<>\\[\\], ?]+\\s+" + Pattern.quote(method) + "\\s*\\(").matcher(text).find()) {
            problems.add("function " + id + ": handler method " + method + " is not declared public in " + className);
        }
    }

    private void outputs() {
        Map<String, Object> outputs = map(document.get("Outputs"));
        for (String required : List.of("ApiUrl", "TableName")) {
            if (!outputs.containsKey(required)) {
                problems.add("Outputs must include " + required);
            }
        }
    }

    // ---- helpers ----

    private static String normalise(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
