package io.gatekeep.browser;

import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.local.LocalSettings;
import io.gatekeep.local.LocalSystem;
import io.gatekeep.localaws.ProjectFiles;
import io.gatekeep.shared.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gatekeep.browser.Page.testid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "The connection status refreshes automatically when you come back to the page": WorkOS sends no event
 * when a connection is created (draft), so only the backend's read of WorkOS can show it. The admin leaves
 * the page's tab for another (as for the Admin Portal), a draft connection appears in WorkOS meanwhile, and
 * when the page's tab is the visible one again it asks for that read and shows the draft, with no Refresh
 * click and no operator action. Tab switches are Chromium's own (DevTools' Page.bringToFront).
 */
class RefreshOnReturnPageTest {
    @TempDir
    static Path data;
    static LocalSystem system;
    static Chromium chromium;
    static EmulatorControl emulator;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    final List<Page> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path binary = Chromium.find();
        system = LocalSystem.start(LocalSettings.forTest(data.resolve("local-data"), ProjectFiles.root()));
        emulator = system.emulator().control();
        chromium = Chromium.launch(binary);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @AfterEach
    void closeTabs() {
        for (Page p : opened) {
            assertEquals(List.of(), p.errors(), "no script errors in " + p.targetId());
            p.close();
        }
    }

    Page tab() {
        Page page = chromium.newPage();
        opened.add(page);
        return page;
    }

    @Test
    void aDraftConnectionMadeInAnotherTabShowsWhenThePageIsVisibleAgain() throws Exception {
        String acme = system.demo().acmeOrganizationId();
        Page page = tab();
        page.open(system.apiUrl() + "/?org=Acme&role=admin");
        page.waitForText("sso-badge", "Active");
        assertEquals("1", page.text("sso-total"));
        int loads = refreshes(page);

        // The admin goes to another tab; WorkOS gets a draft connection, of which it sends no event.
        Page other = tab();
        other.open("about:blank");
        other.bringToFront();
        page.waitFor("the page's tab hidden", () -> "hidden".equals(page.eval("document.visibilityState").asText()));
        emulator.createConnection(acme, "GenericOIDC", "Acme OIDC", "draft");
        assertTrue(emulator.awaitDeliveries(Duration.ofSeconds(10)), "the emulator's deliveries settle");
        assertEquals(1, storedConnections(acme), "no event, so the stored health does not know the draft yet");
        assertEquals(loads, refreshes(page), "a hidden page does not refresh");

        // Back to the page's tab: it asks the backend to read WorkOS, then shows what changed.
        page.bringToFront();
        page.waitFor("the draft connection counted", () -> "2".equals(page.text("sso-total")), Duration.ofSeconds(15));
        assertEquals(2, storedConnections(acme), "the refresh wrote WorkOS's state through the projection");
        assertTrue(page.eval("performance.getEntriesByType('resource').some(e => e.name.endsWith('/identity-health/refresh'))")
                .asBoolean(), "the page asked for POST .../identity-health/refresh");
        page.waitFor("the change said in the status region", () -> !page.text("status").isBlank());
    }

    static int refreshes(Page page) {
        return page.eval("Number(document.querySelector('#dashboard').dataset.refreshes || 0)").asInt();
    }

    /** The connections health counts, read through the API as the page does. */
    static int storedConnections(String organizationId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl()
                        + "/organizations/" + organizationId + "/identity-health"))
                .header("Authorization", "Bearer " + system.token("Acme", "admin").token()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.parse(response.body()).path("sso").path("totalConnections").asInt(-1);
    }
}
