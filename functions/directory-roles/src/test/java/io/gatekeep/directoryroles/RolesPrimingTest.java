package io.gatekeep.directoryroles;

import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.config.Config;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.OrgSeed;
import io.gatekeep.testsupport.PrimingCheck;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SnapStart priming of the three role functions: each primes its own success path with nothing
 * written and nothing reached, then serves a real request against the table.
 */
class RolesPrimingTest {
    private static final Map<String, String> CURSOR = Map.of(Config.CURSOR_KEY_PARAMETER, "", Config.CURSOR_KEY, "roles-priming-test-key");

    @Test
    void roleMappingsPrimesThenSavesARealMapping() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        RoleMappingsHandler primed = PrimingCheck.primeAgainstTable(RoleMappingsHandler::new, dynamo, table, "role-mappings");
        String org = "org_primed_roles";
        try (DynamoDbClient client = dynamo.client()) {
            new OrgSeed(client, table).ready(org);
            var response = primed.handleRequest(ApiEvents.load("role-mappings.json").organization(org)
                    .caller("user_admin", org, "admin", "ada@acme.test").build(), new LocalContext("role-mappings", 5_000, 1024));
            assertEquals(200, response.getStatusCode(), response.getBody());
        }
    }

    @Test
    void roleMappingsViewPrimesThenReadsTheRealMapping() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        RoleMappingsViewHandler primed = PrimingCheck.primeAgainstTable(RoleMappingsViewHandler::new, dynamo, table, "role-mappings-view");
        String org = "org_primed_view";
        try (DynamoDbClient client = dynamo.client()) {
            new OrgSeed(client, table).ready(org);
            var response = primed.handleRequest(ApiEvents.load("role-mappings-get.json").organization(org)
                    .caller("user_admin", org, "admin", "ada@acme.test").build(), LocalContext.of("role-mappings-view"));
            assertEquals(200, response.getStatusCode(), response.getBody());
        }
    }

    @Test
    void directoryUsersPrimesThenListsRealUsers() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        DirectoryUsersHandler primed = PrimingCheck.primeAgainstTable(DirectoryUsersHandler::new, dynamo, table, "directory-users", CURSOR);
        String org = "org_primed_users";
        try (DynamoDbClient client = dynamo.client()) {
            new OrgSeed(client, table).ready(org);
            var response = primed.handleRequest(ApiEvents.load("directory-users.json").organization(org)
                    .query("role", null).query("limit", null)
                    .caller("user_admin", org, "admin", "ada@acme.test").build(), LocalContext.of("directory-users"));
            assertEquals(200, response.getStatusCode(), response.getBody());
        }
    }

    @Test
    void roleJobsPrimesThenRunsWithNothingQueued() {
        LocalDynamo dynamo = LocalDynamo.shared();
        String table = dynamo.createTable();
        RoleJobsHandler primed = PrimingCheck.primeAgainstTable(RoleJobsHandler::new, dynamo, table, "role-jobs");
        assertEquals("[]", primed.handleRequest(Map.of(), new LocalContext("role-jobs", 300_000, 256)).get("jobs").toString());
    }

    @Test
    void noneNeedsAnEndpointAtCheckpointOrRestore() {
        PrimingCheck.primeWithEveryEndpointTrapped(RoleMappingsHandler::new, "role-mappings");
        PrimingCheck.primeWithEveryEndpointTrapped(RoleMappingsViewHandler::new, "role-mappings-view");
        PrimingCheck.primeWithEveryEndpointTrapped(DirectoryUsersHandler::new, "directory-users");
        PrimingCheck.primeWithEveryEndpointTrapped(RoleJobsHandler::new, "role-jobs");
    }
}
