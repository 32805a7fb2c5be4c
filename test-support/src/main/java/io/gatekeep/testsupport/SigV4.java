package io.gatekeep.testsupport;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs a request for an {@code AWS_IAM} route the way a back office calling API Gateway does, with the
 * AWS SDK's own SigV4 signer (service {@code execute-api}): so a local stand-in that admits these
 * requests is held to the signature AWS's clients really make.
 */
public final class SigV4 {
    private SigV4() {}

    /** The headers to send with the request: Authorization, X-Amz-Date, Host and whatever else was signed. */
    public static Map<String, String> headers(String method, URI uri, String body, String accessKeyId, String secretAccessKey,
                                              String region, Instant at) {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(uri)
                .putHeader("Content-Type", "application/json")
                .build();
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create(accessKeyId, secretAccessKey))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
        Map<String, String> headers = new LinkedHashMap<>();
        signed.request().headers().forEach((name, values) -> headers.put(name, String.join(",", values)));
        return headers;
    }

    /** Headers java.net.http sets itself and refuses to be given. */
    public static final List<String> RESTRICTED = List.of("host", "content-length", "connection", "expect", "upgrade");
}
