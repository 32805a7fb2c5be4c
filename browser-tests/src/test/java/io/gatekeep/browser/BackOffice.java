package io.gatekeep.browser;

import io.gatekeep.local.LocalSystem;
import io.gatekeep.testsupport.SigV4;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The vendor's back office, as the browser tests need it: it sets an organization's plan through the internal
 * route, signed with SigV4 by the local runner's back-office principal (API Gateway's AWS_IAM authorization, as
 * in AWS). A tenant's page has no way to do this.
 */
final class BackOffice {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private BackOffice() {}

    /** PUT /internal/organizations/{id}/entitlements; the answer must be 200. */
    static void setPlan(LocalSystem system, String organizationId, boolean sso, boolean directorySync) throws Exception {
        String body = "{\"sso\":" + sso + ",\"directorySync\":" + directorySync + "}";
        URI uri = URI.create(system.apiUrl() + "/internal/organizations/" + organizationId + "/entitlements");
        var key = system.backOfficeCredentials();
        var builder = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(body));
        SigV4.headers("PUT", uri, body, key.accessKeyId(), key.secretAccessKey(), LocalSystem.REGION, Instant.now())
                .forEach((name, value) -> {
                    if (!SigV4.RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                        builder.header(name, value); // java.net.http sets Host and Content-Length itself
                    }
                });
        HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }
}
