package io.gatekeep.local;

import io.gatekeep.testsupport.SigV4;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local stand-in for API Gateway's AWS_IAM authorization, held to the AWS SDK's own SigV4 signer. */
class IamAuthorizerTest {
    private static final Instant NOW = Instant.parse("2026-12-04T18:00:00Z");
    private static final IamAuthorizer.Credentials KEY = new IamAuthorizer.Credentials("AKIALOCALTEST01", "s3cr3t-local-key");
    private static final IamAuthorizer IAM = new IamAuthorizer(KEY, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));
    private static final String PATH = "/internal/organizations/org_01HACME/entitlements";
    private static final String BODY = "{\"sso\":true,\"directorySync\":false}";

    /** The request as the gateway receives it: lower-cased header names, as LocalApiGateway passes them. */
    private static Map<String, String> signed(String method, String pathAndQuery, String body, String accessKey, String secret,
                                              Instant at) {
        Map<String, String> headers = new TreeMap<>();
        SigV4.headers(method, URI.create("http://127.0.0.1:3000" + pathAndQuery), body, accessKey, secret, "us-east-1", at)
                .forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        return headers;
    }

    private static IamAuthorizer.Principal authorize(String method, String rawPath, String rawQuery, Map<String, String> headers,
                                                     String body) throws IamAuthorizer.Denied {
        return IAM.authorize(method, rawPath, rawQuery, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRequestSignedByTheSdkWithTheLocalKeyIsAdmittedAsTheBackOffice() throws Exception {
        var headers = signed("PUT", PATH, BODY, KEY.accessKeyId(), KEY.secretAccessKey(), NOW);
        assertTrue(headers.get("authorization").startsWith("AWS4-HMAC-SHA256 Credential=AKIALOCALTEST01/20261204/us-east-1/execute-api/"));
        IamAuthorizer.Principal principal = authorize("PUT", PATH, null, headers, BODY);
        assertEquals("AKIALOCALTEST01", principal.accessKey());
        assertTrue(principal.userArn().startsWith("arn:aws:iam::000000000000:user/"), principal.userArn());
    }

    @Test
    void theQueryIsPartOfTheSignature() throws Exception {
        var headers = signed("GET", PATH + "?b=2&a=x%20y", "", KEY.accessKeyId(), KEY.secretAccessKey(), NOW);
        authorize("GET", PATH, "b=2&a=x%20y", headers, "");
        assertThrows(IamAuthorizer.Denied.class, () -> authorize("GET", PATH, "b=3&a=x%20y", headers, ""));
    }

    @Test
    void anythingChangedAfterSigningIsRefused() {
        var headers = signed("PUT", PATH, BODY, KEY.accessKeyId(), KEY.secretAccessKey(), NOW);
        assertThrows(IamAuthorizer.Denied.class, () -> authorize("PUT", PATH, null, headers, "{\"sso\":true,\"directorySync\":true}"));
        assertThrows(IamAuthorizer.Denied.class, () -> authorize("PUT", PATH.replace("org_01HACME", "org_01HOTHER"), null, headers, BODY));
        assertThrows(IamAuthorizer.Denied.class, () -> authorize("POST", PATH, null, headers, BODY));
        var otherHost = new TreeMap<>(headers);
        otherHost.put("host", "evil.example");
        assertThrows(IamAuthorizer.Denied.class, () -> authorize("PUT", PATH, null, otherHost, BODY));
    }

    @Test
    void anotherKeyAStaleSignatureOrNoSignatureIsRefused() {
        assertThrows(IamAuthorizer.Denied.class,
                () -> authorize("PUT", PATH, null, signed("PUT", PATH, BODY, KEY.accessKeyId(), "wrong-secret", NOW), BODY));
        assertThrows(IamAuthorizer.Denied.class,
                () -> authorize("PUT", PATH, null, signed("PUT", PATH, BODY, "AKIAOTHER", KEY.secretAccessKey(), NOW), BODY));
        assertThrows(IamAuthorizer.Denied.class, () -> authorize("PUT", PATH, null,
                signed("PUT", PATH, BODY, KEY.accessKeyId(), KEY.secretAccessKey(), NOW.minus(Duration.ofMinutes(6))), BODY));
        assertThrows(IamAuthorizer.Denied.class, () -> authorize("PUT", PATH, null, Map.of("host", "127.0.0.1:3000"), BODY));
        assertThrows(IamAuthorizer.Denied.class, () -> authorize("PUT", PATH, null,
                Map.of("authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig", "host", "127.0.0.1:3000"), BODY));
    }

    @Test
    void canonicalPartsFollowSigV4() {
        assertEquals("/a%2520b/c", IamAuthorizer.canonicalUri("/a%20b/c"), "non-S3 paths are encoded once more");
        assertEquals("a=1&a=2&b=x%20y", IamAuthorizer.canonicalQuery("b=x%20y&a=2&a=1"));
        assertEquals("%E2%9C%93-_.~", IamAuthorizer.uriEncode("✓-_.~"));
    }
}
