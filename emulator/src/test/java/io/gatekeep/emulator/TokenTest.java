package io.gatekeep.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dev JWTs verify against the JWKS the emulator serves, with the claims the API expects. */
class TokenTest {

    static RSAKey jwk(WorkOsEmulator emu) throws Exception {
        TestSupport.Response r = TestSupport.get(emu, "/sso/jwks/" + emu.clientId(), false);
        assertEquals(200, r.status());
        JWKSet set = JWKSet.parse(r.body());
        assertEquals(1, set.getKeys().size());
        RSAKey key = (RSAKey) set.getKeys().get(0);
        assertFalse(key.isPrivate(), "JWKS must not leak the private key");
        assertFalse(r.body().contains("\"d\""));
        return key;
    }

    @Test
    void issuedTokensVerifyAgainstTheJwksAndCarryTheClaims() throws Exception {
        try (WorkOsEmulator emu = WorkOsEmulator.builder().issuer("https://auth.gatekeep.test").start()) {
            String token = emu.control().issueToken("user_123", "org_abc", "admin", "ada@acme.com", 600);
            SignedJWT jwt = SignedJWT.parse(token);
            RSAKey key = jwk(emu);
            assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());
            assertEquals(emu.keyId(), jwt.getHeader().getKeyID());
            assertEquals(key.getKeyID(), jwt.getHeader().getKeyID());
            assertEquals("RS256", key.getAlgorithm().getName());
            assertEquals("sig", key.getKeyUse().identifier());
            assertTrue(jwt.verify(new RSASSAVerifier(key)));
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            assertEquals("https://auth.gatekeep.test", c.getIssuer());
            assertEquals(List.of(emu.clientId()), c.getAudience());
            assertEquals("user_123", c.getSubject());
            assertEquals("org_abc", c.getStringClaim("org_id"));
            assertEquals("admin", c.getStringClaim("role"));
            assertEquals("ada@acme.com", c.getStringClaim("email"));
            assertEquals(600_000, c.getExpirationTime().getTime() - c.getIssueTime().getTime());

            String noOrg = emu.control().issueToken("user_9", null, null, null, 60);
            assertNull(SignedJWT.parse(noOrg).getJWTClaimsSet().getClaim("org_id"));
            assertEquals(404, TestSupport.get(emu, "/sso/jwks/client_other", false).status());

            TestSupport.Response viaHttp = TestSupport.send(emu, "POST", "/_emulator/tokens",
                    "{\"sub\":\"user_1\",\"orgId\":\"org_1\",\"role\":\"member\",\"email\":\"m@acme.com\",\"ttl\":30}");
            assertEquals(200, viaHttp.status());
            SignedJWT http = SignedJWT.parse(viaHttp.json().get("token").asText());
            assertTrue(http.verify(new RSASSAVerifier(key)));
            assertEquals("org_1", http.getJWTClaimsSet().getStringClaim("org_id"));
        }
    }

    @Test
    void theIssuerDefaultsToTheBaseUrl() throws Exception {
        try (WorkOsEmulator emu = WorkOsEmulator.start(0)) {
            assertEquals(emu.baseUrl(), emu.issuer());
            assertEquals(emu.baseUrl() + "/sso/jwks/client_emulator", emu.jwksUrl());
            String token = emu.control().issueToken("u", "o", "owner", "o@x.com", 60);
            assertEquals(emu.baseUrl(), SignedJWT.parse(token).getJWTClaimsSet().getIssuer());
        }
    }

    @Test
    void aKeyFileKeepsTheKeyAcrossRestarts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys/emulator-jwk.json");
        String token;
        String kid;
        try (WorkOsEmulator first = WorkOsEmulator.builder().keyFile(file).start()) {
            token = first.control().issueToken("u", "o", "owner", "o@x.com", 600);
            kid = first.keyId();
        }
        assertTrue(Files.exists(file));
        try (WorkOsEmulator second = WorkOsEmulator.builder().keyFile(file).start();
             WorkOsEmulator other = WorkOsEmulator.start(0)) {
            assertEquals(kid, second.keyId());
            assertTrue(SignedJWT.parse(token).verify(new RSASSAVerifier(jwk(second))));
            assertNotEquals(kid, other.keyId());
            assertFalse(SignedJWT.parse(token).verify(new RSASSAVerifier(jwk(other))));
        }
    }
}
