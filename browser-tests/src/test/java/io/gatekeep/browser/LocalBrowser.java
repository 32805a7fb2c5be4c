package io.gatekeep.browser;

import io.gatekeep.local.LocalSettings;
import io.gatekeep.local.LocalSystem;
import io.gatekeep.localaws.ProjectFiles;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The browser tests' harness, one per test class: the whole local system (in a temporary data directory of its
 * own) and headless Chromium, started once for the class and stopped after it; the tabs a test opens are
 * checked for script errors and closed after each test. Every page test needs the same, so it lives here.
 * Register it as {@code @RegisterExtension static final LocalBrowser browser = new LocalBrowser();}; the class's
 * own {@code @BeforeAll} runs after this one has started everything.
 */
final class LocalBrowser implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private Path data;
    private LocalSystem system;
    private Chromium chromium;
    private final List<Page> opened = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        long t0 = System.nanoTime();
        Path binary = Chromium.find(); // installs Chromium when missing; fails in CI / skips elsewhere when it cannot
        long t1 = System.nanoTime();
        data = Files.createTempDirectory("gatekeep-browser-");
        system = LocalSystem.start(LocalSettings.forTest(data.resolve("local-data"), ProjectFiles.root()));
        long t2 = System.nanoTime();
        chromium = Chromium.launch(binary);
        System.err.printf("browser tests: Chromium found in %d ms, local system started in %d ms (demo world: %s), Chromium launched in %d ms%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, system.demoLoad().note(), (System.nanoTime() - t2) / 1_000_000);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<Page> tabs = List.copyOf(opened);
        opened.clear(); // the next test starts with none, even when this check fails
        for (Page p : tabs) {
            assertEquals(List.of(), p.errors(), "no script errors in " + p.targetId());
            p.close();
        }
    }

    /** Also after a start that failed half way (JUnit calls it then too): stops whatever did start. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (chromium != null) {
            chromium.close(); // before the system, as its tabs still talk to it
        }
        if (system != null) {
            system.close();
        }
        if (data != null) {
            Chromium.deleteTree(data);
        }
    }

    LocalSystem system() {
        return system;
    }

    Chromium chromium() {
        return chromium;
    }

    /** The page, as the local runner serves it next to the API. */
    String home() {
        return system.apiUrl() + "/";
    }

    /** A new tab, checked and closed after the test. */
    Page tab() {
        return adopt(chromium.newPage());
    }

    /** A new tab signed in (demo sign-in) as {@code role} of the organization, with its health shown. */
    Page dashboard(String organizationId, String role) {
        return tab().signInToDemo(home(), organizationId, role);
    }

    /** The tab {@code opener} opens next (e.g. the Admin Portal), checked and closed after the test like the others. */
    Page awaitTabOpenedBy(Page opener) throws InterruptedException {
        return adopt(chromium.awaitTabOpenedBy(opener, Page.WAIT));
    }

    private Page adopt(Page page) {
        opened.add(page);
        return page;
    }
}
