package io.gatekeep.local;

import io.gatekeep.localaws.ProjectFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/run-local --help}: printed at once, without a build, from the one help file; what it and
 * the README's table say about the environment is what {@link LocalSettings} reads.
 */
class RunLocalHelpTest {
    private static final Path ROOT = ProjectFiles.root();
    /** Read by bin/run-local itself (the Maven build), not by the runner. */
    private static final Set<String> SCRIPT_VARIABLES = Set.of("GK_TARGET");
    /** A help line of the environment table: name, default, meaning. */
    private static final Pattern HELP_ROW = Pattern.compile("^  ([A-Z][A-Z0-9_]+) +(\\S+) +\\S.*$", Pattern.MULTILINE);
    /** A row of the README's "Local runner" table: | `NAME` | default | meaning |. */
    private static final Pattern README_ROW = Pattern.compile("^\\| `([A-Z][A-Z0-9_]+)` \\| `?([^`|]+?)`? \\|", Pattern.MULTILINE);

    @Test
    void helpIsPrintedWithoutABuild() throws Exception {
        String help = LocalRunner.helpText();
        for (List<String> args : List.of(List.of("--help"), List.of("-h"), List.of("--clean", "--help"))) {
            var command = new ArrayList<>(List.of(ROOT.resolve("bin/run-local").toString()));
            command.addAll(args);
            var builder = new ProcessBuilder(command).redirectErrorStream(true);
            // No JDK and no Maven to be found: help must not need them.
            builder.environment().put("PATH", "/usr/bin:/bin");
            builder.environment().put("JAVA_HOME", "/nonexistent");
            long started = System.nanoTime();
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "run-local " + args + " did not finish");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(0, p.exitValue(), out);
            assertEquals(help, out, "run-local " + args + " prints the help file, and only it");
            assertFalse(out.contains("Building"), out);
            assertTrue(millis < 10_000, "help took " + millis + " ms");
        }
        // The file bin/run-local prints is the runner's own help resource.
        assertEquals(help, Files.readString(ROOT.resolve("local/src/main/resources/" + LocalRunner.HELP)));
    }

    @Test
    void theHelpSaysWhereTheWebhookSecretIs() {
        String help = LocalRunner.helpText();
        assertTrue(help.contains(RunnerState.FILE), help);
        assertTrue(help.contains("webhookSecret"), help);
        assertTrue(help.contains(LocalLogs.DYNAMODB_LOG), help);
    }

    @Test
    void theHelpListsEveryVariableTheRunnerReadsWithItsRealDefault() throws IOException {
        assertVariables("run-local --help", rows(HELP_ROW, LocalRunner.helpText()));
    }

    @Test
    void theReadmesTableListsEveryVariableTheRunnerReadsWithItsRealDefault() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int table = readme.indexOf("Local runner (`bin/run-local`)");
        assertTrue(table > 0, "README: the local runner's table");
        String section = readme.substring(table, readme.indexOf("\n\n", readme.indexOf("| Variable", table)));
        assertVariables("README", rows(README_ROW, section));
    }

    private static Map<String, String> rows(Pattern row, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = row.matcher(text);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    /** The names are exactly those LocalSettings reads (and the script's own), and each default changes nothing. */
    private static void assertVariables(String where, Map<String, String> documented) throws IOException {
        Set<String> read = new LinkedHashSet<>();
        Map<String, String> recording = new HashMap<>() {
            @Override
            public String get(Object key) {
                read.add((String) key);
                return super.get(key);
            }

            @Override
            public String getOrDefault(Object key, String fallback) {
                read.add((String) key);
                return super.getOrDefault(key, fallback);
            }
        };
        LocalSettings defaults = LocalSettings.from(recording, List.of(), ROOT);
        Set<String> expected = new LinkedHashSet<>(read);
        expected.addAll(SCRIPT_VARIABLES);
        assertEquals(new TreeSet<>(expected), new TreeSet<>(documented.keySet()), where + ": the variables");
        for (var v : documented.entrySet()) {
            if (SCRIPT_VARIABLES.contains(v.getKey()) || v.getValue().equals("none")) {
                continue; // none: unset by default, as the AWS SDKs document their endpoint variables
            }
            assertEquals(defaults, LocalSettings.from(Map.of(v.getKey(), v.getValue()), List.of(), ROOT),
                    where + ": " + v.getKey() + "=" + v.getValue() + " is not the default");
        }
        String script = Files.readString(ROOT.resolve("bin/run-local"));
        assertTrue(script.contains("${GK_TARGET:-" + documented.get("GK_TARGET") + "}"), where + ": GK_TARGET's default");
    }
}
