package io.gatekeep.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the local runner can be told, from the environment and the command line. Every setting has a
 * default; the README's table lists them. Everything binds to 127.0.0.1 only.
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
        Path projectRoot) {

    public static final String HOST = "127.0.0.1";

    /** Every variable the runner reads, with its default and meaning (the README's table is made from this). */
    public static final List<List<String>> VARIABLES = List.of(
            List.of("GATEKEEP_PORT", "3000", "Port of the local HTTP API (API Gateway stand-in)."),
            List.of("EMULATOR_PORT", "8790", "Port of the WorkOS emulator (WorkOS API, Admin Portal pages, JWKS)."),
            List.of("DYNAMODB_PORT", "8000", "Port of DynamoDB Local."),
            List.of("GATEKEEP_DATA_DIR", ".local-data", "Where DynamoDB Local's files, the emulator's signing key and the local secrets persist between runs."),
            List.of("GATEKEEP_CLEAN", "0", "1 (or --clean) starts over: deletes the table's files, the signing key and the local secrets in the data directory, then makes a new demo world."),
            List.of("GATEKEEP_TABLE_NAME", "gatekeep-local", "Name of the table created from template.yaml (TABLE_NAME of every function)."),
            List.of("LOG_LEVEL", "INFO", "The template's LogLevel parameter: POWERTOOLS_LOG_LEVEL of every function."),
            List.of("PORTAL_REDIRECT_ALLOWED_HOSTS", "localhost,127.0.0.1", "Hosts allowed in returnUrl/successUrl of Admin Portal links."),
            List.of("WORKOS_MAX_RETRIES", "1", "Retries of a WorkOS call on 429/5xx (the SDK honours Retry-After)."),
            List.of("WORKOS_TIMEOUT_MS", "4000", "Timeout of one WorkOS call."),
            List.of("GATEKEEP_TOKEN_HOURS", "12", "Lifetime of the printed dev tokens."));

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
                projectRoot);
    }

    /** Everything on free ports with its own data directory: what the in-process tests start. */
    public static LocalSettings forTest(Path dataDir, Path projectRoot) {
        return new LocalSettings(0, 0, 0, dataDir, true, "gatekeep-local", "INFO", "localhost,127.0.0.1", 0, 4000, 12, projectRoot);
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
