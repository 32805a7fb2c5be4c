package io.gatekeep.testsupport;

import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.UserUpdate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A realistic life of one organization, played on the emulator (every step emits what WorkOS would):
 * a pending domain verified, a second added and later removed, a third failing verification; an Okta SAML
 * connection from draft through validating to active, its certificate nearing expiry, flagged for renewal
 * and renewed, then deactivated; an OIDC connection activated and deleted; an Entra ID connection
 * deactivated; an old directory synced and deleted; a directory linked with groups and {@code users} users
 * who join and leave groups, change, are suspended and leave; a group renamed ("Sales" to "Revenue") and
 * one deleted ("Finance"); the organization renamed. {@code beforeStep} runs
 * before each step (e.g. to change the webhook fault settings). The one story of the webhook function's
 * chaos tests and the operator's reconcile tests.
 *
 * @param directoryId the linked directory's id
 * @param userIds its users still there at the end
 * @param groupIds its groups still there at the end
 */
public record OrganizationHistory(String organizationId, String directoryId, List<String> userIds, List<String> groupIds) {

    /** Creates the organization ("Chaos Co", with a pending domain) and plays its life. */
    public static OrganizationHistory play(EmulatorControl workos, int users, Random random, Runnable beforeStep) {
        beforeStep.run();
        Snapshot.Organization org = workos.createOrganization("Chaos Co", DomainSpec.pending("chaos.test"));
        beforeStep.run();
        workos.verifyDomain(org.domainIds().get(0));
        return life(workos, org.id(), "", users, random, beforeStep);
    }

    /**
     * The same life for an organization WorkOS has already (e.g. onboarded), its domains named after its id,
     * then a directory left validating: WorkOS sends no event for it, so only a reconcile's listing finds it.
     */
    public static OrganizationHistory playOn(EmulatorControl workos, String organizationId, int users, Random random) {
        String tag = "-" + organizationId.substring(Math.max(0, organizationId.length() - 8)).toLowerCase(Locale.ROOT);
        workos.verifyDomain(workos.addDomain(organizationId, "chaos" + tag + ".test", "pending").id());
        OrganizationHistory history = life(workos, organizationId, tag, users, random, () -> { });
        workos.createDirectory(organizationId, "generic scim v2.0", "HR system", "validating");
        return history;
    }

    private static OrganizationHistory life(EmulatorControl workos, String orgId, String tag, int users, Random random,
                                            Runnable beforeStep) {
        beforeStep.run();
        var extraDomain = workos.addDomain(orgId, "chaos-old" + tag + ".test", "pending");
        beforeStep.run();
        workos.failDomain(workos.addDomain(orgId, "chaos-corp" + tag + ".test", "pending").id());

        beforeStep.run();
        var saml = workos.createConnection(orgId, "OktaSAML", "Chaos Okta", "draft");
        workos.setConnectionState(saml.id(), "validating");
        beforeStep.run();
        workos.setConnectionState(saml.id(), "active");
        beforeStep.run();
        workos.setCertificateExpiry(saml.id(), workos.now().plus(Duration.ofDays(20)));
        workos.emitCertificateRenewalRequired(saml.id());
        beforeStep.run();
        workos.renewCertificate(saml.id());
        beforeStep.run();
        var oidc = workos.createConnection(orgId, "GenericOIDC", "Chaos OIDC", "active");
        beforeStep.run();
        workos.deleteConnection(oidc.id());
        beforeStep.run();
        var entra = workos.createConnection(orgId, "AzureSAML", "Entra ID", "active");
        beforeStep.run();
        workos.setConnectionState(entra.id(), "inactive");

        beforeStep.run();
        var old = workos.createDirectory(orgId, "azure scim v2.0", "Old Directory", "linked");
        var oldGroup = workos.createGroup(old.id(), "Legacy");
        for (Snapshot.User u : workos.addUsers(old.id(), 5)) {
            workos.addUserToGroup(oldGroup.id(), u.id());
        }
        beforeStep.run();
        workos.deleteDirectory(old.id());

        beforeStep.run();
        var dir = workos.createDirectory(orgId, "okta scim v2.0", "Chaos Directory", "linked");
        List<Snapshot.Group> groups = new ArrayList<>();
        for (String name : List.of("Engineering", "Sales", "Support", "Finance", "Everyone")) {
            beforeStep.run();
            groups.add(workos.createGroup(dir.id(), name));
        }
        List<Snapshot.User> people = new ArrayList<>();
        for (int made = 0; made < users; made += 50) {
            beforeStep.run();
            people.addAll(workos.addUsers(dir.id(), Math.min(50, users - made)));
        }
        for (Snapshot.User u : people) {
            beforeStep.run();
            workos.addUserToGroup(groups.get(random.nextInt(groups.size())).id(), u.id());
            if (random.nextInt(4) == 0) {
                workos.addUserToGroup(groups.get(4).id(), u.id());
            }
        }
        for (int i = 0; i < Math.max(1, users / 8); i++) {
            beforeStep.run();
            Snapshot.User u = people.get(random.nextInt(people.size()));
            switch (random.nextInt(3)) {
                case 0 -> workos.updateUser(u.id(), UserUpdate.name(u.firstName() + "-" + i, u.lastName()));
                case 1 -> workos.updateUser(u.id(), UserUpdate.state("inactive"));
                default -> workos.updateUser(u.id(), UserUpdate.state(random.nextBoolean() ? "suspended" : "active"));
            }
        }
        for (int i = 0; i < Math.max(1, users / 12); i++) {
            beforeStep.run();
            Snapshot.User u = people.get(random.nextInt(people.size()));
            workos.removeUserFromGroup(groups.get(random.nextInt(groups.size())).id(), u.id());
        }
        for (int i = 0; i < Math.max(1, users / 16); i++) {
            beforeStep.run();
            Snapshot.User u = people.remove(random.nextInt(people.size()));
            workos.deleteUser(u.id());
        }
        beforeStep.run();
        workos.renameGroup(groups.get(1).id(), "Revenue");
        beforeStep.run();
        workos.deleteGroup(groups.get(3).id());
        groups.remove(3);

        beforeStep.run();
        workos.setConnectionState(saml.id(), "inactive");
        beforeStep.run();
        workos.deleteDomain(extraDomain.id());
        beforeStep.run();
        workos.updateOrganization(orgId, "Chaos Company");
        return new OrganizationHistory(orgId, dir.id(), people.stream().map(Snapshot.User::id).toList(),
                groups.stream().map(Snapshot.Group::id).toList());
    }
}
