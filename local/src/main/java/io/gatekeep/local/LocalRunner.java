package io.gatekeep.local;

import io.gatekeep.testkit.ProjectFiles;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/run-local}: starts DynamoDB Local, the WorkOS emulator and the HTTP API on loopback, prints
 * where everything is with dev tokens, and runs until Ctrl-C. Options: {@code --clean} (start from an
 * empty data directory), {@code --help}. Settings come from the environment ({@link LocalSettings#VARIABLES}).
 */
public final class LocalRunner {
    private LocalRunner() {}

    public static void main(String[] args) throws InterruptedException {
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
            stopped.countDown();
        }, "gatekeep-local-shutdown"));
        system.printBanner(System.out);
        system.startNotices(System.out);
        stopped.await();
    }

    private static void help() {
        System.out.println("""
                bin/run-local [--clean]

                Runs Gatekeep on this machine: the HTTP API of template.yaml with the real handlers, DynamoDB Local
                and the WorkOS emulator, all on 127.0.0.1. Data persists in the data directory between runs.

                  --clean   start from an empty data directory (same as GATEKEEP_CLEAN=1)

                Environment:""");
        for (List<String> v : LocalSettings.VARIABLES) {
            System.out.printf("  %-30s %-20s %s%n", v.get(0), v.get(1), v.get(2));
        }
    }
}
