package io.gatekeep.localaws;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project root (where template.yaml is) from a test, the local runner or a benchmark. */
public final class ProjectFiles {
    private ProjectFiles() {}

    public static Path root() {
        String configured = System.getProperty("gatekeep.projectRoot");
        if (configured != null && Files.exists(Path.of(configured, "template.yaml"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("template.yaml")) && Files.exists(dir.resolve("functions"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the project root (template.yaml) from " + Path.of("").toAbsolutePath());
    }

    public static Path template() {
        return root().resolve("template.yaml");
    }

    public static Path events() {
        return root().resolve("events");
    }
}
