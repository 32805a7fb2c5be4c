package io.gatekeep.browser;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.gatekeep.browser.Page.testid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page's "Roles from your directory", in headless Chromium against the whole local system: Acme's
 * synced directory groups (the emulator's demo directory: 200 users, 8 of them in "Admins"), a group mapped
 * to a role, the preview of how many directory users would change role, the save that needs that preview
 * first, and what the API then holds; members never see the section; by keyboard and axe-checked.
 */
class RolesFromDirectoryPageTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    @RegisterExtension
    static final LocalBrowser browser = new LocalBrowser();

    /** Acme's mapping as the API holds it, read as an Acme admin. */
    static JsonNode roleMappings(String organizationId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(browser.system().apiUrl()
                        + "/organizations/" + organizationId + "/role-mappings"))
                .header("Authorization", "Bearer " + browser.system().token("Acme", "admin").token()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.parse(response.body());
    }

    static String roleOf(String groupId) {
        return "select[data-group=\"" + groupId + "\"]";
    }

    static boolean saveUnavailable(Page page) {
        return "true".equals(page.attributes(testid("roles-save"), "aria-disabled").get(0));
    }

    @Test
    void anAdminMapsAGroupSeesHowManyUsersWouldChangeRoleThenSaves() throws Exception {
        String acme = browser.system().demo().acmeOrganizationId();
        JsonNode before = roleMappings(acme);
        assertEquals(0, before.path("version").asInt(), "nothing saved yet");
        Map<String, String> groupIds = new HashMap<>();
        before.path("groups").forEach(g -> groupIds.put(g.path("name").asText(), g.path("id").asText()));
        assertEquals(Set.of("Engineering", "Sales", "Marketing", "Support", "Admins"), groupIds.keySet());

        Page page = browser.dashboard(acme, "admin");
        page.waitFor("Roles from your directory", () -> page.visible(testid("roles"))
                && page.texts("[data-testid=roles-group] th").size() == 5);
        assertEquals("200 directory users: 200 member.", page.text("roles-users"));
        assertEquals(Set.of("Role for Engineering", "Role for Sales", "Role for Marketing", "Role for Support", "Role for Admins"),
                new TreeSet<>(strings(page.eval("[...document.querySelectorAll('#roles-groups select')].map(s => s.labels[0].textContent)"))));
        assertEquals(List.of("", "", "", "", ""), strings(page.eval("[...document.querySelectorAll('#roles-groups select')].map(s => s.value)")),
                "every group starts out not mapped");
        assertEquals("member", page.eval("document.querySelector('#roles-default').value").asText());
        assertTrue(page.text("roles-groups").contains("Acme Okta SCIM"), "each group's directory");
        assertTrue(saveUnavailable(page), "saving needs a preview first");
        assertEquals("Preview the changes first.", page.text("roles-save-reason"));
        assertEquals("roles-save-reason", page.attributes(testid("roles-save"), "aria-describedby").get(0));
        Axe.check(page, "Roles from your directory");

        // Save before a preview: it says why, and nothing is written.
        page.click(testid("roles-save"));
        page.waitForText("status", "Preview the changes first.");
        assertEquals(0, roleMappings(acme).path("version").asInt());

        // Admins -> admin: 8 directory users would change role.
        page.select(roleOf(groupIds.get("Admins")), "admin");
        page.click(testid("roles-preview"));
        page.waitForText("roles-preview-text", "8 directory users would change role.");
        assertEquals("8 directory users would change role.", page.text("status"));
        assertEquals(List.of("8 from member to admin"), page.texts("[data-testid=roles-change]"));
        assertTrue(page.text("roles-result").contains("After saving: 8 admin, 192 member"), page.text("roles-result"));
        assertFalse(saveUnavailable(page), "previewed: Save roles is usable");
        assertFalse(page.visible(testid("roles-save-reason")));
        Axe.check(page, "a preview before saving");
        IdentityIntegrationsPageTest.screenshot(page, "identity-integrations-roles.png");

        // Another choice makes the preview stale: Save waits for a new one. Engineering -> member changes nobody.
        page.select(roleOf(groupIds.get("Engineering")), "member");
        page.waitFor("the preview gone", () -> saveUnavailable(page) && !page.visible(testid("roles-result")));
        assertEquals("Preview the changes first.", page.text("roles-save-reason"));
        page.click(testid("roles-preview"));
        page.waitForText("roles-preview-text", "8 directory users would change role.");
        assertEquals(List.of("8 from member to admin"), page.texts("[data-testid=roles-change]"));

        // Save by keyboard: focus stays on the button, the page says what changed, the API holds the mapping.
        page.eval("document.querySelector('#roles-save').focus()");
        page.press("Enter");
        page.waitForText("status", "Roles saved. 8 directory users changed role.");
        assertEquals("roles-save", page.focused());
        page.waitForText("roles-users", "200 directory users: 8 admin, 192 member.");
        assertEquals("admin", page.eval("document.querySelector('" + roleOf(groupIds.get("Admins")) + "').value").asText());
        assertTrue(saveUnavailable(page), "saved: the next change needs its own preview");
        JsonNode after = roleMappings(acme);
        assertEquals(1, after.path("version").asInt());
        Map<String, String> mapped = new HashMap<>();
        after.path("mappings").forEach(m -> mapped.put(m.path("groupName").asText(), m.path("role").asText()));
        assertEquals(Map.of("Admins", "admin", "Engineering", "member"), mapped);
        assertEquals(8, after.path("usersPerRole").path("admin").asInt());
        page.waitFor("the change in the audit log", () -> page.attributes("[data-testid=audit-row]", "data-type").get(0)
                .equals("settings.role_mappings_updated"));

        // The keyboard walk through the section: each group's role, the default role, Preview, Save.
        page.eval("document.querySelector('#roles-groups select').focus()");
        assertEquals(List.of("roles-group-role", "roles-group-role", "roles-group-role", "roles-group-role", "roles-default",
                "roles-preview", "roles-save"), page.tabTo("roles-save"));

        Axe.check(page, "roles saved");
        page.viewport(375, 800);
        page.waitFor("the phone layout", () -> page.eval("innerWidth").asInt() == 375);
        assertEquals(0, page.horizontalOverflow(), "the groups stack on a phone");
        Axe.check(page, "Roles from your directory on a phone");
        page.viewport(1280, 900);

        // An organization without a directory (Directory Sync in its plan): nothing to map yet, and no control to
        // tab through. Without Directory Sync in the plan the section is not there at all (IdentityIntegrationsPageTest).
        BackOffice.setPlan(browser.system(), browser.system().demo().initechOrganizationId(), false, true);
        Page initech = browser.dashboard(browser.system().demo().initechOrganizationId(), "admin");
        initech.waitFor("the empty section", () -> initech.visible(testid("roles-empty")));
        assertEquals("0 directory users.", initech.text("roles-users"));
        assertFalse(initech.visible(testid("roles-form")));

        // Members see neither the section nor an error (the API would answer them 403).
        Page member = browser.dashboard(acme, "member");
        assertFalse(member.visible(testid("roles")));
        assertFalse(member.visible(testid("error")));
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
