package io.gatekeep.browser;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium in headless mode with a fresh profile, driven over the DevTools protocol. {@link #find()}
 * runs {@code bin/ensure-chromium}, which installs Chromium when it is missing and it can; when Chromium is
 * still missing the tests fail in CI and are skipped, with the reason, elsewhere.
 */
final class Chromium implements AutoCloseable {
    /** The flags the project runs Chromium with; {@code --user-data-dir} is a new temporary directory each time. */
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    private final Process process;
    private final Path profile;
    private final Path log;
    private final DevTools devTools;
    /** Page targets as Chromium reports them (Target.targetCreated), for tabs that a page opens. */
    private final LinkedBlockingQueue<JsonNode> createdPages = new LinkedBlockingQueue<>();
    private final Set<String> claimedTargets = ConcurrentHashMap.newKeySet();
    private final Set<String> destroyedTargets = ConcurrentHashMap.newKeySet();

    private Chromium(Process process, Path profile, Path log, DevTools devTools) {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.devTools = devTools;
    }

    /** The Chromium binary, installed by {@code bin/ensure-chromium} when missing; fails in CI, skips elsewhere. */
    static Path find() {
        return new Prerequisite("Chromium", "bin/ensure-chromium", "install Chromium (Debian: sudo apt-get install chromium)")
                .provide(true);
    }

    static Chromium launch(Path binary) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("gatekeep-chromium-profile-");
        Path log = Files.createTempFile("gatekeep-chromium-", ".log");
        List<String> command = new java.util.ArrayList<>();
        command.add(binary.toString());
        command.addAll(FLAGS);
        command.add("--user-data-dir=" + profile);
        command.add("--remote-debugging-port=0");
        command.add("--window-size=1280,900");
        command.add("about:blank");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Chromium writes the port it picked and the browser's DevTools path to <profile>/DevToolsActivePort.
        Path activePort = profile.resolve("DevToolsActivePort");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<String> lines = List.of();
        while (lines.size() < 2) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Chromium exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            if (Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new IllegalStateException("Chromium did not open its DevTools port within 30 s:\n" + Files.readString(log));
            }
            Thread.sleep(50);
            if (Files.exists(activePort)) {
                lines = Files.readAllLines(activePort).stream().filter(l -> !l.isBlank()).toList();
            }
        }
        DevTools devTools = DevTools.connect(URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip()));
        Chromium chromium = new Chromium(process, profile, log, devTools);
        devTools.onEvent(chromium::onEvent);
        devTools.send(null, "Target.setDiscoverTargets", Json.object().put("discover", true));
        return chromium;
    }

    private void onEvent(JsonNode event) {
        switch (event.path("method").asText()) {
            case "Target.targetCreated" -> {
                JsonNode info = event.path("params").path("targetInfo");
                if ("page".equals(info.path("type").asText())) {
                    createdPages.add(info);
                }
            }
            case "Target.targetDestroyed" -> destroyedTargets.add(event.path("params").path("targetId").asText());
            default -> { }
        }
    }

    /** A new tab of its own, 1280 px wide. */
    Page newPage() {
        String targetId = devTools.send(null, "Target.createTarget", Json.object().put("url", "about:blank"))
                .path("targetId").asText();
        claimedTargets.add(targetId);
        return attach(targetId);
    }

    /** The tab that {@code opener} opens next (window.open), once Chromium reports it. */
    Page awaitTabOpenedBy(Page opener, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            JsonNode info = left <= 0 ? null : createdPages.poll(left, TimeUnit.MILLISECONDS);
            if (info == null) {
                throw new AssertionError("no new tab was opened by the page within " + timeout);
            }
            String targetId = info.path("targetId").asText();
            // Skip tabs the page closed again (e.g. after a failed request) before anyone looked at them.
            if (opener.targetId().equals(info.path("openerId").asText()) && !destroyedTargets.contains(targetId)
                    && claimedTargets.add(targetId)) {
                try {
                    return attach(targetId);
                } catch (DevTools.ProtocolError closedMeanwhile) {
                    // closed between the two events: wait for the next one
                }
            }
        }
    }

    /** Tabs the page opened that nobody looked at (e.g. one it closed again after a failure). */
    List<String> openTabs() {
        JsonNode targets = devTools.send(null, "Target.getTargets", null).path("targetInfos");
        List<String> urls = new java.util.ArrayList<>();
        targets.forEach(t -> {
            if ("page".equals(t.path("type").asText())) {
                urls.add(t.path("url").asText());
            }
        });
        return urls;
    }

    private Page attach(String targetId) {
        String sessionId = devTools.send(null, "Target.attachToTarget",
                Json.object().put("targetId", targetId).put("flatten", true)).path("sessionId").asText();
        Page page = new Page(devTools, targetId, sessionId);
        page.init();
        return page;
    }

    @Override
    public void close() {
        try {
            devTools.send(null, "Browser.close", null);
        } catch (RuntimeException ignored) {
            // already gone: the process is stopped below either way
        }
        devTools.close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(profile);
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }

    /** Deletes a temporary directory and all in it, as far as it can (also the browser tests' data directory). */
    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory
        }
    }
}
