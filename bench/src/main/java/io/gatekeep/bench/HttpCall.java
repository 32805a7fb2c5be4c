package io.gatekeep.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.gatekeep.bench.harness.ColdStartHarness;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One request to an HTTP API route, as API Gateway hands it to the function: the same description
 * becomes an in-process event (warm latency, request counts, throughput) or a properties file for
 * {@link ColdStartHarness} in a fresh JVM (cold start), built by the same code either way.
 */
public record HttpCall(String method, String routeTemplate, Map<String, String> pathParameters, Map<String, String> query,
                       Map<String, String> headers, Map<String, String> claims, String body, String iamUserArn) {

    /** A call with a tenant's JWT claims (or none): every route but the back office's. */
    public HttpCall(String method, String routeTemplate, Map<String, String> pathParameters, Map<String, String> query,
                    Map<String, String> headers, Map<String, String> claims, String body) {
        this(method, routeTemplate, pathParameters, query, headers, claims, body, null);
    }

    public HttpCall {
        pathParameters = Map.copyOf(pathParameters);
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        claims = Map.copyOf(claims);
    }

    public String routeKey() {
        return method + " " + routeTemplate;
    }

    public String path() {
        String path = routeTemplate;
        for (var p : pathParameters.entrySet()) {
            path = path.replace("{" + p.getKey() + "}", p.getValue());
        }
        return path;
    }

    public HttpCall withQuery(String name, String value) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put(name, value);
        return new HttpCall(method, routeTemplate, pathParameters, q, headers, claims, body, iamUserArn);
    }

    /** The harness's event spec ({@code kind=http}). */
    public Properties spec() {
        Properties p = new Properties();
        p.setProperty("kind", "http");
        p.setProperty("method", method);
        p.setProperty("path", path());
        p.setProperty("routeKey", routeKey());
        StringBuilder raw = new StringBuilder();
        query.forEach((k, v) -> raw.append(raw.isEmpty() ? "" : "&").append(k).append('=').append(v));
        p.setProperty("rawQuery", raw.toString());
        pathParameters.forEach((k, v) -> p.setProperty("pathParam." + k, v));
        query.forEach((k, v) -> p.setProperty("query." + k, v));
        headers.forEach((k, v) -> p.setProperty("header." + k, v));
        claims.forEach((k, v) -> p.setProperty("claim." + k, v));
        if (iamUserArn != null) {
            p.setProperty("iam.userArn", iamUserArn);
        }
        if (body != null) {
            p.setProperty("body", body);
        }
        return p;
    }

    /** The API Gateway (payload 2.0) event, built exactly as the cold-start harness builds it. */
    public APIGatewayV2HTTPEvent event() {
        return ColdStartHarness.event(spec());
    }
}
