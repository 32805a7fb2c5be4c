package io.gatekeep.local;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What API Gateway's {@code AWS_IAM} authorization does before an internal route's function runs,
 * done locally for one local principal (the back office): the request must carry an AWS Signature
 * Version 4 ({@code Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}
 * and {@code X-Amz-Date}) made with the local access key for service {@code execute-api} in the local
 * region, no more than 5 minutes off the clock, over the method, path, query, the headers it names
 * ({@code host} and {@code x-amz-date} at least) and the body's SHA-256. The signature is recomputed
 * here from the request as received and compared in constant time.
 *
 * <p>What it does not do: IAM policy evaluation (there is one principal, and it may invoke the internal
 * routes) and temporary credentials ({@code X-Amz-Security-Token}). Any SigV4 client works against it:
 * the AWS SDKs' signer (the tests sign with it), {@code curl --aws-sigv4}, {@code awscurl}.
 */
public final class IamAuthorizer {
    /** The caller as API Gateway passes it to the function ({@code requestContext.authorizer.iam}). */
    public record Principal(String accessKey, String accountId, String userArn, String userId) {}

    /** The local principal's long-term credentials. */
    public record Credentials(String accessKeyId, String secretAccessKey) {}

    /** Why a request was refused: for the runner's console only, never sent to the caller. */
    public static final class Denied extends Exception {
        Denied(String reason) {
            super(reason, null, false, false);
        }
    }

    public static final String SERVICE = "execute-api";
    public static final String ACCOUNT_ID = "000000000000";
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Credentials credentials;
    private final String region;
    private final Clock clock;
    private final Principal principal;

    public IamAuthorizer(Credentials credentials, String region, Clock clock) {
        this.credentials = credentials;
        this.region = region;
        this.clock = clock;
        this.principal = new Principal(credentials.accessKeyId(), ACCOUNT_ID,
                "arn:aws:iam::" + ACCOUNT_ID + ":user/gatekeep-local-back-office", "AIDALOCALBACKOFFICE");
    }

    public Credentials credentials() {
        return credentials;
    }

    public String region() {
        return region;
    }

    /**
     * @param headers lower-cased names, repeated headers joined with commas
     * @param rawQuery the query as sent (percent-encoded), or null
     */
    public Principal authorize(String method, String rawPath, String rawQuery, Map<String, String> headers, byte[] body)
            throws Denied {
        String authorization = headers.get("authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            throw new Denied("no AWS4-HMAC-SHA256 Authorization header");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : authorization.substring("AWS4-HMAC-SHA256 ".length()).split(",")) {
            String p = part.trim();
            if (p.startsWith("Credential=")) {
                credential = p.substring("Credential=".length());
            } else if (p.startsWith("SignedHeaders=")) {
                signedHeaders = p.substring("SignedHeaders=".length());
            } else if (p.startsWith("Signature=")) {
                signature = p.substring("Signature=".length());
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw new Denied("the Authorization header lacks Credential, SignedHeaders or Signature");
        }
        String[] scope = credential.split("/");
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            throw new Denied("malformed credential scope");
        }
        if (!MessageDigest.isEqual(scope[0].getBytes(StandardCharsets.UTF_8),
                credentials.accessKeyId().getBytes(StandardCharsets.UTF_8))) {
            throw new Denied("unknown access key");
        }
        if (!scope[2].equals(region) || !scope[3].equals(SERVICE)) {
            throw new Denied("the credential scope is not " + region + "/" + SERVICE);
        }
        String amzDate = headers.get("x-amz-date");
        Instant signedAt;
        try {
            signedAt = amzDate == null ? null : Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            signedAt = null;
        }
        if (signedAt == null || !amzDate.startsWith(scope[1])) {
            throw new Denied("no valid X-Amz-Date matching the credential scope");
        }
        if (Duration.between(signedAt, clock.instant()).abs().compareTo(MAX_SKEW) > 0) {
            throw new Denied("the signature is more than 5 minutes off the clock");
        }
        List<String> names = List.of(signedHeaders.split(";"));
        if (!names.contains("host") || !names.contains("x-amz-date")) {
            throw new Denied("SignedHeaders must include host and x-amz-date");
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : names) {
            String value = headers.get(name);
            if (value == null || !name.equals(name.toLowerCase(Locale.ROOT))) {
                throw new Denied("signed header " + name + " is not in the request");
            }
            canonicalHeaders.append(name).append(':').append(value.trim().replaceAll(" +", " ")).append('\n');
        }
        String canonicalRequest = method + "\n" + canonicalUri(rawPath) + "\n" + canonicalQuery(rawQuery) + "\n"
                + canonicalHeaders + "\n" + signedHeaders + "\n" + hex(sha256(body));
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + String.join("/", scope[1], scope[2], scope[3], scope[4])
                + "\n" + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), scope[1]);
        key = hmac(key, scope[2]);
        key = hmac(key, scope[3]);
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))) {
            throw new Denied("the signature does not match the request");
        }
        return principal;
    }

    /** The path as sent, each segment URI-encoded once more (SigV4 for every service but S3). */
    static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/", -1)) {
            segments.add(uriEncode(segment));
        }
        return String.join("/", segments);
    }

    /** Parameters decoded, encoded the SigV4 way, sorted by name then value. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            pairs.add(new String[] {uriEncode(decode(eq < 0 ? pair : pair.substring(0, eq))),
                    uriEncode(decode(eq < 0 ? "" : pair.substring(eq + 1)))});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        return String.join("&", pairs.stream().map(p -> p[0] + "=" + p[1]).toList());
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** RFC 3986 unreserved characters stay; every other byte is %XX (upper-case hex). */
    static String uriEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
