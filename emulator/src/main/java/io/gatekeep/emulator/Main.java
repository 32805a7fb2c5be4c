package io.gatekeep.emulator;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator standalone: {@code java -cp ... io.gatekeep.emulator.Main [--no-demo]}.
 *
 * <p>Environment: {@code EMULATOR_PORT} (default 8790), {@code EMULATOR_BIND} (default 127.0.0.1),
 * {@code EMULATOR_API_KEY}, {@code EMULATOR_CLIENT_ID}, {@code EMULATOR_ISSUER}, {@code EMULATOR_PUBLIC_URL},
 * {@code EMULATOR_KEY_FILE} (persist the token signing key), {@code EMULATOR_WEBHOOK_URL} with
 * {@code EMULATOR_WEBHOOK_SECRET} (register an endpoint before seeding), {@code EMULATOR_DEMO=false}
 * (start empty; same as {@code --no-demo}).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        List<String> argv = Arrays.asList(args);
        WorkOsEmulator.Builder b = WorkOsEmulator.builder()
                .port(Integer.parseInt(env("EMULATOR_PORT", String.valueOf(WorkOsEmulator.DEFAULT_PORT))))
                .bindAddress(env("EMULATOR_BIND", "127.0.0.1"))
                .apiKey(env("EMULATOR_API_KEY", WorkOsEmulator.DEFAULT_API_KEY))
                .clientId(env("EMULATOR_CLIENT_ID", WorkOsEmulator.DEFAULT_CLIENT_ID));
        if (System.getenv("EMULATOR_ISSUER") != null) {
            b.issuer(System.getenv("EMULATOR_ISSUER"));
        }
        if (System.getenv("EMULATOR_PUBLIC_URL") != null) {
            b.publicBaseUrl(System.getenv("EMULATOR_PUBLIC_URL"));
        }
        if (System.getenv("EMULATOR_KEY_FILE") != null) {
            b.keyFile(Path.of(System.getenv("EMULATOR_KEY_FILE")));
        }
        WorkOsEmulator emu = b.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emu.close();
            stopped.countDown();
        }, "workos-emulator-shutdown"));

        String hookUrl = System.getenv("EMULATOR_WEBHOOK_URL");
        if (hookUrl != null && !hookUrl.isBlank()) {
            emu.control().registerWebhook(hookUrl, env("EMULATOR_WEBHOOK_SECRET", "whsec_emulator"));
            System.out.println("webhooks  -> " + hookUrl);
        }
        boolean demo = !argv.contains("--no-demo") && !"false".equalsIgnoreCase(env("EMULATOR_DEMO", "true"));
        if (demo) {
            DemoWorld w = emu.control().seedDemoWorld();
            System.out.println("demo world: Acme " + w.acmeOrganizationId() + ", Globex " + w.globexOrganizationId()
                    + ", Initech " + w.initechOrganizationId());
        }
        System.out.println("WorkOS emulator on " + emu.baseUrl() + " (api key " + emu.apiKey() + ", client id "
                + emu.clientId() + ", JWKS " + emu.jwksUrl() + ")");
        System.out.flush();
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
