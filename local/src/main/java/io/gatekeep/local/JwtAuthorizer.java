package io.gatekeep.local;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What API Gateway's JWT authorizer does before a route's function runs, done locally: take the
 * token from the {@code Authorization} header (with or without {@code Bearer}), require a {@code kid}
 * that the issuer's JWKS holds, verify the RSA signature (other algorithms, {@code none} and HMAC
 * included, are refused), then {@code iss} must equal the configured issuer, {@code aud} (or
 * {@code client_id} when there is no {@code aud}) must be one of the configured audiences,
 * {@code exp} must be after now, {@code nbf} and {@code iat} (when present) not after now.
 * The claims go to the function as strings, formatted the way API Gateway formats them
 * (arrays as {@code [a b]}).
 */
public final class JwtAuthorizer {
    /** Why a token was refused: for the runner's console only, never sent to the caller. */
    public static final class Unauthorized extends Exception {
        Unauthorized(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    private final String issuer;
    private final List<String> audiences;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public JwtAuthorizer(URL jwksUrl, String issuer, List<String> audiences, Clock clock) {
        this.issuer = issuer;
        this.audiences = List.copyOf(audiences);
        this.clock = clock;
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwksUrl).retrying(true).build();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(RSA, keys));
        // API Gateway does not look at the typ header.
        processor.setJWSTypeVerifier((type, context) -> { });
        // Claims are checked below, with API Gateway's rules and our clock.
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
    }

    /** The verified claims as API Gateway passes them, or {@link Unauthorized} with the reason. */
    public Map<String, String> authorize(String authorizationHeader) throws Unauthorized {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw new Unauthorized("no Authorization header");
        }
        String token = authorizationHeader.trim();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).trim();
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new Unauthorized("not a signed JWT");
        }
        if (!RSA.contains(jwt.getHeader().getAlgorithm())) {
            throw new Unauthorized("algorithm " + jwt.getHeader().getAlgorithm() + " is not accepted (RSA only)");
        }
        if (jwt.getHeader().getKeyID() == null) {
            throw new Unauthorized("the token has no kid");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (BadJOSEException e) {
            throw new Unauthorized("signature not verified: " + e.getMessage());
        } catch (Exception e) {
            throw new Unauthorized("cannot verify the token: " + e.getMessage());
        }
        check(claims);
        return stringClaims(claims);
    }

    private void check(JWTClaimsSet claims) throws Unauthorized {
        if (!issuer.equals(claims.getIssuer())) {
            throw new Unauthorized("issuer " + claims.getIssuer() + " is not " + issuer);
        }
        List<String> tokenAudiences = claims.getAudience();
        if (tokenAudiences == null || tokenAudiences.isEmpty()) {
            Object clientId = claims.getClaim("client_id");
            tokenAudiences = clientId == null ? List.of() : List.of(String.valueOf(clientId));
        }
        if (tokenAudiences.stream().noneMatch(audiences::contains)) {
            throw new Unauthorized("audience " + tokenAudiences + " is not one of " + audiences);
        }
        Date now = Date.from(clock.instant());
        if (claims.getExpirationTime() == null) {
            throw new Unauthorized("the token has no exp");
        }
        if (!claims.getExpirationTime().after(now)) {
            throw new Unauthorized("the token expired at " + claims.getExpirationTime().toInstant());
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().after(now)) {
            throw new Unauthorized("the token is not valid before " + claims.getNotBeforeTime().toInstant());
        }
        if (claims.getIssueTime() != null && claims.getIssueTime().after(now)) {
            throw new Unauthorized("the token is issued in the future (" + claims.getIssueTime().toInstant() + ")");
        }
    }

    /** API Gateway passes every claim as a string: numbers plainly, arrays as {@code [a b]}. */
    static Map<String, String> stringClaims(JWTClaimsSet claims) {
        Map<String, String> out = new LinkedHashMap<>();
        claims.toJSONObject().forEach((name, value) -> {
            if (value != null) {
                out.put(name, format(value));
            }
        });
        return out;
    }

    private static String format(Object value) {
        return switch (value) {
            case List<?> list -> list.stream().map(JwtAuthorizer::format).collect(Collectors.joining(" ", "[", "]"));
            case Map<?, ?> map -> new TreeMap<>(map).entrySet().stream()
                    .map(e -> e.getKey() + ":" + format(e.getValue()))
                    .collect(Collectors.joining(" ", "map[", "]"));
            case Double d when d == Math.rint(d) && !d.isInfinite() -> Long.toString(d.longValue());
            case Float f when f == Math.rint(f) && !f.isInfinite() -> Long.toString(f.longValue());
            default -> String.valueOf(value);
        };
    }
}
