package io.gatekeep.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.DemoWorld;
import io.gatekeep.localaws.MotoServer;
import io.gatekeep.localaws.NoticeAws;
import io.gatekeep.localaws.ProjectFiles;
import io.gatekeep.shared.Json;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bin/run-local} with {@code AWS_ENDPOINT_URL} set, as with LocalStack: the notices use that endpoint and the
 * runner starts no moto of its own. No Docker runs here, so the "external" emulator is a moto server this test
 * starts itself; the runner is given it the way {@link LocalRunner} is, through {@link LocalSettings#from} of an
 * environment map (the process's own environment is left alone). The console says which emulator is in use, no
 * process is started by the notices, and the notice reaches the external endpoint: its bus printed it, its SES
 * holds the email to Acme's IT contact.
 */
class LocalNoticesExternalAwsTest {
    @TempDir
    static Path data;
    static MotoServer external;
    static LocalSystem system;
    static final ByteArrayOutputStream console = new ByteArrayOutputStream();
    static Set<Long> startedByNotices;

    @BeforeAll
    static void start() {
        var executable = MotoServer.find();
        assumeTrue(executable.isPresent(), MotoServer.MISSING);
        external = MotoServer.start(executable.get());
        String url = external.endpoint().toString();
        LocalSettings settings = LocalSettings.from(Map.of(
                "GATEKEEP_PORT", "0", "EMULATOR_PORT", "0", "DYNAMODB_PORT", "0",
                "GATEKEEP_DATA_DIR", data.resolve("local-data").toString(), "GATEKEEP_CLEAN", "1", "WORKOS_MAX_RETRIES", "0",
                "AWS_ENDPOINT_URL", url), List.of(), ProjectFiles.root());
        assertEquals(new NoticeAws.Endpoints(external.endpoint(), external.endpoint(), external.endpoint(), "AWS_ENDPOINT_URL=" + url),
                settings.awsEndpoints().orElseThrow());
        system = LocalSystem.start(settings);
        Set<Long> before = descendants();
        system.startNotices(new PrintStream(console, true, StandardCharsets.UTF_8));
        startedByNotices = new HashSet<>(descendants());
        startedByNotices.removeAll(before);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (external != null) {
            external.close();
        }
    }

    /** This JVM's live descendant processes (moto_server, when something starts it). */
    static Set<Long> descendants() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @Test
    void theNoticesGoToTheConfiguredEndpointAndNoMotoIsStarted() throws Exception {
        String text = LocalNoticesTest.text(console);
        assertTrue(text.contains("  Notices          EventBridge bus gatekeep-local-identity-notices and SES in the configured AWS endpoint"
                + " (AWS_ENDPOINT_URL=" + external.endpoint() + ") (each notice is printed here)"), text);
        assertEquals(Set.of(), startedByNotices, "the runner started no process (no moto_server of its own)");

        DemoWorld demo = system.demo();
        var emulator = system.emulator().control();
        Instant expiry = Instant.now().plus(Duration.ofDays(20));
        emulator.setCertificateExpiry(demo.acmeConnectionId(), expiry);
        emulator.emitCertificateRenewalRequired(demo.acmeConnectionId());
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(10)));
        String opened = "notice opened Acme: The SAML certificate of Acme Okta SAML expires on " + expiry.toString().substring(0, 10)
                + " [certificate_expiring]";
        Instant deadline = Instant.now().plus(LocalNoticesTest.WAIT);
        List<JsonNode> emails = List.of();
        while (!(LocalNoticesTest.text(console).contains(opened) && !emails.isEmpty())) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited for the notice on the console and its email in the external SES; console:\n"
                        + LocalNoticesTest.text(console) + "\nemails: " + emails);
            }
            Thread.sleep(200);
            emails = emailsIn(external);
        }
        assertEquals(1, emails.size(), emails.toString());
        assertEquals(LocalNotices.SENDER, emails.get(0).path("source").asText());
        assertEquals("it@acme.com", emails.get(0).path("destinations").path("ToAddresses").path(0).asText());
        assertTrue(emails.get(0).path("template_data").asText().contains("\"organizationName\":\"Acme\""), emails.toString());
    }

    /** The templated emails the external moto's SES accepted (its own API). */
    private static List<JsonNode> emailsIn(MotoServer moto) {
        List<JsonNode> out = new ArrayList<>();
        Json.parse(moto.get("/moto-api/data.json")).path("ses").path("TemplateMessage").forEach(out::add);
        return out;
    }
}
