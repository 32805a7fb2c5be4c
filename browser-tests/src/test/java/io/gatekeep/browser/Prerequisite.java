package io.gatekeep.browser;

import io.gatekeep.localaws.ProjectFiles;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Something the browser tests need from outside the JDK (Chromium, axe-core), provided by a {@code bin/ensure-*}
 * script that installs it when it is missing and prints its path as its last line. When it cannot, the tests
 * fail in CI (they must run there) and are skipped, with the script's reason, elsewhere.
 */
record Prerequisite(String what, String script, String howToInstall) {

    /** The path the script printed, which must exist (and be executable when {@code executable}). */
    Path provide(boolean executable) {
        Path file = ProjectFiles.root().resolve(script);
        String output;
        int exit;
        try {
            Path out = Files.createTempFile(file.getFileName().toString(), ".log");
            Process p = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(script + " did not finish within 10 minutes");
            }
            exit = p.exitValue();
            output = Files.readString(out, StandardCharsets.UTF_8).strip();
            Files.deleteIfExists(out);
        } catch (IOException e) {
            exit = -1;
            output = "cannot run " + file + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (exit == 0) {
            String[] lines = output.split("\n");
            Path provided = Path.of(lines[lines.length - 1].strip());
            if (executable ? Files.isExecutable(provided) : Files.isRegularFile(provided)) {
                return provided;
            }
            output = output + "\n(" + provided + (executable ? " is not executable)" : " is not there)");
        }
        String message = what + " is needed for the browser tests and " + script + " could not provide it:\n" + output;
        if (inCi()) {
            Assertions.fail(message + "\nIn CI the browser tests must run: " + howToInstall + ".");
        }
        Assumptions.abort(message + "\nThe browser tests are SKIPPED on this machine (outside CI). " + howToInstall + " to run them.");
        throw new AssertionError("unreachable");
    }

    static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
    }
}
