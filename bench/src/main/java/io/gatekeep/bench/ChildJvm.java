package io.gatekeep.bench;

import io.gatekeep.bench.harness.ColdStartHarness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Runs {@link ColdStartHarness} in a fresh JVM with the Lambda Java flags and a function's classpath,
 * and reads back its result line. The harness classes go into a small jar of their own (made once per
 * run from this module's classes), so the child loads nothing but the function's jar and the harness.
 */
public final class ChildJvm {
    /** What the Lambda java21 runtime's JVM is told (JAVA_TOOL_OPTIONS in template.yaml) plus CDS and a single GC thread. */
    public static final List<String> LAMBDA_FLAGS = List.of(
            "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC");

    /** The harness's timestamps, as the parent reads them. */
    public record Result(long started, long main, long init, long first, long firstMicros, long steadyMicros, String status,
                         long heapPeakBytes, long gcCount, long gcMillis, long liveAfterGcBytes, long wallMillis,
                         long primed, String primeOk) {
        /** Process start to main(): JVM boot. */
        public long bootMillis() {
            return main - started;
        }

        /** main() to a constructed handler: class loading, static init, the constructor (SDK clients, Jackson). */
        public long handlerInitMillis() {
            return init - main;
        }

        /** Process start to a constructed handler: what Lambda reports as Init Duration. */
        public long initMillis() {
            return init - started;
        }

        /** The SnapStart priming run after the constructor (0 when not asked): Init it adds at publish time. */
        public long primingMillis() {
            return primed - init;
        }

        public double firstMillis() {
            return firstMicros / 1000.0;
        }

        public double steadyMillis() {
            return steadyMicros / 1000.0;
        }

        /** The operator's JSON report (stream handlers), else null. */
        public String streamOutput() {
            return status.startsWith("stream:")
                    ? new String(Base64.getDecoder().decode(status.substring("stream:".length())), StandardCharsets.UTF_8) : null;
        }

        /** A scheduled function's result, as its toString (map handlers), else null. */
        public String mapOutput() {
            return status.startsWith("map:")
                    ? new String(Base64.getDecoder().decode(status.substring("map:".length())), StandardCharsets.UTF_8) : null;
        }
    }

    public static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    private final Path workDir;
    private final Path harnessJar;

    public ChildJvm(Path workDir) {
        this.workDir = workDir;
        this.harnessJar = harnessJar(workDir);
    }

    public Path harnessJar() {
        return harnessJar;
    }

    /**
     * Starts the harness with {@code classpath} (the harness jar is appended), the given extra JVM flags
     * and system properties, waits for it, and returns its result line.
     */
    public Result run(List<Path> classpath, String handlerClass, Properties spec, List<String> jvmFlags,
                      Map<String, String> systemProperties, long timeoutSeconds) throws Failure {
        try {
            Path specFile = Files.createTempFile(workDir, "spec", ".properties");
            try (OutputStream out = Files.newOutputStream(specFile)) {
                spec.store(out, null);
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(LAMBDA_FLAGS);
            command.addAll(jvmFlags);
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            List<String> cp = new ArrayList<>(classpath.stream().map(Path::toString).toList());
            cp.add(harnessJar.toString());
            command.add("-cp");
            command.add(String.join(java.io.File.pathSeparator, cp));
            command.add(ColdStartHarness.class.getName());
            command.add(handlerClass);
            command.add(specFile.toString());

            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("JAVA_TOOL_OPTIONS") || k.startsWith("POWERTOOLS_"));
            env.put("POWERTOOLS_SERVICE_NAME", "gatekeep");
            env.put("POWERTOOLS_LOG_LEVEL", "INFO");
            long started = System.currentTimeMillis();
            Process process = builder.start();
            Deque<String> tail = new ArrayDeque<>();
            String resultLine = null;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith(ColdStartHarness.RESULT_PREFIX)) {
                        resultLine = line.substring(ColdStartHarness.RESULT_PREFIX.length());
                    } else {
                        tail.addLast(line.length() > 400 ? line.substring(0, 400) + "..." : line);
                        if (tail.size() > 15) {
                            tail.removeFirst();
                        }
                    }
                }
            }
            boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            long wall = System.currentTimeMillis() - started;
            if (!done) {
                process.destroyForcibly();
                throw new Failure("no result after " + timeoutSeconds + " s");
            }
            Files.deleteIfExists(specFile);
            if (resultLine == null) {
                throw new Failure("exit " + process.exitValue() + ", no result line; last output:\n    " + String.join("\n    ", tail));
            }
            Map<String, String> values = new HashMap<>();
            for (String part : resultLine.split(" ")) {
                int eq = part.indexOf('=');
                values.put(part.substring(0, eq), part.substring(eq + 1));
            }
            return new Result(started, Long.parseLong(values.get("main")), Long.parseLong(values.get("init")),
                    Long.parseLong(values.get("first")), Long.parseLong(values.get("firstMicros")),
                    Long.parseLong(values.get("steadyMicros")), values.get("status"), Long.parseLong(values.get("heapPeakBytes")),
                    Long.parseLong(values.get("gcCount")), Long.parseLong(values.get("gcMillis")),
                    Long.parseLong(values.getOrDefault("liveAfterGcBytes", "0")), wall,
                    Long.parseLong(values.getOrDefault("primed", values.get("init"))), values.getOrDefault("primeOk", "-"));
        } catch (IOException e) {
            throw new Failure("cannot run the child JVM: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
    }

    /** The jar (or class directory) a class was loaded from. */
    public static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The harness package of this module's classes, in a jar of its own. */
    private static Path harnessJar(Path workDir) {
        Path classes = locationOf(ColdStartHarness.class);
        String packagePath = ColdStartHarness.class.getPackageName().replace('.', '/') + "/";
        Path jar = workDir.resolve("gatekeep-bench-harness.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (Files.isDirectory(classes)) {
                try (Stream<Path> files = Files.walk(classes.resolve(packagePath))) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                        out.write(Files.readAllBytes(file));
                        out.closeEntry();
                    }
                }
            } else {
                try (var source = new java.util.jar.JarFile(classes.toFile())) {
                    for (JarEntry entry : source.stream().filter(e -> e.getName().startsWith(packagePath) && !e.isDirectory()).toList()) {
                        out.putNextEntry(new JarEntry(entry.getName()));
                        out.write(source.getInputStream(entry).readAllBytes());
                        out.closeEntry();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the harness jar", e);
        }
        return jar;
    }
}
