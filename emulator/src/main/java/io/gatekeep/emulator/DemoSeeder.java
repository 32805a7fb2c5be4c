package io.gatekeep.emulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Seeds the demo world through the ordinary state changes, so its events and webhooks are real too. */
final class DemoSeeder {
    static final int ACME_USERS = 200;
    static final List<String> ACME_GROUPS = List.of("Engineering", "Sales", "Marketing", "Support", "Admins");

    private DemoSeeder() {}

    static DemoWorld seed(State state) {
        synchronized (state) {
            if (state.demo != null && state.orgs.containsKey(state.demo.acmeOrganizationId())) {
                return state.demo;
            }
            State.Org acme = state.organizations.createOrg("Acme", List.of(DomainSpec.verified("acme.com")),
                    Map.of("tier", "enterprise"), null);
            State.Conn okta = state.organizations.createConnection(acme.id, "OktaSAML", "Acme Okta SAML", "active");
            State.Dir scim = state.directories.createDirectory(acme.id, "okta scim v2.0", "Acme Okta SCIM", "linked");
            List<State.User> users = state.directories.addUsers(scim.id, ACME_USERS);
            Map<String, State.Group> groups = new LinkedHashMap<>();
            for (String name : ACME_GROUPS) {
                groups.put(name, state.directories.createGroup(scim.id, name));
            }
            for (int i = 0; i < users.size(); i++) {
                State.User u = users.get(i);
                State.Group byDepartment = groups.get(String.valueOf(u.custom.get("department")));
                if (byDepartment != null) {
                    state.directories.addUserToGroup(byDepartment.id, u.id);
                }
                if (i % 25 == 0) {
                    state.directories.addUserToGroup(groups.get("Admins").id, u.id);
                }
            }

            State.Org globex = state.organizations.createOrg("Globex", List.of(DomainSpec.pending("globex.com")), Map.of(), null);
            State.Conn draft = state.organizations.createConnection(globex.id, "AzureSAML", "Globex Entra ID", "draft");

            State.Org initech = state.organizations.createOrg("Initech", List.of(), Map.of(), null);

            state.demo = new DemoWorld(acme.id, acme.domainIds.get(0), okta.id, scim.id,
                    globex.id, globex.domainIds.get(0), draft.id, initech.id);
            return state.demo;
        }
    }
}
