package io.gatekeep.local;

import io.gatekeep.emulator.DemoWorld;
import io.gatekeep.localaws.NoticeAws;
import io.gatekeep.localaws.ProjectFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * "The local run shows the notices it sent": the notices function as {@code bin/run-local} runs it (the table's
 * stream every second, the EventBridge and SES of the AWS endpoint the environment names, else of moto started by
 * the runner), and its console. The emulator brings Acme's SAML certificate
 * within 30 days and renews it; the console shows the opening and the resolution, once each, as read back from
 * the bus: the transition, the organization and the title, never a link or a secret.
 */
class LocalNoticesTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir
    static Path data;
    static LocalSystem system;
    static final ByteArrayOutputStream console = new ByteArrayOutputStream();
    static Optional<NoticeAws.Endpoints> configured;
    static Set<Long> startedProcesses;

    @BeforeAll
    static void start() {
        assumeTrue(NoticeAws.available(System.getenv()), NoticeAws.MISSING);
        configured = NoticeAws.Endpoints.configured(System.getenv());
        system = LocalSystem.start(LocalSettings.forTest(data.resolve("local-data"), ProjectFiles.root()).withAwsEndpoints(configured));
        var load = system.demoLoad();
        assertEquals(load.events(), load.accepted(), "the demo world's events reach the projection: " + load.note());
        Set<Long> before = LocalNoticesExternalAwsTest.descendants();
        system.startNotices(new PrintStream(console, true, StandardCharsets.UTF_8));
        startedProcesses = new HashSet<>(LocalNoticesExternalAwsTest.descendants());
        startedProcesses.removeAll(before);
    }

    @Test
    void withoutAConfiguredEndpointTheRunnerStartsMotoAndSaysSo() {
        assumeTrue(configured.isEmpty(), "AWS_ENDPOINT_URL is set: LocalNoticesExternalAwsTest covers that case");
        assertTrue(consoleText().contains("  Notices          EventBridge bus gatekeep-local-identity-notices and SES in "
                + "moto_server started here at http://127.0.0.1:"), consoleText());
        assertFalse(startedProcesses.isEmpty(), "the runner started moto_server");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void theConsoleShowsEachNoticeSentWithItsOrganizationAndTitleOnly() throws Exception {
        assertTrue(consoleText().contains("  Notices          EventBridge bus gatekeep-local-identity-notices and SES in "), consoleText());
        DemoWorld demo = system.demo();
        var emulator = system.emulator().control();
        Instant expiry = Instant.now().plus(Duration.ofDays(20));
        String title = "The SAML certificate of Acme Okta SAML expires on " + expiry.toString().substring(0, 10);

        emulator.setCertificateExpiry(demo.acmeConnectionId(), expiry);
        emulator.emitCertificateRenewalRequired(demo.acmeConnectionId());
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(10)));
        String opened = "notice opened Acme: " + title + " [certificate_expiring]";
        awaitNotices(lines -> lines.contains(opened));

        emulator.renewCertificate(demo.acmeConnectionId());
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(10)));
        String resolved = "notice resolved Acme: " + title + " [certificate_expiring]";
        awaitNotices(lines -> lines.contains(resolved));

        Thread.sleep(2500); // two more ticks of the loop: nothing is printed (or sent) twice
        assertEquals(List.of(opened, resolved), notices());
        for (String line : notices()) {
            assertFalse(line.contains("http") || line.contains("portal") || line.contains("token") || line.contains("secret"),
                    "a notice line names no link and no secret: " + line);
        }
    }

    static List<String> awaitNotices(Predicate<List<String>> ready) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!ready.test(notices())) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + WAIT.toSeconds() + " s for the notices on the console; it shows:\n" + consoleText());
            }
            Thread.sleep(100);
        }
        return notices();
    }

    static List<String> notices() {
        return consoleText().lines().filter(l -> l.startsWith("notice ")).toList();
    }

    static String consoleText() {
        return text(console);
    }

    static String text(ByteArrayOutputStream console) {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }
}
