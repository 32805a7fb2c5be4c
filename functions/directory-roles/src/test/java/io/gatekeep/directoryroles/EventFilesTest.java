package io.gatekeep.directoryroles;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.ProjectFiles;
import io.gatekeep.shared.Json;
import io.gatekeep.testsupport.ApiEvents;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example events under events/ work as they are, against a table that knows the example organization. */
class EventFilesTest {
    static final String ACME = "org_01HACME000000000000000000";

    @Test
    void theExampleEventsWorkAsTheyAre() throws Exception {
        RolesFixture fx = new RolesFixture();
        fx.organization(ACME);
        RolesFixture.Response put = RolesFixture.response(fx.mappings.handleRequest(
                ApiEvents.load("role-mappings.json").build(), LocalContext.of("role-mappings")));
        assertEquals(200, put.status(), put.toString());
        assertEquals("complete", put.body().at("/rederivation/status").asText());
        for (String file : new String[]{"role-mappings-get.json", "role-mappings-preview.json"}) {
            RolesFixture.Response read = RolesFixture.response(fx.view.handleRequest(
                    ApiEvents.load(file).build(), LocalContext.of("role-mappings-view")));
            assertEquals(200, read.status(), file + ": " + read);
        }
        RolesFixture.Response list = RolesFixture.response(fx.users.handleRequest(
                ApiEvents.load("directory-users.json").build(), LocalContext.of("directory-users")));
        assertEquals(200, list.status(), list.toString());
        for (String file : new String[]{"role-jobs-scheduled.json", "role-jobs-organization.json"}) {
            Map<String, Object> event = Json.MAPPER.readValue(Files.readString(ProjectFiles.events().resolve(file)),
                    new TypeReference<Map<String, Object>>() {});
            Map<String, Object> report = fx.jobs.handleRequest(event, new LocalContext("role-jobs", 300_000, 256));
            assertEquals(null, report.get("error"), file + ": " + report);
        }
    }
}
