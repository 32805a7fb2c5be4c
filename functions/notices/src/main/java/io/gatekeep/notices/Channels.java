package io.gatekeep.notices;

import io.gatekeep.shared.config.Config;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.ses.SesClient;

import java.net.URI;
import java.util.Optional;

/**
 * Where notices go: the EventBridge bus (always) and, when email is on, SES with the template
 * (template.yaml's NoticeEmailEnabled, NoticeEmailSender). The clients are built once per instance,
 * with the URL-connection HTTP client (the fastest to start) and the SDK's standard
 * {@code AWS_ENDPOINT_URL_EVENTBRIDGE} / {@code AWS_ENDPOINT_URL_SES} overrides (read from
 * configuration, so system properties work too: moto or LocalStack in tests and locally).
 */
record Channels(EventBridgeClient eventBridge, String busName, Optional<Email> email) implements AutoCloseable {
    static final String NOTICE_BUS_NAME = "NOTICE_BUS_NAME";
    static final String NOTICE_EMAIL_ENABLED = "NOTICE_EMAIL_ENABLED";
    static final String NOTICE_EMAIL_SENDER = "NOTICE_EMAIL_SENDER";
    static final String NOTICE_EMAIL_TEMPLATE = "NOTICE_EMAIL_TEMPLATE";
    static final String AWS_ENDPOINT_URL_EVENTBRIDGE = "AWS_ENDPOINT_URL_EVENTBRIDGE";
    static final String AWS_ENDPOINT_URL_SES = "AWS_ENDPOINT_URL_SES";
    /** Lambda sets it; the local runner passes it in the configuration (the SDK's chain also reads it from the environment). */
    static final String AWS_REGION = "AWS_REGION";

    record Email(SesClient ses, String sender, String template) {}

    static Channels of(Config config) {
        return of(config, null);
    }

    /** With {@code credentials} given (priming's twin clients), or the SDK's default chain when null. */
    static Channels of(Config config, AwsCredentialsProvider credentials) {
        var bridge = EventBridgeClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (credentials != null) {
            bridge.credentialsProvider(credentials);
        }
        config.get(AWS_REGION).ifPresent(region -> bridge.region(Region.of(region)));
        config.get(AWS_ENDPOINT_URL_EVENTBRIDGE).ifPresent(url -> bridge.endpointOverride(URI.create(url)));
        Optional<Email> email = Optional.empty();
        if (config.get(NOTICE_EMAIL_ENABLED).map(Boolean::parseBoolean).orElse(false)) {
            var ses = SesClient.builder().httpClient(UrlConnectionHttpClient.create());
            if (credentials != null) {
                ses.credentialsProvider(credentials);
            }
            config.get(AWS_REGION).ifPresent(region -> ses.region(Region.of(region)));
            config.get(AWS_ENDPOINT_URL_SES).ifPresent(url -> ses.endpointOverride(URI.create(url)));
            email = Optional.of(new Email(ses.build(), config.require(NOTICE_EMAIL_SENDER), config.require(NOTICE_EMAIL_TEMPLATE)));
        }
        return new Channels(bridge.build(), config.require(NOTICE_BUS_NAME), email);
    }

    /** Closes the clients (priming's twins; the function's own live as long as the instance). */
    @Override
    public void close() {
        eventBridge.close();
        email.ifPresent(e -> e.ses().close());
    }
}
