package io.gatekeep.local;

import io.gatekeep.testkit.CloudFormationYaml;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An offline check of {@code template.yaml} against the project and the project's rules: every
 * function's handler exists in its module's sources and the module is built, routes are served and
 * do not clash, every route but the webhook is behind the JWT authorizer, policies touch only the
 * one table, references resolve, the globals and the table carry the settings production needs,
 * secrets come from SSM parameters, and the outputs operators read exist. Plus the checks cfn-lint
 * would make that need no AWS account (types, sections, conditions).
 *
 * <p>{@link #problems(Path, Path)} returns one readable sentence per problem; an empty list means the
 * template is fine. The local runner prints them at start; a test fails on any.
 */
public final class TemplateCheck {
    /** The webhook route: WorkOS cannot send a JWT, its signature is the authentication. */
    public static final String WEBHOOK_PATH = "/webhooks/workos";

    private static final Set<String> TOP_LEVEL = Set.of("AWSTemplateFormatVersion", "Description", "Metadata",
            "Parameters", "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs", "Globals");
    private static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs",
            "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY");
    /** The API contract beside the template: its routes and the template's must be the same. */
    public static final String CONTRACT = "openapi.yaml";
    private static final Set<String> OPENAPI_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final Set<String> REQUIRED_GLOBAL_VARIABLES = Set.of("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL");
    private static final Pattern TYPE = Pattern.compile("(AWS|Alexa)::[A-Za-z0-9]+::[A-Za-z0-9]+|Custom::[A-Za-z0-9_@-]+");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");
    private static final Pattern HANDLER = Pattern.compile("([a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_]*(::[a-zA-Z_][A-Za-z0-9_]*)?");

    private final Path projectRoot;
    private final Map<String, Object> document;
    private final Map<String, Object> parameters;
    private final Map<String, Object> conditions;
    private final Map<String, Object> resources;
    private final List<String> problems = new ArrayList<>();
    /** Every HTTP route of the template ({@code PUT /organizations/{organizationId}/plan}) -> behind the JWT authorizer. */
    private final Map<String, Boolean> templateRoutes = new LinkedHashMap<>();
    private String tableId;

    private TemplateCheck(Map<String, Object> document, Path projectRoot) {
        this.projectRoot = projectRoot;
        this.document = document;
        this.parameters = map(document.get("Parameters"));
        this.conditions = map(document.get("Conditions"));
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
        sections();
        resourceTypes();
        references(document, "", false);
        conditionsSection();
        table();
        globals();
        Set<String> modules = parentModules();
        Map<String, String> routeOwners = new LinkedHashMap<>();
        for (var entry : resources.entrySet()) {
            Map<String, Object> resource = map(entry.getValue());
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                function(entry.getKey(), map(resource.get("Properties")), modules, routeOwners);
            } else if ("AWS::ApiGatewayV2::Route".equals(resource.get("Type"))
                    && map(resource.get("Properties")).get("Target") == null) {
                problems.add("route " + entry.getKey() + " has no function (an AWS::ApiGatewayV2::Route without a Target)");
            }
        }
        contract();
        httpApis();
        outputs();
    }

    // ---- cfn-lint-grade structure ----

    private void sections() {
        for (String key : document.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                problems.add("unknown top-level section " + key);
            }
        }
        if (resources.isEmpty()) {
            problems.add("the template has no Resources");
        }
        if (!"2010-09-09".equals(String.valueOf(document.get("AWSTemplateFormatVersion")))) {
            problems.add("AWSTemplateFormatVersion must be '2010-09-09'");
        }
        if (!String.valueOf(document.get("Transform")).contains("AWS::Serverless-2016-10-31")) {
            problems.add("Transform must be AWS::Serverless-2016-10-31 (the template uses SAM resources)");
        }
        for (var p : parameters.entrySet()) {
            if (!(map(p.getValue()).get("Type") instanceof String)) {
                problems.add("parameter " + p.getKey() + " has no Type");
            }
        }
    }

    private void resourceTypes() {
        for (var entry : resources.entrySet()) {
            if (!(entry.getValue() instanceof Map<?, ?> resource)) {
                problems.add("resource " + entry.getKey() + " is not a mapping");
                continue;
            }
            Object type = resource.get("Type");
            if (!(type instanceof String t) || t.isBlank()) {
                problems.add("resource " + entry.getKey() + " has no Type");
            } else if (!TYPE.matcher(t).matches()) {
                problems.add("resource " + entry.getKey() + " has an invalid Type " + t);
            }
            if (parameters.containsKey(entry.getKey())) {
                problems.add(entry.getKey() + " is both a parameter and a resource");
            }
            Object dependsOn = resource.get("DependsOn");
            for (Object d : dependsOn instanceof List<?> l ? l : dependsOn == null ? List.of() : List.of(dependsOn)) {
                if (!resources.containsKey(String.valueOf(d))) {
                    problems.add("resource " + entry.getKey() + " DependsOn " + d + ", which is not a resource");
                }
            }
        }
    }

    /**
     * Walks the whole document: every Ref, GetAtt, Sub variable and condition name must resolve.
     * Inside Conditions, Ref may name parameters only.
     */
    private void references(Object node, String where, boolean inConditions) {
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                references(list.get(i), where + "[" + i + "]", inConditions);
            }
            return;
        }
        if (!(node instanceof Map<?, ?> m)) {
            return;
        }
        if (m.size() == 1) {
            var only = m.entrySet().iterator().next();
            String key = String.valueOf(only.getKey());
            Object value = only.getValue();
            switch (key) {
                case "Ref" -> {
                    String name = String.valueOf(value);
                    if (inConditions && !parameters.containsKey(name) && !PSEUDO_PARAMETERS.contains(name)) {
                        problems.add("!Ref " + name + " in Conditions must name a parameter (" + where + ")");
                    } else if (!refResolves(name)) {
                        problems.add("!Ref " + name + " names no parameter or resource (" + where + ")");
                    }
                    return;
                }
                case "Fn::GetAtt" -> {
                    List<?> parts = value instanceof List<?> l ? l
                            : value instanceof String s ? List.of(s.split("\\.", 2)) : List.of();
                    if (parts.size() != 2) {
                        problems.add("!GetAtt needs Resource.Attribute (" + where + ")");
                    } else if (!resourceResolves(String.valueOf(parts.get(0)))) {
                        problems.add("!GetAtt " + parts.get(0) + "." + parts.get(1) + " names no resource (" + where + ")");
                    }
                    references(parts, where, inConditions);
                    return;
                }
                case "Fn::Sub" -> {
                    sub(value, where, inConditions);
                    return;
                }
                case "Condition", "Fn::If" -> {
                    Object name = value instanceof List<?> l && !l.isEmpty() ? l.get(0) : value;
                    if (name instanceof String s && !conditions.containsKey(s)) {
                        problems.add("condition " + s + " is used but not defined in Conditions (" + where + ")");
                    }
                    if (value instanceof List<?> l) {
                        references(l.subList(1, l.size()), where, inConditions);
                    }
                    return;
                }
                default -> {
                    // a plain mapping with one key: walk on
                }
            }
        }
        for (var e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            boolean conditionsHere = inConditions || (where.isEmpty() && key.equals("Conditions"));
            if (key.equals("Condition") && e.getValue() instanceof String s && !conditions.containsKey(s)) {
                problems.add("condition " + s + " is used but not defined in Conditions (" + where + ")");
            }
            references(e.getValue(), where.isEmpty() ? key : where + "." + key, conditionsHere);
        }
    }

    private void sub(Object value, String where, boolean inConditions) {
        String text;
        Map<String, Object> variables = Map.of();
        if (value instanceof String s) {
            text = s;
        } else if (value instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String s) {
            text = s;
            variables = map(l.get(1));
            references(l.get(1), where, inConditions);
        } else {
            problems.add("!Sub needs a string or [string, variables] (" + where + ")");
            return;
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        while (m.find()) {
            String variable = m.group(1).trim();
            if (variables.containsKey(variable)) {
                continue;
            }
            int dot = variable.indexOf('.');
            boolean resolves = dot > 0 && !variable.startsWith("AWS::")
                    ? resourceResolves(variable.substring(0, dot))
                    : refResolves(variable);
            if (!resolves) {
                problems.add("!Sub ${" + variable + "} names no parameter or resource (" + where + ")");
            }
        }
    }

    private boolean refResolves(String name) {
        if (parameters.containsKey(name) || PSEUDO_PARAMETERS.contains(name)) {
            return true;
        }
        int dot = name.indexOf('.');
        // SAM's generated references: MyFunction.Alias, MyFunction.Version
        return resourceResolves(dot > 0 ? name.substring(0, dot) : name);
    }

    private boolean resourceResolves(String name) {
        if (resources.containsKey(name)) {
            return true;
        }
        // Resources SAM generates from a function: <Function>Role, <Function>Alias<alias>, <Function>Version...
        for (var entry : resources.entrySet()) {
            if ("AWS::Serverless::Function".equals(map(entry.getValue()).get("Type"))
                    && name.startsWith(entry.getKey())
                    && List.of("Role", "Alias", "Version").stream().anyMatch(s -> name.startsWith(entry.getKey() + s))) {
                return true;
            }
        }
        return false;
    }

    private void conditionsSection() {
        for (var c : conditions.entrySet()) {
            if (!(c.getValue() instanceof Map<?, ?> m) || m.size() != 1
                    || !Set.of("Fn::And", "Fn::Equals", "Fn::If", "Fn::Not", "Fn::Or", "Condition")
                    .contains(String.valueOf(m.keySet().iterator().next()))) {
                problems.add("condition " + c.getKey() + " must be one condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or)");
            }
        }
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
        Set<String> defined = new LinkedHashSet<>();
        for (Object a : list(props.get("AttributeDefinitions"))) {
            defined.add(String.valueOf(map(a).get("AttributeName")));
        }
        Set<String> keyed = new LinkedHashSet<>();
        for (Object k : list(props.get("KeySchema"))) {
            keyed.add(String.valueOf(map(k).get("AttributeName")));
        }
        for (Object g : list(props.get("GlobalSecondaryIndexes"))) {
            for (Object k : list(map(g).get("KeySchema"))) {
                keyed.add(String.valueOf(map(k).get("AttributeName")));
            }
        }
        if (!defined.equals(keyed)) {
            problems.add("table " + tableId + " AttributeDefinitions " + defined + " must be exactly the key attributes " + keyed);
        }
    }

    private Set<String> tableIndexes() {
        Set<String> names = new LinkedHashSet<>();
        if (tableId != null) {
            for (Object g : list(map(map(resources.get(tableId)).get("Properties")).get("GlobalSecondaryIndexes"))) {
                names.add(String.valueOf(map(g).get("IndexName")));
            }
        }
        return names;
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

    // ---- functions and routes ----

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

    private void function(String id, Map<String, Object> props, Set<String> modules, Map<String, String> routeOwners) {
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
        policies(id, props.get("Policies"));
        for (var event : map(props.get("Events")).entrySet()) {
            Map<String, Object> e = map(event.getValue());
            if ("HttpApi".equals(e.get("Type"))) {
                route(id, event.getKey(), map(e.get("Properties")), routeOwners);
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

    private void route(String functionId, String eventName, Map<String, Object> props, Map<String, String> routeOwners) {
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
        templateRoutes.put(m.toUpperCase(Locale.ROOT) + " " + p, jwt);
        if (p.equals(WEBHOOK_PATH)) {
            if (!"NONE".equals(authorizer)) {
                problems.add(where + " (" + WEBHOOK_PATH + ") must set Auth.Authorizer NONE: WorkOS signs webhooks, it sends no JWT");
            }
        } else if (!jwt) {
            problems.add(where + " (" + m + " " + p + ") is not behind the JWT authorizer");
        }
    }

    /**
     * {@value #CONTRACT} documents exactly the template's routes, with the same authentication: a
     * route whose operation (or the document) asks for no security is the template's route without
     * the JWT authorizer, and the other way round.
     */
    private void contract() {
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
        boolean securedByDefault = !list(contract.get("security")).isEmpty();
        Map<String, Boolean> documented = new LinkedHashMap<>();
        for (var path : map(contract.get("paths")).entrySet()) {
            for (var operation : map(path.getValue()).entrySet()) {
                if (OPENAPI_METHODS.contains(operation.getKey())) {
                    Object security = map(operation.getValue()).get("security");
                    documented.put(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(),
                            security == null ? securedByDefault : !list(security).isEmpty());
                }
            }
        }
        for (var route : templateRoutes.entrySet()) {
            Boolean secured = documented.get(route.getKey());
            if (secured == null) {
                problems.add("route " + route.getKey() + " is not documented in " + CONTRACT);
            } else if (secured != route.getValue()) {
                problems.add("route " + route.getKey() + (route.getValue() ? " is behind the JWT authorizer but " + CONTRACT
                        + " documents no security for it" : " has no JWT authorizer but " + CONTRACT + " documents a bearer token for it"));
            }
        }
        for (String route : documented.keySet()) {
            if (!templateRoutes.containsKey(route)) {
                problems.add("route " + route + " is documented in " + CONTRACT + " but no function serves it");
            }
        }
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

    private void httpApis() {
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

    private void policies(String id, Object policies) {
        for (Object policy : list(policies)) {
            if (policy instanceof String managed) {
                if (managed.toLowerCase(Locale.ROOT).contains("dynamodb")) {
                    problems.add("function " + id + " uses the managed policy " + managed + ", which is not limited to the one table");
                }
                continue;
            }
            Map<String, Object> p = map(policy);
            for (var template : p.entrySet()) {
                if (template.getKey().equals("Statement")) {
                    for (Object statement : list(template.getValue())) {
                        statement(id, map(statement));
                    }
                } else if (template.getKey().startsWith("DynamoDB")) {
                    Object table = map(template.getValue()).get("TableName");
                    if (tableId == null || !tableId.equals(map(table).get("Ref"))) {
                        problems.add("function " + id + ": policy " + template.getKey() + " names " + describe(table) + ", not the table " + tableId);
                    }
                }
            }
        }
    }

    private void statement(String id, Map<String, Object> statement) {
        Object actions = statement.get("Action");
        List<?> actionList = actions instanceof List<?> l ? l : List.of(String.valueOf(actions));
        Object resource = statement.get("Resource");
        List<?> resourceList = resource instanceof List<?> l ? l : List.of(resource == null ? "(none)" : resource);
        boolean dynamo = actionList.stream().anyMatch(a -> String.valueOf(a).toLowerCase(Locale.ROOT).startsWith("dynamodb:")
                || String.valueOf(a).equals("*"));
        for (Object r : resourceList) {
            if ("*".equals(r)) {
                problems.add("function " + id + ": a policy statement grants " + actionList + " on every resource (*)");
            } else if (dynamo && !isTableOrIndex(r)) {
                problems.add("function " + id + ": a policy names " + describe(r) + ", not the table " + tableId + " or its indexes");
            }
        }
    }

    private boolean isTableOrIndex(Object resource) {
        Map<String, Object> m = map(resource);
        if (m.get("Fn::GetAtt") instanceof List<?> getAtt) {
            return getAtt.size() == 2 && String.valueOf(getAtt.get(0)).equals(tableId) && "Arn".equals(getAtt.get(1));
        }
        if (m.get("Fn::Sub") instanceof String sub) {
            Matcher index = Pattern.compile("\\$\\{" + Pattern.quote(String.valueOf(tableId)) + "\\.Arn}/index/(.+)").matcher(sub);
            return index.matches() && (index.group(1).equals("*") || tableIndexes().contains(index.group(1)));
        }
        return false;
    }

    private void outputs() {
        Map<String, Object> outputs = map(document.get("Outputs"));
        for (String required : List.of("ApiUrl", "TableName")) {
            if (!outputs.containsKey(required)) {
                problems.add("Outputs must include " + required);
            }
        }
        for (var o : outputs.entrySet()) {
            if (map(o.getValue()).get("Value") == null) {
                problems.add("output " + o.getKey() + " has no Value");
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

    private static String describe(Object value) {
        Map<String, Object> m = map(value);
        if (m.get("Ref") != null) {
            return "!Ref " + m.get("Ref");
        }
        if (m.get("Fn::GetAtt") instanceof List<?> l) {
            return "!GetAtt " + String.join(".", l.stream().map(String::valueOf).toList());
        }
        if (m.get("Fn::Sub") != null) {
            return "!Sub " + m.get("Fn::Sub");
        }
        return String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
