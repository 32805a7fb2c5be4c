package io.gatekeep.local;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * What the local runner keeps in the data directory besides DynamoDB Local's files and its log:
 * {@link #FILE} (the demo world's seed and seeding time, the local secrets {@code webhookSecret},
 * {@code cursorKey} and the back office's key, and how far the demo world was loaded) and the emulator's token signing key.
 * Made on the first start, read at every later one, so tokens, secrets and the demo world's ids survive restarts.
 */
final class RunnerState {
    /** The data directory's file of the demo world's seed and the local secrets (webhookSecret, cursorKey). */
    static final String FILE = "runner.properties";
    static final String SIGNING_KEY = "emulator-key.json";

    private final Path file;
    private final Properties properties;

    private RunnerState(Path file, Properties properties) {
        this.file = file;
        this.properties = properties;
    }

    /** Reads the data directory's state, adding (and saving) what a first start makes: seed, seeding time, secrets. */
    static RunnerState open(Path data) throws IOException {
        Path file = data.resolve(FILE);
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        SecureRandom random = new SecureRandom();
        p.putIfAbsent("seed", Long.toString(random.nextLong()));
        p.putIfAbsent("seededAt", Long.toString(Instant.now().toEpochMilli()));
        p.putIfAbsent("webhookSecret", "whsec_local_" + hex(random, 24));
        p.putIfAbsent("cursorKey", hex(random, 32));
        p.putIfAbsent("backOfficeAccessKeyId", "AKIALOCAL" + hex(random, 6).toUpperCase(java.util.Locale.ROOT));
        p.putIfAbsent("backOfficeSecretAccessKey", hex(random, 20));
        RunnerState state = new RunnerState(file, p);
        state.save();
        return state;
    }

    long seed() {
        return Long.parseLong(properties.getProperty("seed"));
    }

    /** When the demo world is seeded (the emulator's clock stands there while it is). */
    Instant seededAt() {
        return Instant.ofEpochMilli(Long.parseLong(properties.getProperty("seededAt")));
    }

    String webhookSecret() {
        return properties.getProperty("webhookSecret");
    }

    String cursorKey() {
        return properties.getProperty("cursorKey");
    }

    /** The local back office's IAM key: the AWS_IAM routes admit requests SigV4-signed with it. */
    IamAuthorizer.Credentials backOfficeKey() {
        return new IamAuthorizer.Credentials(properties.getProperty("backOfficeAccessKeyId"),
                properties.getProperty("backOfficeSecretAccessKey"));
    }

    /** The flags of how far the demo world was loaded ({@code demoLoaded}, {@code demoReconciled}). */
    boolean flag(String name) {
        return Boolean.parseBoolean(properties.getProperty(name, "false"));
    }

    void setFlag(String name) throws IOException {
        properties.setProperty(name, "true");
        save();
    }

    /** Acme's id as the table first learnt it (null before the first start): the demo world must come back with it. */
    String acmeOrganizationId() {
        return properties.getProperty("acmeOrganizationId");
    }

    void acmeOrganizationId(String id) throws IOException {
        properties.setProperty("acmeOrganizationId", id);
        save();
    }

    private void save() throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, "Gatekeep local runner: local secrets and the demo world's seed (delete the directory to start over)");
        }
    }

    /** Deletes what the runner keeps in the data directory, and nothing else. */
    static void clean(Path data) throws IOException {
        for (String name : List.of("dynamodb", FILE, SIGNING_KEY, LocalLogs.DYNAMODB_LOG)) {
            Path p = data.resolve(name);
            if (Files.isDirectory(p)) {
                try (var walk = Files.walk(p)) {
                    for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            } else {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The emulator makes its signing key on first use and then draws ids from the seeded random
     * source; making the key here (when missing) keeps that draw out of the emulator, so the same seed
     * gives the same ids at every start.
     */
    static Path signingKey(Path data) throws IOException {
        Path keyFile = data.resolve(SIGNING_KEY);
        if (Files.exists(keyFile)) {
            return keyFile;
        }
        try {
            var key = new RSAKeyGenerator(2048)
                    .keyID("key_local_" + hex(new SecureRandom(), 8))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
            Files.writeString(keyFile, key.toJSONString(), StandardCharsets.UTF_8);
            return keyFile;
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException("cannot make the token signing key", e);
        }
    }

    private static String hex(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
