package io.gatekeep.webhooks;

import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.UserUpdate;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A realistic organization history, played on the emulator (every step emits what WorkOS would):
 * organization created with a pending domain that is then verified, a second domain added and
 * removed; an Okta SAML connection from draft through validating to active, its certificate
 * flagged for renewal and renewed, then deactivated; an OIDC connection activated and deleted; a
 * directory linked with groups and {@code users} users who join and leave groups, change and
 * leave; a group renamed and one deleted; an old directory synced and deleted; the organization
 * renamed. {@code beforeStep} runs before each step (e.g. to change the webhook fault settings).
 */
final class History {
    final String organizationId;
    final String directoryId;

    private History(String organizationId, String directoryId) {
        this.organizationId = organizationId;
        this.directoryId = directoryId;
    }

    static History play(EmulatorControl workos, int users, Random random, Runnable beforeStep) {
        beforeStep.run();
        Snapshot.Organization org = workos.createOrganization("Chaos Co", DomainSpec.pending("chaos.test"));
        String orgId = org.id();
        beforeStep.run();
        workos.verifyDomain(org.domainIds().get(0));
        beforeStep.run();
        var extraDomain = workos.addDomain(orgId, "chaos-old.test", "pending");

        beforeStep.run();
        var saml = workos.createConnection(orgId, "OktaSAML", "Chaos Okta", "draft");
        workos.setConnectionState(saml.id(), "validating");
        beforeStep.run();
        workos.setConnectionState(saml.id(), "active");
        beforeStep.run();
        workos.emitCertificateRenewalRequired(saml.id());
        beforeStep.run();
        workos.renewCertificate(saml.id());
        beforeStep.run();
        var oidc = workos.createConnection(orgId, "GenericOIDC", "Chaos OIDC", "active");
        beforeStep.run();
        workos.deleteConnection(oidc.id());

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

        beforeStep.run();
        workos.setConnectionState(saml.id(), "inactive");
        beforeStep.run();
        workos.deleteDomain(extraDomain.id());
        beforeStep.run();
        workos.updateOrganization(orgId, "Chaos Company");
        return new History(orgId, dir.id());
    }
}
