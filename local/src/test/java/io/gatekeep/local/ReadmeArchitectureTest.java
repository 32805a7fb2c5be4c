package io.gatekeep.local;

import io.gatekeep.localaws.ProjectFiles;
import io.gatekeep.localaws.SamTemplate;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Architecture section names every function of template.yaml with the folder its code is in. */
class ReadmeArchitectureTest {
    /** A row of the functions table: | `LogicalId` | `folder` | job |. */
    private static final Pattern ROW = Pattern.compile("^\\s*\\| `([A-Za-z0-9]+)` \\| `([a-z0-9-]+)` \\| \\S.*\\|\\s*$", Pattern.MULTILINE);

    @Test
    void everyFunctionOfTheTemplateIsInTheArchitectureSectionWithItsFolder() throws Exception {
        String readme = Files.readString(ProjectFiles.root().resolve("README.md"));
        int start = readme.indexOf("\n## Architecture");
        assertTrue(start >= 0, "README has an Architecture section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);

        Map<String, String> documented = new TreeMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            documented.put(m.group(1), m.group(2));
        }
        Map<String, String> template = new TreeMap<>();
        for (SamTemplate.Function f : SamTemplate.load(ProjectFiles.template()).functions()) {
            template.put(f.logicalId(), f.codeUri().replaceFirst("^functions/", "").replaceAll("/+$", ""));
        }
        assertEquals(template, documented, "README's Architecture table: function -> folder, as in template.yaml");
    }
}
