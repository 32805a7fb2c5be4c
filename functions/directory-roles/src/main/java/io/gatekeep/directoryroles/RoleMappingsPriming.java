package io.gatekeep.directoryroles;

import io.gatekeep.shared.Json;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;
import io.gatekeep.shared.priming.StandInOrganization;

import java.util.Map;

/**
 * SnapStart priming of the role functions (one jar, four handlers), each its own success path on
 * the stand-in organization: a mapping saved and its users re-derived (role-mappings), the mapping
 * read and a change previewed (role-mappings view), a page of directory users (directory-users),
 * a queued walk run (role-jobs).
 */
final class RoleMappingsPriming {
    /** A mapping of the stand-in directory's group: the body of the PUT and of the preview. */
    private static final String MAPPING = "{\"mappings\": [{\"directoryGroupId\": \"" + StandInOrganization.GROUP_ID
            + "\", \"role\": \"admin\"}], \"defaultRole\": \"member\"}";

    private RoleMappingsPriming() {}

    static Priming registerMappings(Config config) {
        return Priming.register("role-mappings", config, session -> {
            var handler = new RoleMappingsHandler(session.config(), session.dynamo(), session.clock());
            var answer = Json.parse(session.expect(200, handler.handleRequest(
                    session.request(RoleMappingsHandler.ROUTE, MAPPING), session.context())).getBody());
            if (answer.path("rederivation").path("usersChecked").asLong() == 0) {
                throw new IllegalStateException("the primed mapping re-derived no user");
            }
        });
    }

    static Priming registerView(Config config) {
        return Priming.register("role-mappings-view", config, session -> {
            var handler = new RoleMappingsViewHandler(session.config(), session.dynamo(), session.clock());
            session.expect(200, handler.handleRequest(session.request(RoleMappingsViewHandler.GET_ROUTE, null), session.context()));
            var preview = Json.parse(session.expect(200, handler.handleRequest(
                    session.request(RoleMappingsViewHandler.PREVIEW_ROUTE, MAPPING), session.context())).getBody());
            if (preview.path("usersChecked").asLong() == 0) {
                throw new IllegalStateException("the primed preview checked no user");
            }
        });
    }

    static Priming registerDirectoryUsers(Config config) {
        return Priming.register("directory-users", config, session -> {
            var handler = new DirectoryUsersHandler(session.config(), session.dynamo(), session.clock());
            var request = session.request(DirectoryUsersHandler.ROUTE, null);
            request.setQueryStringParameters(new java.util.HashMap<>(Map.of("limit", "1")));
            request.setRawQueryString("limit=1");
            var page = Json.parse(session.expect(200, handler.handleRequest(request, session.context())).getBody());
            if (Json.text(page, "nextCursor") == null) {
                throw new IllegalStateException("the primed page of users has no next page");
            }
        });
    }

    static Priming registerRoleJobs(Config config) {
        return Priming.register("role-jobs", config, session -> {
            var handler = new RoleJobsHandler(session.config(), session.dynamo(), session.clock());
            Map<String, Object> report = handler.handleRequest(Map.of(), session.context());
            if (!(report.get("jobs") instanceof java.util.List<?> jobs) || jobs.isEmpty()) {
                throw new IllegalStateException("the primed run found no queued walk: " + report);
            }
        });
    }
}
