package io.gatekeep.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.SamTemplate;
import io.gatekeep.shared.config.Config;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The template's functions, each one handler instance made the way the tests make them: through the
 * public {@code (Config, DynamoDbClient, Clock)} constructor, with the function's own environment.
 * A function whose class is not there (yet) or cannot be made is kept as unavailable with the
 * reason, so the rest of the system runs. Like a Lambda instance, a handler serves one invocation
 * at a time.
 */
public final class LambdaFunctions {
    /** How the Lambda runtime reads and writes POJO events: lenient on unknown fields. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public record Deployed(SamTemplate.Function function, Object handler, Method method, String unavailableReason,
                           Map<String, String> environment, int timeoutSeconds, int memoryMb) {
        public boolean available() {
            return handler != null;
        }

        public String name() {
            return function.logicalId();
        }
    }

    /** A handler threw: what Lambda reports as a function error. */
    public static final class FunctionError extends Exception {
        FunctionError(Throwable cause) {
            super(cause.getClass().getName() + ": " + cause.getMessage(), cause);
        }
    }

    private final Map<String, Deployed> functions;
    private final List<String> warnings;

    private LambdaFunctions(Map<String, Deployed> functions, List<String> warnings) {
        this.functions = functions;
        this.warnings = warnings;
    }

    public static LambdaFunctions deploy(SamTemplate template, FunctionEnvironment environment, DynamoDbClient dynamo, Clock clock) {
        Map<String, Deployed> functions = new LinkedHashMap<>();
        List<String> warnings = new java.util.ArrayList<>();
        Map<String, Object> globals = template.globalsFunction();
        for (var function : template.functions()) {
            var resolved = environment.resolve(template, function);
            warnings.addAll(resolved.warnings());
            int timeout = intSetting(function.properties().get("Timeout"), globals.get("Timeout"), 3);
            int memory = intSetting(function.properties().get("MemorySize"), globals.get("MemorySize"), 128);
            Object handler = null;
            Method method = null;
            String reason = null;
            try {
                Class<?> type = Class.forName(function.handlerClass());
                method = handlerMethod(type, function.handlerMethod());
                handler = type.getConstructor(Config.class, DynamoDbClient.class, Clock.class)
                        .newInstance(new Config(resolved.variables()), dynamo, clock);
            } catch (ClassNotFoundException e) {
                reason = "class " + function.handlerClass() + " is not on the classpath (not written yet?)";
            } catch (NoSuchMethodException e) {
                reason = method == null
                        ? "no public method " + function.handlerMethod() + "(event[, Context]) in " + function.handlerClass()
                        : "no public (Config, DynamoDbClient, Clock) constructor in " + function.handlerClass();
            } catch (InvocationTargetException e) {
                reason = "its constructor failed: " + e.getCause();
            } catch (ReflectiveOperationException | LinkageError e) {
                reason = "cannot be made: " + e;
            }
            functions.put(function.logicalId(), new Deployed(function, handler, method, reason, resolved.variables(), timeout, memory));
        }
        return new LambdaFunctions(functions, List.copyOf(warnings));
    }

    public Optional<Deployed> get(String logicalId) {
        return Optional.ofNullable(functions.get(logicalId));
    }

    public List<Deployed> all() {
        return List.copyOf(functions.values());
    }

    public List<String> warnings() {
        return warnings;
    }

    /** Invokes an HTTP function with the event; returns the response as API Gateway reads it. */
    public APIGatewayV2HTTPResponse invokeHttp(Deployed function, APIGatewayV2HTTPEvent event) throws FunctionError {
        if (function.handler() instanceof RequestStreamHandler) {
            try {
                return inferResponse(MAPPER.readTree(invokeJson(function, MAPPER.writeValueAsBytes(event))));
            } catch (java.io.IOException e) {
                throw new FunctionError(e);
            }
        }
        Object result = invoke(function, input -> input.isInstance(event) ? event : MAPPER.convertValue(event, MAPPER.constructType(input)), null);
        if (result instanceof APIGatewayV2HTTPResponse response) {
            return response;
        }
        return inferResponse(result);
    }

    /** Invokes a function with a JSON event (as the console or {@code aws lambda invoke} does); returns its JSON result. */
    public byte[] invokeJson(Deployed function, byte[] json) throws FunctionError {
        if (function.handler() instanceof RequestStreamHandler) {
            var out = new ByteArrayOutputStream();
            invoke(function, null, new Object[]{new ByteArrayInputStream(json), out});
            return out.toByteArray();
        }
        Object result = invoke(function, input -> {
            try {
                var type = MAPPER.getTypeFactory().constructType(function.method().getGenericParameterTypes()[0]);
                return MAPPER.readValue(json.length == 0 ? "null".getBytes() : json, type);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("the event is not JSON for " + input.getSimpleName() + ": " + e.getMessage(), e);
            }
        }, null);
        try {
            return MAPPER.writeValueAsBytes(result);
        } catch (java.io.IOException e) {
            throw new FunctionError(e);
        }
    }

    private Object invoke(Deployed function, java.util.function.Function<Class<?>, Object> input, Object[] streams) throws FunctionError {
        Context context = new LocalContext(function.name(), function.timeoutSeconds() * 1000L, function.memoryMb());
        try {
            Method method = function.method();
            Object[] args;
            if (streams != null) {
                method = function.handler().getClass().getMethod("handleRequest",
                        java.io.InputStream.class, java.io.OutputStream.class, Context.class);
                args = new Object[]{streams[0], streams[1], context};
            } else {
                Object event = input.apply(method.getParameterTypes()[0]);
                args = method.getParameterCount() == 2 ? new Object[]{event, context} : new Object[]{event};
            }
            // One invocation at a time per instance, as Lambda runs them.
            synchronized (function.handler()) {
                return method.invoke(function.handler(), args);
            }
        } catch (InvocationTargetException e) {
            throw new FunctionError(e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new FunctionError(e);
        }
    }

    /**
     * A response that is not an {@link APIGatewayV2HTTPResponse}: read as API Gateway reads payload
     * 2.0 results. An object with {@code statusCode} is a response; anything else is a 200 JSON body.
     */
    static APIGatewayV2HTTPResponse inferResponse(Object result) throws FunctionError {
        JsonNode node = MAPPER.valueToTree(result);
        if (node != null && node.isObject() && node.has("statusCode")) {
            try {
                return MAPPER.treeToValue(node, APIGatewayV2HTTPResponse.class);
            } catch (java.io.IOException e) {
                throw new FunctionError(e);
            }
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(result instanceof String s ? s : String.valueOf(node))
                .build();
    }

    private static Method handlerMethod(Class<?> type, String name) throws NoSuchMethodException {
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(name) && !m.isBridge() && !m.isSynthetic())
                .filter(m -> m.getParameterCount() == 1
                        || (m.getParameterCount() == 2 && m.getParameterTypes()[1] == Context.class)
                        || (m.getParameterCount() == 3 && m.getParameterTypes()[2] == Context.class))
                // the most specific event type first (not Object)
                .min(Comparator.comparing(m -> m.getParameterTypes()[0] == Object.class))
                .orElseThrow(() -> new NoSuchMethodException(name));
    }

    private static int intSetting(Object own, Object global, int fallback) {
        Object value = own != null ? own : global;
        return value instanceof Number n ? n.intValue() : fallback;
    }
}
