package io.gatekeep.localaws;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * moto in server mode (a real AWS emulator, Python): EventBridge, SES, SQS over the AWS wire
 * protocols, for the notices' tests and the local runner. Started on a free loopback port; its
 * internal API ({@code /moto-api/data.json}) shows what was sent. Where it is not installed,
 * {@link #find()} is empty and the tests that need it are skipped with a message saying so.
 * {@link NoticeAws} starts it only when no AWS endpoint is configured (LocalStack serves the same APIs
 * where Docker runs: point AWS_ENDPOINT_URL at it).
 */
public final class MotoServer implements AutoCloseable {
    /** {@code MOTO_SERVER}, then {@code moto_server} on the PATH, then pyenv's shim. */
    public static Optional<Path> find() {
        String configured = System.getenv("MOTO_SERVER");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "moto_server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        Path pyenv = Path.of(System.getProperty("user.home"), ".pyenv", "shims", "moto_server");
        return Files.isExecutable(pyenv) ? Optional.of(pyenv) : Optional.empty();
    }

    public static final String MISSING = "moto_server is not installed (pip install 'moto[server]'; or set MOTO_SERVER): "
            + "the EventBridge and SES tests need a real AWS emulator and are skipped, not passed";

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static MotoServer start(Path executable) {
        int port = freePort();
        try {
            Process process = new ProcessBuilder(List.of(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port)))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!server.ready()) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("moto_server exited with " + process.exitValue());
                }
                if (System.nanoTime() > deadline) {
                    server.close();
                    throw new IllegalStateException("moto_server did not answer within 60 s");
                }
                Thread.sleep(100);
            }
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto_server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** GET a path of moto's internal API (e.g. {@code /moto-api/data.json}). */
    public String get(String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(10000);
            try (var in = c.getInputStream()) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalStateException("moto: GET " + path + " failed", e);
        }
    }

    private boolean ready() {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/moto-api/data.json").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(5000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
