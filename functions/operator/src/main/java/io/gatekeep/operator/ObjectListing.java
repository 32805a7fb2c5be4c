package io.gatekeep.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.workos.types.PaginationOrder;
import io.gatekeep.operator.ObjectMerge.WirePage;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.projection.WorkOsObjectType;
import io.gatekeep.shared.table.Keys;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static io.gatekeep.operator.ObjectMerge.PAGE;
import static io.gatekeep.operator.ObjectMerge.orNull;

/**
 * One type of WorkOS object as reconcile merges it ({@link ObjectMerge}): how WorkOS lists it (oldest first by
 * creation time, 100 at a time; see ObjectMerge for how that meets our id order) and returns one by id, and
 * where we store it ({@code pk}, sort-key prefix).
 */
abstract sealed class ObjectListing {
    /** The report's name for the type ({@code connections}...). */
    final String report;
    final WorkOsObjectType type;
    final String pk;
    final String prefix;
    final ObjectMerge run;

    ObjectListing(ObjectMerge run, String report, WorkOsObjectType type, String pk, String prefix) {
        this.run = run;
        this.report = report;
        this.type = type;
        this.pk = pk;
        this.prefix = prefix;
    }

    /** The page of WorkOS objects after this id (a cursor), oldest first. */
    abstract WirePage fetch(String after);

    /** The object WorkOS holds under this id, or null when it answers 404. */
    abstract ObjectNode fetchOne(String id);

    String directoryId() {
        return null;
    }

    /** WorkOS has this object (listed or confirmed by GET at {@code at}). */
    void present(ObjectNode wire, Instant at) {}

    /** This object is gone (deleted now, or a tombstone already). */
    void gone(String id) {}

    /** An organization's domains: the organization carries them (sorted by id), so there is one page. */
    static final class Domains extends ObjectListing {
        private final List<ObjectNode> domains;

        Domains(ObjectMerge run, List<ObjectNode> domains) {
            super(run, "domains", WorkOsObjectType.DOMAIN, Keys.orgPk(run.organizationId), Keys.DOMAIN_PREFIX);
            this.domains = domains;
        }

        @Override
        WirePage fetch(String after) {
            return new WirePage(domains, null);
        }

        @Override
        ObjectNode fetchOne(String id) {
            var domain = orNull(() -> run.workos.getOrganizationDomains().get(id));
            return domain == null || !run.organizationId.equals(domain.getOrganizationId()) ? null : SdkToWire.tree(domain);
        }
    }

    static final class Connections extends ObjectListing {
        Connections(ObjectMerge run) {
            super(run, "connections", WorkOsObjectType.CONNECTION, Keys.orgPk(run.organizationId), Keys.CONNECTION_PREFIX);
        }

        @Override
        WirePage fetch(String after) {
            return WirePage.of(run.workos.getSso().listConnections(null, after, PAGE, PaginationOrder.Asc, null, null,
                    run.organizationId, null));
        }

        @Override
        ObjectNode fetchOne(String id) {
            var connection = orNull(() -> run.workos.getSso().getConnection(id));
            return connection == null || !run.organizationId.equals(connection.getOrganizationId()) ? null
                    : SdkToWire.tree(connection);
        }
    }

    static final class Directories extends ObjectListing {
        Directories(ObjectMerge run) {
            super(run, "directories", WorkOsObjectType.DIRECTORY, Keys.orgPk(run.organizationId), Keys.DIRECTORY_PREFIX);
        }

        @Override
        WirePage fetch(String after) {
            return WirePage.of(run.workos.getDirectorySync().list(null, after, PAGE, PaginationOrder.Asc, run.organizationId,
                    null, null));
        }

        @Override
        ObjectNode fetchOne(String id) {
            var directory = orNull(() -> run.workos.getDirectorySync().get(id));
            return directory == null || !run.organizationId.equals(directory.getOrganizationId()) ? null
                    : SdkToWire.tree(directory);
        }
    }

    static final class Groups extends ObjectListing {
        private final String directoryId;

        Groups(ObjectMerge run, String directoryId) {
            super(run, "groups", WorkOsObjectType.GROUP, Keys.directoryPk(directoryId), Keys.GROUP_PREFIX);
            this.directoryId = directoryId;
        }

        @Override
        WirePage fetch(String after) {
            return WirePage.of(run.workos.getDirectorySync().listGroups(null, after, PAGE, PaginationOrder.Asc, directoryId, null));
        }

        @Override
        ObjectNode fetchOne(String id) {
            var group = orNull(() -> run.workos.getDirectorySync().getGroup(id));
            return group == null || !directoryId.equals(group.getDirectoryId()) ? null : SdkToWire.tree(group);
        }

        @Override
        String directoryId() {
            return directoryId;
        }
    }

    /** A directory's users; each one's group memberships are set as WorkOS lists them ({@link Memberships}). */
    static final class Users extends ObjectListing {
        private final String directoryId;
        private final Memberships memberships;

        Users(ObjectMerge run, String directoryId, Memberships memberships) {
            super(run, "users", WorkOsObjectType.USER, Keys.directoryPk(directoryId), Keys.USER_PREFIX);
            this.directoryId = directoryId;
            this.memberships = memberships;
        }

        @Override
        WirePage fetch(String after) {
            return WirePage.of(run.workos.getDirectorySync().listUsers(null, after, PAGE, PaginationOrder.Asc, directoryId,
                    null, null, null));
        }

        @Override
        ObjectNode fetchOne(String id) {
            var user = orNull(() -> run.workos.getDirectorySync().getUser(id));
            return user == null || !directoryId.equals(user.getDirectoryId()) ? null : SdkToWire.tree(user);
        }

        @Override
        String directoryId() {
            return directoryId;
        }

        @Override
        void present(ObjectNode wire, Instant at) {
            memberships.sync(Json.text(wire, "id"), ObjectMerge.groupIds(wire), at);
        }

        @Override
        void gone(String id) {
            memberships.sync(id, Set.of(), run.env.clock().instant());
        }
    }
}
