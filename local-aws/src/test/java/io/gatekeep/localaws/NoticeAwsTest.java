package io.gatekeep.localaws;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which endpoints the standard variables set, with the AWS SDKs' documented precedence. */
class NoticeAwsTest {
    private static final URI LOCALSTACK = URI.create("http://localhost:4566");

    @Test
    void noVariableMeansNoConfiguredEndpoint() {
        assertEquals(Optional.empty(), NoticeAws.Endpoints.configured(Map.of()));
        assertEquals(Optional.empty(), NoticeAws.Endpoints.configured(Map.of("AWS_ENDPOINT_URL", "  ")));
    }

    @Test
    void theGlobalVariableSetsAllThreeServices() {
        var e = NoticeAws.Endpoints.configured(Map.of("AWS_ENDPOINT_URL", "http://localhost:4566")).orElseThrow();
        assertEquals(new NoticeAws.Endpoints(LOCALSTACK, LOCALSTACK, LOCALSTACK, "AWS_ENDPOINT_URL=http://localhost:4566"), e);
        assertEquals(Map.of("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://localhost:4566", "AWS_ENDPOINT_URL_SES", "http://localhost:4566"),
                e.functionVariables());
    }

    @Test
    void aServicesOwnVariableWinsOverTheGlobalOne() {
        var e = NoticeAws.Endpoints.configured(Map.of("AWS_ENDPOINT_URL", "http://localhost:4566",
                "AWS_ENDPOINT_URL_SES", "http://127.0.0.1:5000")).orElseThrow();
        assertEquals(LOCALSTACK, e.eventBridge());
        assertEquals(URI.create("http://127.0.0.1:5000"), e.ses());
        assertEquals(LOCALSTACK, e.sqs());
        assertEquals("AWS_ENDPOINT_URL=http://localhost:4566, AWS_ENDPOINT_URL_SES=http://127.0.0.1:5000", e.source());
    }

    @Test
    void eachServiceMaySetItsOwnWithoutTheGlobalOne() {
        var e = NoticeAws.Endpoints.configured(Map.of("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://a:1", "AWS_ENDPOINT_URL_SES", "http://b:2",
                "AWS_ENDPOINT_URL_SQS", "http://c:3")).orElseThrow();
        assertEquals(new NoticeAws.Endpoints(URI.create("http://a:1"), URI.create("http://b:2"), URI.create("http://c:3"),
                "AWS_ENDPOINT_URL_EVENTBRIDGE=http://a:1, AWS_ENDPOINT_URL_SES=http://b:2, AWS_ENDPOINT_URL_SQS=http://c:3"), e);
    }

    @Test
    void someServicesWithoutAnEndpointAreRefusedSoNothingGoesToRealAws() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> NoticeAws.Endpoints.configured(Map.of("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://localhost:4566")));
        assertTrue(e.getMessage().contains("AWS_ENDPOINT_URL_SES and AWS_ENDPOINT_URL_SQS"), e.getMessage());
    }

    @Test
    void ignoreConfiguredEndpointUrlsIgnoresThemAll() {
        assertEquals(Optional.empty(), NoticeAws.Endpoints.configured(Map.of("AWS_ENDPOINT_URL", "http://localhost:4566",
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")));
        assertTrue(NoticeAws.Endpoints.configured(Map.of("AWS_ENDPOINT_URL", "http://localhost:4566",
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")).isPresent());
    }

    @Test
    void anEndpointMustBeAnHttpUrl() {
        var e = assertThrows(IllegalArgumentException.class, () -> NoticeAws.Endpoints.configured(Map.of("AWS_ENDPOINT_URL", "localhost:4566")));
        assertEquals("AWS_ENDPOINT_URL must be an http(s) URL such as http://localhost:4566, not 'localhost:4566'", e.getMessage());
    }
}
