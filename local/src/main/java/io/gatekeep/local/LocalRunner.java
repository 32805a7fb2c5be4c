package io.gatekeep.local;

import io.gatekeep.localaws.ProjectFiles;
import org.apache.logging.log4j.LogManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/run-local}: starts DynamoDB Local, the WorkOS emulator and the HTTP API on loopback, prints
 * where everything is with dev tokens, and runs until Ctrl-C. Options: {@code --clean} (start from an
 * empty data directory), {@code --help} ({@value #HELP}). Settings come from the environment ({@link LocalSettings}).
 */
public final class LocalRunner {
    private LocalRunner() {}

    public static void main(String[] args) throws InterruptedException {
        // Log4j stops with the runner, after everything that may still log (see the shutdown hook below),
        // not in a hook of its own that races it (a WARN at Ctrl-C, and lines lost while stopping).
        System.setProperty("log4j2.shutdownHookEnabled", "false");
        List<String> argv = Arrays.asList(args);
        if (argv.contains("--help") || argv.contains("-h")) {
            help();
            return;
        }
        for (String a : argv) {
            if (!a.equals("--clean")) {
                System.err.println("Unknown option " + a + " (try --help).");
                System.exit(2);
            }
        }
        LocalSettings settings;
        LocalSystem system;
        try {
            settings = LocalSettings.from(System.getenv(), argv, ProjectFiles.root());
            System.out.println("Starting DynamoDB Local, the WorkOS emulator and the HTTP API"
                    + (settings.clean() ? " from an empty data directory" : "") + "...");
            system = LocalSystem.start(settings);
        } catch (RuntimeException e) {
            System.err.println("Gatekeep could not start locally: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping...");
            system.close();
            LogManager.shutdown();
            stopped.countDown();
        }, "gatekeep-local-shutdown"));
        system.printBanner(System.out);
        system.startNotices(System.out);
        stopped.await();
    }

    /** The text bin/run-local prints for --help without building: {@value #HELP}, the one home of the options and variables. */
    static final String HELP = "run-local-help.txt";

    static String helpText() {
        try (InputStream in = LocalRunner.class.getResourceAsStream("/" + HELP)) {
            if (in == null) {
                throw new IllegalStateException(HELP + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void help() {
        System.out.print(helpText());
    }
}
