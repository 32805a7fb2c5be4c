package io.gatekeep.browser;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assertions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Deque's axe-core, the accessibility engine, run inside the page: WCAG 2.0, 2.1 and 2.2 A/AA rules and
 * Deque's best practices. The engine comes from the npm registry at the version browser-tests/package.json
 * pins ({@code bin/ensure-axe-core} runs {@code npm ci} when it is missing), never from a copy in the repository.
 */
final class Axe {
    /** The rule sets checked: every WCAG A/AA level axe knows, and its best practices. */
    static final List<String> TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice");

    private static String source;

    private Axe() {}

    /** axe.min.js, installed by {@code bin/ensure-axe-core} when missing; fails in CI, skips elsewhere when it cannot. */
    static synchronized String source() {
        if (source == null) {
            Path file = new Prerequisite("axe-core", "bin/ensure-axe-core", "install Node.js and npm (Debian: sudo apt-get install npm)")
                    .provide(false);
            try {
                source = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return source;
    }

    /** The violations axe finds in the page as it is now, one line each (rule, impact, where, why). */
    static List<String> violations(Page page) {
        if (!page.eval("typeof window.axe === 'object'").asBoolean()) {
            page.eval(source() + "\n;true");
        }
        String tags = io.gatekeep.shared.Json.write(TAGS);
        JsonNode found = page.eval("axe.run(document, {runOnly: {type: 'tag', values: " + tags + "}, resultTypes: ['violations']})"
                + ".then(r => r.violations.flatMap(v => v.nodes.map(n => v.id + ' (' + v.impact + '): ' + n.target.join(' ')"
                + " + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' '))))");
        List<String> out = new ArrayList<>();
        found.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** Zero violations allowed, in this state of the page. */
    static void check(Page page, String state) {
        List<String> violations = violations(page);
        Assertions.assertEquals(List.of(), violations, "axe-core " + version(page) + " in the state: " + state);
    }

    static String version(Page page) {
        return page.eval("window.axe ? axe.version : ''").asText();
    }
}
