package io.gatekeep.testsupport;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.gatekeep.localaws.ProjectFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API contract, {@code openapi.yaml} at the project root, as tests hold the handlers to it: every
 * response a handler gives must have a status the route documents, be JSON, and validate against the
 * documented schema (JSON Schema 2020-12 with OpenAPI 3.1's dialect, by networknt's validator). A
 * request for a route the document does not have must be answered 404 in the error shape.
 *
 * <p>A handler test wraps its handler once: {@code handler = ApiContract.checked(new XHandler(...))};
 * from then on every response it sees has been checked, and a response the contract does not allow
 * fails the test with what differs.
 */
public final class ApiContract {
    /** Where the document is loaded from, for the validator's $refs (never fetched). */
    private static final String BASE = "https://gatekeep.invalid/openapi.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile ApiContract shared;

    private final JsonNode document;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private ApiContract(Path file) {
        try {
            this.document = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the API contract " + file, e);
        }
        String json = document.toString();
        this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
                builder -> builder.schemas(Map.of(BASE, json)));
    }

    /** The project's {@code openapi.yaml}, read once per JVM. */
    public static ApiContract load() {
        ApiContract contract = shared;
        if (contract == null) {
            synchronized (ApiContract.class) {
                if (shared == null) {
                    shared = new ApiContract(file());
                }
                contract = shared;
            }
        }
        return contract;
    }

    public static Path file() {
        return ProjectFiles.root().resolve("openapi.yaml");
    }

    /** An HTTP handler whose every response is checked against the contract. */
    @FunctionalInterface
    public interface CheckedHandler extends RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {}

    /** {@code handler}, with each of its responses checked against the contract. */
    public static CheckedHandler checked(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        ApiContract contract = load();
        return (event, context) -> {
            APIGatewayV2HTTPResponse response = handler.handleRequest(event, context);
            contract.check(event, response);
            return response;
        };
    }

    /** The same, for a test that calls a handler some other way: the response, once checked. */
    public static APIGatewayV2HTTPResponse checked(APIGatewayV2HTTPEvent event, APIGatewayV2HTTPResponse response) {
        load().check(event, response);
        return response;
    }

    /** Every route the document has, as API Gateway route keys ({@code POST /webhooks/workos}). */
    public Set<String> routes() {
        Set<String> routes = new TreeSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (METHODS.contains(operation.getKey())) {
                routes.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return routes;
    }

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    /** Fails with an {@link AssertionError} naming every difference between the response and the contract. */
    public void check(APIGatewayV2HTTPEvent request, APIGatewayV2HTTPResponse response) {
        String routeKey = request.getRouteKey();
        List<String> problems = problems(routeKey, response);
        if (!problems.isEmpty()) {
            throw new AssertionError("the response of " + routeKey + " (" + response.getStatusCode()
                    + ") breaks openapi.yaml:\n  " + String.join("\n  ", problems) + "\nbody: " + response.getBody());
        }
    }

    List<String> problems(String routeKey, APIGatewayV2HTTPResponse response) {
        List<String> problems = new ArrayList<>();
        int status = response.getStatusCode();
        String pointer = operationPointer(routeKey);
        String responsePointer;
        if (pointer == null) {
            if (status != 404) {
                problems.add("route " + routeKey + " is not in the contract, so the only answer is 404 not_found, not " + status);
            }
            responsePointer = "/components/responses/NotFound";
        } else {
            String documented = pointer + "/responses/" + status;
            if (document.at(documented).isMissingNode()) {
                documented = pointer + "/responses/default";
            }
            if (document.at(documented).isMissingNode()) {
                problems.add("status " + status + " is not documented for " + routeKey + " (documented: "
                        + names(document.at(pointer + "/responses")) + ")");
                return problems;
            }
            responsePointer = resolve(documented);
        }
        JsonNode documentedResponse = document.at(responsePointer);
        checkHeaders(responsePointer, documentedResponse, response, problems);
        JsonNode content = documentedResponse.path("content");
        if (content.isMissingNode()) {
            if (response.getBody() != null && !response.getBody().isEmpty()) {
                problems.add("a body where the contract documents none");
            }
            return problems;
        }
        String contentType = header(response, "Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            problems.add("Content-Type " + contentType + ", not application/json");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.getBody() == null ? "" : response.getBody());
        } catch (IOException e) {
            problems.add("the body is not JSON");
            return problems;
        }
        if (body == null || body.isMissingNode()) {
            problems.add("no body");
            return problems;
        }
        for (Error error : schema(responsePointer + "/content/application~1json/schema").validate(body)) {
            problems.add(error.getInstanceLocation() + ": " + error.getMessage());
        }
        return problems;
    }

    private void checkHeaders(String responsePointer, JsonNode documentedResponse, APIGatewayV2HTTPResponse response,
                              List<String> problems) {
        documentedResponse.path("headers").properties().forEach(entry -> {
            String value = header(response, entry.getKey());
            String headerPointer = resolve(responsePointer + "/headers/" + escape(entry.getKey()));
            JsonNode header = document.at(headerPointer);
            if (value == null) {
                if (header.path("required").asBoolean(false)) {
                    problems.add("header " + entry.getKey() + " is required");
                }
                return;
            }
            for (Error error : schema(headerPointer + "/schema").validate(JSON.getNodeFactory().textNode(value))) {
                problems.add("header " + entry.getKey() + ": " + error.getMessage());
            }
        });
    }

    /** What is wrong with a request's JSON body by the contract (the route's requestBody schema); empty when fine. */
    public List<String> requestProblems(APIGatewayV2HTTPEvent request) {
        String pointer = operationPointer(request.getRouteKey());
        if (pointer == null) {
            return List.of("route " + request.getRouteKey() + " is not in the contract");
        }
        JsonNode requestBody = document.at(resolve(pointer + "/requestBody"));
        if (requestBody.isMissingNode()) {
            return request.getBody() == null || request.getBody().isEmpty() ? List.of() : List.of("a body where the contract takes none");
        }
        String schemaPointer = resolve(pointer + "/requestBody") + "/content/application~1json/schema";
        JsonNode body;
        try {
            body = JSON.readTree(request.getBody() == null ? "" : request.getBody());
        } catch (IOException e) {
            return List.of("the body is not JSON");
        }
        if (body == null || body.isMissingNode()) {
            return List.of("no body");
        }
        return schema(schemaPointer).validate(body).stream()
                .map(error -> error.getInstanceLocation() + ": " + error.getMessage()).toList();
    }

    /** The JSON pointer of the operation of {@code "METHOD /path"}, or null when the contract has none. */
    private String operationPointer(String routeKey) {
        if (routeKey == null || routeKey.indexOf(' ') < 0) {
            return null;
        }
        String method = routeKey.substring(0, routeKey.indexOf(' ')).toLowerCase(Locale.ROOT);
        String path = routeKey.substring(routeKey.indexOf(' ') + 1);
        String pointer = "/paths/" + escape(path) + "/" + method;
        return document.at(pointer).isMissingNode() ? null : pointer;
    }

    /** Follows a local {@code $ref} (a response or header defined once under components). */
    private String resolve(String pointer) {
        for (int hops = 0; hops < 8; hops++) {
            JsonNode ref = document.at(pointer).get("$ref");
            if (ref == null) {
                return pointer;
            }
            if (!ref.asText().startsWith("#/")) {
                throw new IllegalStateException("only local $refs are supported: " + ref.asText());
            }
            pointer = ref.asText().substring(1);
        }
        throw new IllegalStateException("$ref loop at " + pointer);
    }

    private Schema schema(String pointer) {
        return schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(BASE + "#" + p)));
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String header(APIGatewayV2HTTPResponse response, String name) {
        if (response.getHeaders() == null) {
            return null;
        }
        for (var entry : response.getHeaders().entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static String names(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return String.join(", ", names);
    }
}
