package io.gatekeep.localaws;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of template.yaml that the local runner and the tests use: the functions with their
 * handlers and HTTP routes, and the one table. The local runner serves exactly these routes and
 * tests create their table from exactly this definition, so the template cannot drift from what
 * runs here.
 */
public record SamTemplate(Map<String, Object> document, List<Function> functions, Map<String, Object> tableProperties,
                          String tableLogicalId) {

    /**
     * {@code auth}: how API Gateway admits a request before the function runs: the JWT authorizer (the
     * default), {@code AWS_IAM} (SigV4 by an IAM principal: the back office's internal routes), or
     * {@code NONE} (the webhook, which is authenticated by its signature).
     */
    public record Route(String eventName, String method, String path, Auth auth) {
        public enum Auth { JWT, AWS_IAM, NONE }

        /** Behind the JWT authorizer (a bearer token is checked). */
        public boolean authorized() {
            return auth == Auth.JWT;
        }
    }

    public record Function(String logicalId, String codeUri, String handler, Map<String, Object> properties,
                           List<Route> routes) {
        public String handlerClass() {
            int sep = handler.indexOf("::");
            return sep < 0 ? handler : handler.substring(0, sep);
        }

        public String handlerMethod() {
            int sep = handler.indexOf("::");
            return sep < 0 ? "handleRequest" : handler.substring(sep + 2);
        }
    }

    public static SamTemplate load() {
        return load(ProjectFiles.template());
    }

    @SuppressWarnings("unchecked")
    public static SamTemplate load(Path path) {
        Map<String, Object> doc = CloudFormationYaml.load(path);
        Map<String, Object> resources = (Map<String, Object>) doc.getOrDefault("Resources", Map.of());
        List<Function> functions = new ArrayList<>();
        Map<String, Object> table = null;
        String tableId = null;
        for (var entry : resources.entrySet()) {
            Map<String, Object> resource = (Map<String, Object>) entry.getValue();
            Map<String, Object> props = (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
            String type = String.valueOf(resource.get("Type"));
            if (type.equals("AWS::Serverless::Function")) {
                List<Route> routes = new ArrayList<>();
                var events = (Map<String, Object>) props.getOrDefault("Events", Map.of());
                for (var ev : events.entrySet()) {
                    var event = (Map<String, Object>) ev.getValue();
                    if (!"HttpApi".equals(event.get("Type"))) {
                        continue;
                    }
                    var ep = (Map<String, Object>) event.getOrDefault("Properties", Map.of());
                    var auth = (Map<String, Object>) ep.get("Auth");
                    Object authorizer = auth == null ? null : auth.get("Authorizer");
                    Route.Auth kind = "NONE".equals(authorizer) ? Route.Auth.NONE
                            : "AWS_IAM".equals(authorizer) ? Route.Auth.AWS_IAM : Route.Auth.JWT;
                    routes.add(new Route(ev.getKey(), String.valueOf(ep.get("Method")).toUpperCase(),
                            String.valueOf(ep.get("Path")), kind));
                }
                functions.add(new Function(entry.getKey(), (String) props.get("CodeUri"), (String) props.get("Handler"),
                        props, List.copyOf(routes)));
            } else if (type.equals("AWS::DynamoDB::Table")) {
                if (table != null) {
                    throw new IllegalStateException("the template must hold exactly one table, found " + tableId + " and " + entry.getKey());
                }
                table = props;
                tableId = entry.getKey();
            }
        }
        if (table == null) {
            throw new IllegalStateException("the template holds no AWS::DynamoDB::Table");
        }
        return new SamTemplate(doc, List.copyOf(functions), table, tableId);
    }

    public List<Route> routes() {
        return functions.stream().flatMap(f -> f.routes().stream()).toList();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> globalsFunction() {
        var globals = (Map<String, Object>) document.getOrDefault("Globals", Map.of());
        return (Map<String, Object>) globals.getOrDefault("Function", Map.of());
    }

    /** The CreateTable request that the template's table stands for, under another name. */
    @SuppressWarnings("unchecked")
    public CreateTableRequest createTableRequest(String tableName) {
        var attributes = ((List<Map<String, Object>>) tableProperties.get("AttributeDefinitions")).stream()
                .map(a -> AttributeDefinition.builder()
                        .attributeName((String) a.get("AttributeName"))
                        .attributeType((String) a.get("AttributeType")).build())
                .toList();
        var builder = CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode((String) tableProperties.get("BillingMode"))
                .attributeDefinitions(attributes)
                .keySchema(keySchema((List<Map<String, Object>>) tableProperties.get("KeySchema")));
        var gsis = (List<Map<String, Object>>) tableProperties.get("GlobalSecondaryIndexes");
        if (gsis != null && !gsis.isEmpty()) {
            builder.globalSecondaryIndexes(gsis.stream().map(g -> GlobalSecondaryIndex.builder()
                    .indexName((String) g.get("IndexName"))
                    .keySchema(keySchema((List<Map<String, Object>>) g.get("KeySchema")))
                    .projection(Projection.builder()
                            .projectionType((String) ((Map<String, Object>) g.get("Projection")).get("ProjectionType"))
                            .build())
                    .build()).toList());
        }
        var stream = (Map<String, Object>) tableProperties.get("StreamSpecification");
        if (stream != null) {
            builder.streamSpecification(StreamSpecification.builder().streamEnabled(true)
                    .streamViewType((String) stream.get("StreamViewType")).build());
        }
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    public String ttlAttribute() {
        var ttl = (Map<String, Object>) tableProperties.get("TimeToLiveSpecification");
        return ttl != null && Boolean.TRUE.equals(ttl.get("Enabled")) ? (String) ttl.get("AttributeName") : null;
    }

    private static List<KeySchemaElement> keySchema(List<Map<String, Object>> elements) {
        return elements.stream().map(k -> KeySchemaElement.builder()
                .attributeName((String) k.get("AttributeName"))
                .keyType((String) k.get("KeyType")).build()).toList();
    }

    public Map<String, Object> resources() {
        @SuppressWarnings("unchecked")
        var resources = (Map<String, Object>) document.getOrDefault("Resources", Map.of());
        return new LinkedHashMap<>(resources);
    }
}
