package io.gatekeep.operator;

import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.UserUpdate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A realistic life of one organization in WorkOS: domains verified, failed and removed, SSO
 * connections set up, switched and deleted, a certificate nearing expiry, a SCIM directory
 * provisioning users and groups, renames, suspensions, leavers, group changes, and a second
 * directory connected and then removed. Every step emits the events WorkOS would.
 */
final class History {
    private History() {}

    record Made(String directoryId, List<String> userIds, List<String> groupIds) {}

    static Made play(EmulatorControl c, String organizationId, int users, long seed) {
        Random random = new Random(seed);
        var verified = c.addDomain(organizationId, "acme-" + seed + ".test", "pending");
        c.verifyDomain(verified.id());
        var failed = c.addDomain(organizationId, "acme-corp-" + seed + ".test", "pending");
        c.failDomain(failed.id());
        var dropped = c.addDomain(organizationId, "old-acme-" + seed + ".test", "pending");
        c.deleteDomain(dropped.id());

        var okta = c.createConnection(organizationId, "OktaSAML", "Okta", "draft");
        c.setConnectionState(okta.id(), "validating");
        c.setConnectionState(okta.id(), "active");
        var oidc = c.createConnection(organizationId, "GenericOIDC", "Trial OIDC", "draft");
        c.deleteConnection(oidc.id());
        var azure = c.createConnection(organizationId, "AzureSAML", "Entra ID", "active");
        c.setConnectionState(azure.id(), "inactive");
        c.setCertificateExpiry(okta.id(), c.now().plus(Duration.ofDays(20)));
        c.emitCertificateRenewalRequired(okta.id());
        c.updateOrganization(organizationId, "Acme Corporation " + seed);

        var directory = c.createDirectory(organizationId, "okta scim v2.0", "Okta SCIM", "linked");
        List<String> userIds = new ArrayList<>(c.addUsers(directory.id(), users).stream().map(Snapshot.User::id).toList());
        List<String> groupIds = new ArrayList<>();
        for (String name : List.of("Engineering", "Sales", "Support", "Finance", "Admins", "Contractors")) {
            groupIds.add(c.createGroup(directory.id(), name).id());
        }
        for (String userId : userIds) {
            int memberships = 1 + random.nextInt(3);
            for (int i = 0; i < memberships; i++) {
                c.addUserToGroup(groupIds.get(random.nextInt(groupIds.size())), userId);
            }
        }
        for (int i = 0; i < users / 4; i++) {
            c.updateUser(pick(userIds, random), UserUpdate.name("Renamed" + i, "Person" + random.nextInt(1000)));
        }
        for (int i = 0; i < users / 12; i++) {
            c.updateUser(pick(userIds, random), UserUpdate.state("suspended"));
        }
        for (int i = 0; i < users / 6; i++) {
            c.removeUserFromGroup(pick(groupIds, random), pick(userIds, random));
        }
        for (int i = 0; i < users / 8; i++) {
            String leaver = userIds.remove(random.nextInt(userIds.size()));
            c.deleteUser(leaver);
        }
        c.renameGroup(groupIds.get(1), "Sales EMEA");
        c.deleteGroup(groupIds.remove(groupIds.size() - 1));

        var trial = c.createDirectory(organizationId, "azure scim v2.0", "Entra trial", "linked");
        c.addUsers(trial.id(), 5);
        c.deleteDirectory(trial.id());
        c.createDirectory(organizationId, "generic scim v2.0", "HR system", "validating");
        return new Made(directory.id(), userIds, groupIds);
    }

    private static String pick(List<String> ids, Random random) {
        return ids.get(random.nextInt(ids.size()));
    }
}
