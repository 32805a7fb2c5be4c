package io.gatekeep.testsupport;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gatekeep.localaws.ProjectFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Full API Gateway HTTP API (payload 2.0) events, read from {@code events/} and adjusted per
 * test: path parameters, claims (as the JWT authorizer places them), headers, query and body.
 */
public final class ApiEvents {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ApiEvents() {}

    public static APIGatewayV2HTTPEvent read(Path file) {
        try {
            return MAPPER.readValue(Files.readString(file), APIGatewayV2HTTPEvent.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read event " + file, e);
        }
    }

    /** An event file under events/ (e.g. {@code "identity-health.json"}), ready to adjust. */
    public static Builder load(String name) {
        return new Builder(read(ProjectFiles.events().resolve(name)));
    }

    public static final class Builder {
        private final APIGatewayV2HTTPEvent event;

        Builder(APIGatewayV2HTTPEvent event) {
            this.event = event;
        }

        public Builder pathParameter(String name, String value) {
            Map<String, String> params = event.getPathParameters() == null ? new HashMap<>() : new HashMap<>(event.getPathParameters());
            if (value == null) {
                params.remove(name);
            } else {
                params.put(name, value);
            }
            event.setPathParameters(params);
            if (event.getRawPath() != null) {
                event.setRawPath(event.getRequestContext().getHttp().getPath());
            }
            return this;
        }

        public Builder organization(String organizationId) {
            pathParameter("organizationId", organizationId);
            String route = event.getRouteKey().substring(event.getRouteKey().indexOf(' ') + 1);
            String path = route.replace("{organizationId}", organizationId == null ? "" : organizationId);
            event.setRawPath(path);
            event.getRequestContext().getHttp().setPath(path);
            return this;
        }

        /** The caller as API Gateway's JWT authorizer reports it; null claims means no authorizer context. */
        public Builder claims(Map<String, String> claims) {
            if (claims == null) {
                event.getRequestContext().setAuthorizer(null);
                return this;
            }
            var jwt = APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                    .withClaims(new LinkedHashMap<>(claims)).build();
            event.getRequestContext().setAuthorizer(
                    APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withJwt(jwt).build());
            return this;
        }

        public Builder caller(String sub, String orgId, String role, String email) {
            Map<String, String> claims = new LinkedHashMap<>();
            claims.put("sub", sub);
            if (orgId != null) {
                claims.put("org_id", orgId);
            }
            if (role != null) {
                claims.put("role", role);
            }
            if (email != null) {
                claims.put("email", email);
            }
            return claims(claims);
        }

        public Builder header(String name, String value) {
            Map<String, String> headers = event.getHeaders() == null ? new HashMap<>() : new HashMap<>(event.getHeaders());
            headers.put(name, value);
            event.setHeaders(headers);
            return this;
        }

        public Builder query(String name, String value) {
            Map<String, String> query = event.getQueryStringParameters() == null ? new HashMap<>() : new HashMap<>(event.getQueryStringParameters());
            if (value == null) {
                query.remove(name);
            } else {
                query.put(name, value);
            }
            event.setQueryStringParameters(query.isEmpty() ? null : query);
            return this;
        }

        public Builder body(String body) {
            event.setBody(body);
            event.setIsBase64Encoded(false);
            return this;
        }

        public Builder requestId(String requestId) {
            event.getRequestContext().setRequestId(requestId);
            return this;
        }

        public APIGatewayV2HTTPEvent build() {
            return event;
        }
    }
}
