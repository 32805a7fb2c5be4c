package io.gatekeep.emulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The emulator's full current state as plain immutable records, for tests that compare a projection against
 * what "WorkOS" holds. Lists are in creation order. States use the WorkOS API vocabulary
 * (connections {@code draft|validating|active|inactive}, directories {@code linked|validating|invalid_credentials|unlinked},
 * domains {@code pending|verified|failed}, users {@code active|suspended|inactive}).
 */
public record Snapshot(
        Instant takenAt,
        List<Organization> organizations,
        List<Domain> domains,
        List<Connection> connections,
        List<Directory> directories,
        List<User> users,
        List<Group> groups,
        List<Membership> memberships) {

    public record Organization(
            String id, String name, List<String> domainIds, Map<String, String> metadata, String externalId,
            Instant createdAt, Instant updatedAt) {}

    public record Domain(
            String id, String organizationId, String domain, String state, String verificationStrategy,
            String verificationToken, Instant createdAt, Instant updatedAt) {}

    /** {@code certificateType}/{@code certificateExpiresAt} are null for connections without a SAML certificate. */
    public record Connection(
            String id, String organizationId, String connectionType, String name, String state,
            String certificateType, Instant certificateExpiresAt, Instant createdAt, Instant updatedAt) {}

    public record Directory(
            String id, String organizationId, String type, String name, String state, String externalKey,
            Instant createdAt, Instant updatedAt) {}

    public record User(
            String id, String directoryId, String organizationId, String idpId, String email, String firstName,
            String lastName, String jobTitle, String state, String role, Map<String, Object> customAttributes,
            Instant createdAt, Instant updatedAt) {}

    public record Group(
            String id, String directoryId, String organizationId, String idpId, String name,
            Instant createdAt, Instant updatedAt) {}

    public record Membership(String userId, String groupId) {}

    public Optional<Organization> organization(String id) {
        return organizations.stream().filter(o -> o.id().equals(id)).findFirst();
    }

    public Optional<Organization> organizationNamed(String name) {
        return organizations.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    public List<Domain> domainsOf(String organizationId) {
        return domains.stream().filter(d -> d.organizationId().equals(organizationId)).toList();
    }

    public List<Connection> connectionsOf(String organizationId) {
        return connections.stream().filter(c -> c.organizationId().equals(organizationId)).toList();
    }

    public List<Directory> directoriesOf(String organizationId) {
        return directories.stream().filter(d -> d.organizationId().equals(organizationId)).toList();
    }

    public List<User> usersOf(String directoryId) {
        return users.stream().filter(u -> u.directoryId().equals(directoryId)).toList();
    }

    public List<Group> groupsOf(String directoryId) {
        return groups.stream().filter(g -> g.directoryId().equals(directoryId)).toList();
    }
}
