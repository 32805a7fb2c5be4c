package io.gatekeep.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.workos.WorkOS;
import com.workos.models.Connection;
import com.workos.models.Directory;
import com.workos.models.DirectoryGroup;
import com.workos.models.DirectoryUserWithGroups;
import com.workos.models.Organization;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The seeded demo world, seen through the SDK, in-process and from the standalone main. */
@SuppressWarnings("deprecation") // DirectoryUserWithGroups.groups
class DemoWorldTest {

    static <T> List<T> all(com.workos.common.http.Page<T> first) {
        return StreamSupport.stream(first.autoPagingIterable().spliterator(), false).toList();
    }

    static void assertDemoWorld(WorkOS workos) {
        Map<String, Organization> orgs = all(workos.getOrganizations().list()).stream()
                .collect(Collectors.toMap(Organization::getName, Function.identity()));
        assertEquals(List.of("Acme", "Globex", "Initech"), orgs.keySet().stream().sorted().toList());

        Organization acme = orgs.get("Acme");
        assertEquals(1, acme.getDomains().size());
        assertEquals("acme.com", acme.getDomains().get(0).getDomain());
        assertEquals("verified", acme.getDomains().get(0).getState().getValue());
        List<Connection> acmeConns = workos.getSso().listConnections(null, null, null, null, null, null, acme.getId()).data;
        assertEquals(1, acmeConns.size());
        assertEquals("OktaSAML", acmeConns.get(0).getConnectionType().getValue());
        assertEquals("active", acmeConns.get(0).getState().getValue());
        List<Directory> acmeDirs = workos.getDirectorySync().list(null, null, null, null, acme.getId()).data;
        assertEquals(1, acmeDirs.size());
        Directory scim = acmeDirs.get(0);
        assertEquals("okta scim v2.0", scim.getType().getValue());
        assertEquals("linked", scim.getState().getValue());
        List<DirectoryUserWithGroups> users = all(workos.getDirectorySync().listUsers(null, null, 100, null, scim.getId()));
        assertEquals(200, users.size());
        assertEquals(200, users.stream().map(DirectoryUserWithGroups::getEmail).distinct().count(), "unique emails");
        assertTrue(users.stream().allMatch(u -> u.getEmail().endsWith("@acme.com")));
        List<DirectoryGroup> groups = workos.getDirectorySync().listGroups(null, null, null, null, scim.getId()).data;
        assertEquals(DemoSeeder.ACME_GROUPS.stream().sorted().toList(),
                groups.stream().map(DirectoryGroup::getName).sorted().toList());
        assertTrue(users.stream().filter(u -> !u.getGroups().isEmpty()).count() > 100, "most users are in groups");

        Organization globex = orgs.get("Globex");
        assertEquals("pending", globex.getDomains().get(0).getState().getValue());
        List<Connection> globexConns = workos.getSso().listConnections(null, null, null, null, null, null, globex.getId()).data;
        assertEquals(1, globexConns.size());
        assertEquals("draft", globexConns.get(0).getState().getValue());
        assertEquals(0, workos.getDirectorySync().list(null, null, null, null, globex.getId()).data.size());

        Organization initech = orgs.get("Initech");
        assertTrue(initech.getDomains().isEmpty());
        assertEquals(0, workos.getSso().listConnections(null, null, null, null, null, null, initech.getId()).data.size());
        assertEquals(0, workos.getDirectorySync().list(null, null, null, null, initech.getId()).data.size());
    }

    @Test
    void oneCallSeedsTheDemoWorldAndItsEvents() {
        try (WorkOsEmulator emu = TestSupport.startEmulator(); TestSupport.Receiver receiver = new TestSupport.Receiver()) {
            emu.control().registerWebhook(receiver.url(), "whsec_demo");
            DemoWorld world = emu.control().seedDemoWorld();
            assertEquals(world, emu.control().seedDemoWorld(), "idempotent");
            assertDemoWorld(TestSupport.sdk(emu));
            assertEquals(200, emu.control().events("dsync.user.created").size());
            assertEquals(world.acmeConnectionId(), emu.control().events("connection.activated").get(0).data().get("id").asText());
            assertTrue(emu.control().awaitDeliveries(Duration.ofSeconds(20)));
            assertEquals(emu.control().events().size(), receiver.hits.size(), "every demo event was pushed");
        }
    }

    @Test
    void theStandaloneMainServesTheDemoWorld(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.gatekeep.emulator.Main").redirectErrorStream(true);
        pb.environment().put("EMULATOR_PORT", String.valueOf(port));
        pb.environment().put("EMULATOR_KEY_FILE", dir.resolve("key.json").toString());
        Process p = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            String banner = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("WorkOS emulator on ")) {
                    banner = line;
                    break;
                }
            }
            assertTrue(banner != null && banner.contains("http://127.0.0.1:" + port), String.valueOf(banner));
            WorkOS workos = WorkOS.builder().apiKey(WorkOsEmulator.DEFAULT_API_KEY)
                    .apiBaseUrl("http://127.0.0.1:" + port)
                    .retryConfig(com.workos.common.http.RetryConfig.DISABLED).build();
            assertDemoWorld(workos);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        }
    }
}
