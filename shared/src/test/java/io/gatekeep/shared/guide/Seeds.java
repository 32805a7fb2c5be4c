package io.gatekeep.shared.guide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The product documents in {@code ../shared/seeds} (next to the project root), read for wording
 * only: the tests compare the guide's data files with them. Tests that need them are skipped
 * (not passed) when the folder is absent, e.g. in a checkout without it.
 */
final class Seeds {
    private Seeds() {}

    static Path folder() {
        String root = System.getProperty("gatekeep.projectRoot");
        Path base = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        return base.resolve("../shared/seeds").normalize();
    }

    /** All seed texts joined; skips the calling test when the seeds are not there. */
    static String allText() {
        Path folder = folder();
        assumeTrue(Files.isDirectory(folder), "no seeds folder at " + folder);
        try (Stream<Path> files = Files.list(folder)) {
            StringBuilder text = new StringBuilder();
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                text.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cells of the rows of the markdown table whose header line is {@code header} (separator skipped). */
    static List<List<String>> table(String header) {
        List<String> lines = Arrays.asList(allText().split("\n"));
        int start = lines.indexOf(header);
        assumeTrue(start >= 0, "no table " + header + " in the seeds");
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(start + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            String inner = line.strip();
            inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
            rows.add(Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList());
        }
        return rows;
    }
}
