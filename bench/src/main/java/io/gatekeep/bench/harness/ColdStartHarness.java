package io.gatekeep.bench.harness;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.GarbageCollectorMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Runs in a fresh JVM, as the Lambda runtime would: loads one handler through its public no-arg
 * constructor (the Lambda path: {@code Config.fromEnvironment()}, its own DynamoDB client), then
 * serves its first request, then the same request a few more times (the steady figure), and prints
 * one line of timestamps for the parent benchmark:
 *
 * <pre>GATEKEEP-HARNESS main=&lt;epoch ms&gt; init=&lt;epoch ms&gt; primed=&lt;epoch ms&gt; primeOk=.. first=&lt;epoch ms&gt; firstMicros=.. steadyMicros=.. status=.. heapPeakBytes=.. gcCount=..</pre>
 *
 * <p>With the system property {@value #PRIME} = true, the function's SnapStart priming runs right
 * after the constructor, as Lambda runs it before taking the snapshot: the CRaC hooks
 * ({@code beforeCheckpoint}, then {@code afterRestore}) through {@code Priming.checkpointAndRestore()}
 * of the function's own jar, called reflectively so this jar stays free of it. The first request
 * then stands for a restored instance's first request (what the snapshot cannot hold, the restore
 * itself and TLS, is not in it).
 *
 * <p>Only the JDK and the Lambda core/events classes are used here (this jar sits next to the
 * function's shaded jar, or next to those two jars for the hello handler), so the harness loads
 * nothing the handler would not load itself: no Jackson, no SDK. The event is built from a
 * properties file with the events library's builders.
 *
 * <p>Arguments: {@code <handler class> <event spec file>}. Spec keys: {@code kind} (http|stream),
 * {@code function}, {@code timeoutMs}, {@code memoryMb}, {@code repeat}; for http {@code method},
 * {@code path}, {@code routeKey}, {@code rawQuery}, {@code body}, and prefixed maps
 * {@code pathParam.}, {@code query.}, {@code header.}, {@code claim.}, {@code iam.userArn}; for stream {@code body}
 * (the JSON event); for map (a scheduled function) {@code map.}-prefixed top-level fields.
 */
public final class ColdStartHarness {
    public static final String RESULT_PREFIX = "GATEKEEP-HARNESS ";
    public static final String PRIME = "gatekeep.bench.prime";

    private ColdStartHarness() {}

    public static void main(String[] args) throws Exception {
        long main = System.currentTimeMillis();
        PrintStream out = System.out; // the result line goes here, whatever the handler does with System.out
        Properties spec = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            spec.load(in);
        }

        long[] liveAfterGc = {0};
        if (Boolean.parseBoolean(spec.getProperty("trackGc", "false"))) {
            trackLiveHeap(liveAfterGc); // management classes: only where the figure is wanted (not in cold starts)
        }
        Object handler = Class.forName(args[0]).getConstructor().newInstance();
        long init = System.currentTimeMillis();
        String primeOk = "-";
        if (Boolean.getBoolean(PRIME)) {
            primeOk = prime();
        }
        long primed = System.currentTimeMillis();

        String kind = spec.getProperty("kind", "http");
        Context context = new HarnessContext(spec.getProperty("function", "bench"),
                Long.parseLong(spec.getProperty("timeoutMs", "15000")), Integer.parseInt(spec.getProperty("memoryMb", "1024")));
        long t0 = System.nanoTime();
        String status = invoke(handler, kind, spec, context);
        long firstMicros = (System.nanoTime() - t0) / 1_000;
        long first = System.currentTimeMillis();

        int repeat = Integer.parseInt(spec.getProperty("repeat", "0"));
        long steadyMicros = -1;
        for (int i = 0; i < repeat; i++) {
            long s = System.nanoTime();
            invoke(handler, kind, spec, context);
            long micros = (System.nanoTime() - s) / 1_000;
            steadyMicros = steadyMicros < 0 ? micros : Math.min(steadyMicros, micros);
        }

        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        out.println(RESULT_PREFIX + "main=" + main + " init=" + init + " primed=" + primed + " primeOk=" + primeOk
                + " first=" + first + " firstMicros=" + firstMicros
                + " steadyMicros=" + steadyMicros + " status=" + status + " heapPeakBytes=" + heapPeak
                + " gcCount=" + gcCount + " gcMillis=" + gcMillis + " liveAfterGcBytes=" + liveAfterGc[0]);
        out.flush();
        System.exit(0); // non-daemon threads of an SDK client must not keep the JVM alive
    }

    /**
     * The CRaC hooks of every priming the constructor registered; "true" when each ran its whole
     * success path, else the failures (no spaces: the result line is split on them).
     */
    private static String prime() throws ReflectiveOperationException {
        Class<?> priming = Class.forName("io.gatekeep.shared.priming.Priming");
        List<?> outcomes = (List<?>) priming.getMethod("checkpointAndRestore").invoke(null);
        if (outcomes.isEmpty()) {
            return "none-registered";
        }
        StringBuilder failures = new StringBuilder();
        for (Object outcome : outcomes) {
            if (!(Boolean) outcome.getClass().getMethod("primed").invoke(outcome)) {
                failures.append(outcome.getClass().getMethod("failure").invoke(outcome)).append(';');
            }
        }
        return failures.isEmpty() ? "true" : failures.toString().replace(' ', '_');
    }

    /** The largest heap in use right after a collection: the live data's peak (what -Xmx must hold). */
    private static void trackLiveHeap(long[] max) {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((javax.management.NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                        (javax.management.openmbean.CompositeData) notification.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(u -> u.getUsed()).sum();
                synchronized (max) {
                    max[0] = Math.max(max[0], used);
                }
            }, null, null);
        }
    }

    @SuppressWarnings("unchecked")
    private static String invoke(Object handler, String kind, Properties spec, Context context) throws IOException {
        if (kind.equals("map")) {
            // A scheduled (EventBridge) function's event, as the runtime hands it to a RequestHandler<Map, ...>.
            Map<String, Object> event = new HashMap<>(prefixed(spec, "map."));
            event.put("detail", new HashMap<String, Object>());
            if (handler instanceof RequestStreamHandler streamHandler) {
                // The same event as JSON, as the runtime hands it to a RequestStreamHandler (the sweep).
                StringBuilder json = new StringBuilder("{\"detail\":{}");
                prefixed(spec, "map.").forEach((k, v) -> json.append(",\"").append(k).append("\":\"").append(v).append('"'));
                var output = new ByteArrayOutputStream();
                streamHandler.handleRequest(new ByteArrayInputStream(json.append('}').toString().getBytes(StandardCharsets.UTF_8)),
                        output, context);
                return "map:" + Base64.getEncoder().encodeToString(output.toByteArray());
            }
            Object result = ((RequestHandler<Map<String, Object>, Object>) handler).handleRequest(event, context);
            return "map:" + Base64.getEncoder().encodeToString(String.valueOf(result).getBytes(StandardCharsets.UTF_8));
        }
        if (kind.equals("stream")) {
            var output = new ByteArrayOutputStream();
            ((RequestStreamHandler) handler).handleRequest(
                    new ByteArrayInputStream(spec.getProperty("body", "").getBytes(StandardCharsets.UTF_8)), output, context);
            // The operator's report: counts and ids only (no secrets); the parent reads it.
            return "stream:" + Base64.getEncoder().encodeToString(output.toByteArray());
        }
        var response = ((RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) handler)
                .handleRequest(event(spec), context);
        return Integer.toString(response.getStatusCode());
    }

    public static APIGatewayV2HTTPEvent event(Properties spec) {
        long now = System.currentTimeMillis();
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(spec.getProperty("method"))
                .withPath(spec.getProperty("path"))
                .withProtocol("HTTP/1.1")
                .withSourceIp("127.0.0.1")
                .withUserAgent("gatekeep-bench")
                .build();
        var context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withAccountId("000000000000")
                .withApiId("bench")
                .withDomainName("bench.execute-api.us-east-1.amazonaws.com")
                .withDomainPrefix("bench")
                .withHttp(http)
                .withRequestId("bench-" + now)
                .withRouteKey(spec.getProperty("routeKey"))
                .withStage("$default")
                .withTimeEpoch(now)
                .build();
        Map<String, String> claims = prefixed(spec, "claim.");
        if (!claims.isEmpty()) {
            context.setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(claims).build())
                    .build());
        } else if (spec.getProperty("iam.userArn") != null) {
            // An AWS_IAM route: API Gateway hands over the SigV4 caller it verified.
            context.setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM.builder()
                            .withAccountId("000000000000")
                            .withUserArn(spec.getProperty("iam.userArn"))
                            .build())
                    .build());
        }
        Map<String, String> pathParameters = prefixed(spec, "pathParam.");
        Map<String, String> query = prefixed(spec, "query.");
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(spec.getProperty("routeKey"))
                .withRawPath(spec.getProperty("path"))
                .withRawQueryString(spec.getProperty("rawQuery", ""))
                .withHeaders(prefixed(spec, "header."))
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withRequestContext(context)
                .withBody(spec.getProperty("body"))
                .withIsBase64Encoded(false)
                .build();
    }

    private static Map<String, String> prefixed(Properties spec, String prefix) {
        Map<String, String> values = new HashMap<>();
        for (String name : spec.stringPropertyNames()) {
            if (name.startsWith(prefix)) {
                values.put(name.substring(prefix.length()), spec.getProperty(name));
            }
        }
        return values;
    }
}
