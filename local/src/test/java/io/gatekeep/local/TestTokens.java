package io.gatekeep.local;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Tokens a test signs itself: valid ones with the emulator's key, and every kind API Gateway refuses. */
final class TestTokens {
    private final RSAKey key;
    private final String issuer;
    private final String audience;

    TestTokens(Path emulatorKeyFile, String issuer, String audience) throws Exception {
        this.key = RSAKey.parse(Files.readString(emulatorKeyFile));
        this.issuer = issuer;
        this.audience = audience;
    }

    JWTClaimsSet.Builder claims(String orgId, String role) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject("user_test_" + role)
                .claim("org_id", orgId)
                .claim("role", role)
                .claim("email", role + "@test.example")
                .issueTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
    }

    String valid(String orgId, String role) throws Exception {
        return sign(claims(orgId, role).build());
    }

    String sign(JWTClaimsSet claims) throws Exception {
        return sign(key, key.getKeyID(), claims);
    }

    static String sign(RSAKey with, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    /** Every token API Gateway's JWT authorizer refuses, by what is wrong with it. */
    List<List<String>> refused(String orgId) throws Exception {
        Instant now = Instant.now();
        RSAKey otherKey = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
        String valid = valid(orgId, "admin");
        String[] parts = valid.split("\\.");
        String tamperedPayload = Base64URL.encode(new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace("\"admin\"", "\"owner\"")).toString();
        String algNone = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString() + "." + parts[1] + ".";
        // HS256 "signed" with the public key as the HMAC secret: the classic algorithm confusion.
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims(orgId, "admin").build());
        hmac.sign(new MACSigner(key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
        SignedJWT noKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), claims(orgId, "admin").build());
        noKid.sign(new RSASSASigner(key));
        return List.of(
                List.of("missing", ""),
                List.of("not a JWT", "Bearer not-a-token"),
                List.of("expired", "Bearer " + sign(claims(orgId, "admin")
                        .issueTime(Date.from(now.minusSeconds(7200))).expirationTime(Date.from(now.minusSeconds(60))).build())),
                List.of("not yet valid", "Bearer " + sign(claims(orgId, "admin").notBeforeTime(Date.from(now.plusSeconds(600))).build())),
                List.of("issued in the future", "Bearer " + sign(claims(orgId, "admin").issueTime(Date.from(now.plusSeconds(600))).build())),
                List.of("no exp", "Bearer " + sign(claims(orgId, "admin").expirationTime(null).build())),
                List.of("forged (another key, same kid)", "Bearer " + sign(otherKey, key.getKeyID(), claims(orgId, "admin").build())),
                List.of("tampered claims", "Bearer " + parts[0] + "." + tamperedPayload + "." + parts[2]),
                List.of("alg none", "Bearer " + algNone),
                List.of("HS256 with the public key", "Bearer " + hmac.serialize()),
                List.of("no kid", "Bearer " + noKid.serialize()),
                List.of("unknown kid", "Bearer " + sign(key, "key_unknown", claims(orgId, "admin").build())),
                List.of("wrong issuer", "Bearer " + sign(claims(orgId, "admin").issuer("https://evil.example").build())),
                List.of("wrong audience", "Bearer " + sign(claims(orgId, "admin").audience("client_other").build())),
                List.of("no audience", "Bearer " + sign(claims(orgId, "admin").audience((String) null).build())));
    }
}
