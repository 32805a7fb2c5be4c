package io.gatekeep.emulator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/**
 * The RS256 key behind the dev JWTs and the JWKS at {@code /sso/jwks/{clientId}}. Generated at start, or
 * loaded from (and saved to) a key file so that tokens survive restarts of a standalone emulator.
 */
final class TokenService {
    private final RSAKey key;

    TokenService(Path keyFile, Ids ids) {
        try {
            if (keyFile != null && Files.exists(keyFile)) {
                key = RSAKey.parse(Files.readString(keyFile, StandardCharsets.UTF_8));
            } else {
                key = new RSAKeyGenerator(2048)
                        .keyID(ids.next("key_", System.currentTimeMillis()))
                        .keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256)
                        .generate();
                if (keyFile != null) {
                    if (keyFile.getParent() != null) {
                        Files.createDirectories(keyFile.getParent());
                    }
                    Files.writeString(keyFile, key.toJSONString(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("cannot load or create the token key: " + e.getMessage(), e);
        }
    }

    String keyId() {
        return key.getKeyID();
    }

    /** {@code {"keys":[{kty,e,use,kid,alg,n}]}}: public part only. */
    Map<String, Object> jwks() {
        return new JWKSet(key.toPublicJWK()).toJSONObject(true);
    }

    /**
     * A signed JWT with AuthKit-style claims. Times use the real wall clock (the verifier compares them with
     * its own clock), not the emulator's advanceable clock.
     */
    String issue(String issuer, String audience, String sub, String orgId, String role, String email, Duration ttl) {
        State.requireText(sub, "sub");
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(sub)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (orgId != null) {
            claims.claim("org_id", orgId);
        }
        if (role != null) {
            claims.claim("role", role);
        }
        if (email != null) {
            claims.claim("email", email);
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
