package io.gatekeep.local;

import io.gatekeep.localaws.NoticeAws;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the local runner can be told, from the environment and the command line. Every setting has a
 * default; {@code bin/run-local --help} (local/src/main/resources/run-local-help.txt) and the README's table
 * list them, and RunLocalHelpTest holds both to what this reads. Everything binds to 127.0.0.1 only.
 * {@code awsEndpoints}: the AWS emulator the standard {@code AWS_ENDPOINT_URL} variables name for the
 * notices (LocalStack, or any endpoint already running); empty: the runner starts moto itself.
 */
public record LocalSettings(
        int apiPort,
        int emulatorPort,
        int dynamoPort,
        Path dataDir,
        boolean clean,
        String tableName,
        String logLevel,
        String portalRedirectAllowedHosts,
        int workosMaxRetries,
        int workosTimeoutMs,
        int tokenHours,
        Path projectRoot,
        Optional<NoticeAws.Endpoints> awsEndpoints) {

    public static final String HOST = "127.0.0.1";

    public static LocalSettings from(Map<String, String> env, List<String> args, Path projectRoot) {
        boolean clean = args.contains("--clean") || env.getOrDefault("GATEKEEP_CLEAN", "0").matches("(?i)1|true|yes");
        Path dataDir = Path.of(value(env, "GATEKEEP_DATA_DIR", ".local-data"));
        if (!dataDir.isAbsolute()) {
            dataDir = projectRoot.resolve(dataDir);
        }
        return new LocalSettings(
                port(env, "GATEKEEP_PORT", 3000),
                port(env, "EMULATOR_PORT", 8790),
                port(env, "DYNAMODB_PORT", 8000),
                dataDir.normalize(),
                clean,
                value(env, "GATEKEEP_TABLE_NAME", "gatekeep-local"),
                value(env, "LOG_LEVEL", "INFO"),
                value(env, "PORTAL_REDIRECT_ALLOWED_HOSTS", "localhost,127.0.0.1"),
                integer(env, "WORKOS_MAX_RETRIES", 1),
                integer(env, "WORKOS_TIMEOUT_MS", 4000),
                integer(env, "GATEKEEP_TOKEN_HOURS", 12),
                projectRoot,
                NoticeAws.Endpoints.configured(env));
    }

    /** Everything on free ports with its own data directory: what the in-process tests start. */
    public static LocalSettings forTest(Path dataDir, Path projectRoot) {
        return new LocalSettings(0, 0, 0, dataDir, true, "gatekeep-local", "INFO", "localhost,127.0.0.1", 0, 4000, 12, projectRoot,
                Optional.empty());
    }

    /** These settings with the notices' AWS emulator at these endpoints (empty: moto started by the runner). */
    public LocalSettings withAwsEndpoints(Optional<NoticeAws.Endpoints> endpoints) {
        return new LocalSettings(apiPort, emulatorPort, dynamoPort, dataDir, clean, tableName, logLevel, portalRedirectAllowedHosts,
                workosMaxRetries, workosTimeoutMs, tokenHours, projectRoot, endpoints);
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String v = value(env, name, String.valueOf(fallback));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + v + "'");
        }
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        int p = integer(env, name, fallback);
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException(name + " must be a port (0..65535), not " + p);
        }
        return p;
    }
}
