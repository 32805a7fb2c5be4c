package io.gatekeep.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.workos.WorkOS;
import com.workos.common.exceptions.BadRequestException;
import com.workos.common.exceptions.WorkOSGenericException;
import com.workos.common.exceptions.GenericServerException;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.RateLimitException;
import com.workos.common.exceptions.UnauthorizedException;
import com.workos.common.exceptions.UnprocessableEntityException;
import com.workos.common.http.Page;
import com.workos.common.http.RequestOptions;
import com.workos.common.http.RetryConfig;
import com.workos.models.Connection;
import com.workos.models.ConnectionDomain;
import com.workos.models.Directory;
import com.workos.models.DirectoryGroup;
import com.workos.models.DirectoryUserWithGroups;
import com.workos.models.EventSchema;
import com.workos.models.Organization;
import com.workos.models.OrganizationDomain;
import com.workos.models.OrganizationDomainData;
import com.workos.models.PortalLinkResponse;
import com.workos.types.ConnectionsConnectionType;
import com.workos.types.GenerateLinkIntent;
import com.workos.types.OrganizationDomainDataState;
import com.workos.types.PaginationOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the emulator through the real WorkOS Java SDK (com.workos:workos 7.2.0): every call the product
 * uses succeeds, and every field the SDK models carry round-trips against the emulator's own state.
 */
@SuppressWarnings("deprecation") // the SDK marks Connection.status and DirectoryUser.emails/jobTitle/username deprecated
class SdkConformanceTest extends EmulatorTestBase {
    EmulatorControl control;

    @BeforeEach
    void reset() {
        control = emu.control();
        control.clearFaults();
        control.reset();
    }

    private static Instant t(OffsetDateTime odt) {
        return odt.toInstant();
    }

    // ---------------------------------------------------------------- organizations

    @Test
    void organizationCreateGetUpdateDeleteRoundTripEveryField() {
        Organization created = workos.getOrganizations().create("Acme", null, null,
                List.of(new OrganizationDomainData("acme.com", OrganizationDomainDataState.Verified),
                        new OrganizationDomainData("acme.io", OrganizationDomainDataState.Pending)),
                Map.of("tier", "gold"), "ext-acme");

        Snapshot s = control.snapshot();
        Snapshot.Organization so = s.organization(created.getId()).orElseThrow();
        assertOrganization(so, s, created);
        assertTrue(created.getId().startsWith("org_"));
        assertEquals("organization", created.getObjectType());
        assertEquals(Map.of("tier", "gold"), created.getMetadata());
        assertEquals("ext-acme", created.getExternalId());
        assertEquals(List.of("verified", "pending"),
                created.getDomains().stream().map(d -> d.getState().getValue()).toList());
        assertEquals("manual", created.getDomains().get(0).getVerificationStrategy().getValue());
        assertEquals("dns", created.getDomains().get(1).getVerificationStrategy().getValue());
        assertNotNull(created.getDomains().get(1).getVerificationToken());
        assertNotNull(created.getDomains().get(1).getVerificationPrefix());

        Organization got = workos.getOrganizations().get(created.getId());
        assertEquals(created, got);

        Organization updated = workos.getOrganizations().update(created.getId(), "Acme Corp", null, null,
                List.of(new OrganizationDomainData("acme.com", OrganizationDomainDataState.Verified),
                        new OrganizationDomainData("acme.io", OrganizationDomainDataState.Verified),
                        new OrganizationDomainData("acme.dev", OrganizationDomainDataState.Pending)),
                null, Map.of("tier", "platinum"), null);
        assertEquals("Acme Corp", updated.getName());
        assertEquals(Map.of("tier", "platinum"), updated.getMetadata());
        assertEquals(3, updated.getDomains().size());
        assertEquals(created.getDomains().get(1).getId(), updated.getDomains().get(1).getId(), "kept domains keep their id");
        assertEquals("verified", updated.getDomains().get(1).getState().getValue());
        assertTrue(t(updated.getUpdatedAt()).isAfter(t(created.getUpdatedAt())));
        assertEquals(t(created.getCreatedAt()), t(updated.getCreatedAt()));
        Snapshot s2 = control.snapshot();
        assertOrganization(s2.organization(created.getId()).orElseThrow(), s2, updated);

        List<String> names = control.events().stream().map(StoredEvent::event).toList();
        assertEquals(List.of("organization.created", "organization_domain.created", "organization_domain.created",
                "organization_domain.verified", "organization_domain.created", "organization.updated"), names);

        workos.getOrganizations().delete(created.getId());
        assertThrows(NotFoundException.class, () -> workos.getOrganizations().get(created.getId()));
        assertEquals("organization.deleted", control.events().get(control.events().size() - 1).event());
    }

    static void assertOrganization(Snapshot.Organization so, Snapshot s, Organization o) {
        assertEquals(so.id(), o.getId());
        assertEquals(so.name(), o.getName());
        assertEquals(so.metadata(), o.getMetadata());
        assertEquals(so.externalId(), o.getExternalId());
        assertEquals(so.createdAt(), t(o.getCreatedAt()));
        assertEquals(so.updatedAt(), t(o.getUpdatedAt()));
        assertEquals(so.domainIds(), o.getDomains().stream().map(OrganizationDomain::getId).toList());
        for (OrganizationDomain d : o.getDomains()) {
            Snapshot.Domain sd = s.domains().stream().filter(x -> x.id().equals(d.getId())).findFirst().orElseThrow();
            assertEquals(sd.organizationId(), d.getOrganizationId());
            assertEquals(sd.domain(), d.getDomain());
            assertEquals(sd.state(), d.getState().getValue());
            assertEquals(sd.verificationStrategy(), d.getVerificationStrategy().getValue());
            assertEquals(sd.verificationToken(), d.getVerificationToken());
            assertEquals(sd.createdAt(), t(d.getCreatedAt()));
            assertEquals(sd.updatedAt(), t(d.getUpdatedAt()));
            assertEquals("organization_domain", d.getObjectType());
        }
    }

    @Test
    void organizationListPaginatesWithCursorsInBothOrders() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(control.createOrganization("Org " + i).id());
        }
        Page<Organization> first = workos.getOrganizations().list();
        assertEquals(10, first.data.size(), "default limit 10");
        assertEquals(ids.get(24), first.data.get(0).getId(), "default order is newest first");
        assertTrue(first.hasNextPage());
        assertNull(first.listMetadata.before);
        assertEquals(first.data.get(9).getId(), first.listMetadata.after);

        List<String> all = StreamSupport.stream(first.autoPagingIterable().spliterator(), false)
                .map(Organization::getId).toList();
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, all);

        Page<Organization> asc = workos.getOrganizations().list(null, null, 100, PaginationOrder.Asc);
        assertEquals(ids, asc.data.stream().map(Organization::getId).toList());
        assertNull(asc.listMetadata.after);

        Page<Organization> afterFifth = workos.getOrganizations().list(null, ids.get(4), 3, PaginationOrder.Asc);
        assertEquals(ids.subList(5, 8), afterFifth.data.stream().map(Organization::getId).toList());
        assertEquals(ids.get(5), afterFifth.listMetadata.before);
        Page<Organization> beforeTenth = workos.getOrganizations().list(ids.get(10), null, 3, PaginationOrder.Asc);
        assertEquals(ids.subList(7, 10), beforeTenth.data.stream().map(Organization::getId).toList());

        Page<Organization> byDomainless = workos.getOrganizations().list(null, null, 5, null, null, "org 1");
        assertTrue(byDomainless.data.stream().allMatch(o -> o.getName().startsWith("Org 1")));
    }

    // ---------------------------------------------------------------- connections

    @Test
    void connectionsListAndGetRoundTripEveryField() {
        var org = control.createOrganization("Acme", DomainSpec.verified("acme.com"), DomainSpec.pending("acme.io"));
        var other = control.createOrganization("Globex", DomainSpec.pending("globex.com"));
        var okta = control.createConnection(org.id(), "OktaSAML", "Acme Okta", "active");
        var oidc = control.createConnection(org.id(), "GenericOIDC", "Acme OIDC", "draft");
        control.createConnection(other.id(), "AzureSAML", "Globex Entra", "validating");

        Page<Connection> page = workos.getSso().listConnections(null, null, null, null, null, null, org.id());
        assertEquals(List.of(oidc.id(), okta.id()), page.data.stream().map(Connection::getId).toList());
        Snapshot s = control.snapshot();
        for (Connection c : page.data) {
            assertConnection(s, c);
        }
        Connection got = workos.getSso().getConnection(okta.id());
        assertConnection(s, got);
        assertEquals("OktaSAML", got.getConnectionType().getValue());
        assertEquals("active", got.getState().getValue());
        assertEquals("linked", got.getStatus().getValue());
        assertEquals("unlinked", workos.getSso().getConnection(oidc.id()).getStatus().getValue());
        assertEquals(List.of("acme.com", "acme.io"), got.getDomains().stream().map(ConnectionDomain::getDomain).toList());

        Page<Connection> byType = workos.getSso().listConnections(null, null, null, null,
                ConnectionsConnectionType.AzureSAML);
        assertEquals(1, byType.data.size());
        assertEquals(other.id(), byType.data.get(0).getOrganizationId());
        Page<Connection> byDomain = workos.getSso().listConnections(null, null, null, null, null, "globex.com");
        assertEquals(1, byDomain.data.size());

        control.setConnectionState(oidc.id(), "validating");
        Connection moved = workos.getSso().getConnection(oidc.id());
        assertEquals("validating", moved.getState().getValue());
        assertTrue(moved.getUpdatedAt().isAfter(moved.getCreatedAt()));
    }

    static void assertConnection(Snapshot s, Connection c) {
        Snapshot.Connection sc = s.connections().stream().filter(x -> x.id().equals(c.getId())).findFirst().orElseThrow();
        assertEquals(sc.organizationId(), c.getOrganizationId());
        assertEquals(sc.connectionType(), c.getConnectionType().getValue());
        assertEquals(sc.name(), c.getName());
        assertEquals(sc.state(), c.getState().getValue());
        assertEquals("active".equals(sc.state()) ? "linked" : "unlinked", c.getStatus().getValue());
        assertEquals(sc.createdAt(), t(c.getCreatedAt()));
        assertEquals(sc.updatedAt(), t(c.getUpdatedAt()));
        assertEquals("connection", c.getObjectType());
        List<Snapshot.Domain> orgDomains = s.domainsOf(sc.organizationId());
        assertEquals(orgDomains.stream().map(Snapshot.Domain::id).toList(),
                c.getDomains().stream().map(ConnectionDomain::getId).toList());
        c.getDomains().forEach(d -> assertEquals("connection_domain", d.getObjectType()));
    }

    // ---------------------------------------------------------------- directories, users, groups

    @Test
    void directoriesUsersAndGroupsRoundTripEveryField() {
        var org = control.createOrganization("Acme", DomainSpec.verified("acme.com"));
        var dir = control.createDirectory(org.id(), "okta scim v2.0", "Acme SCIM", "linked");
        var other = control.createDirectory(org.id(), "azure scim v2.0", "Acme Entra", "validating");
        List<Snapshot.User> users = control.addUsers(dir.id(), 12);
        var eng = control.createGroup(dir.id(), "Engineering");
        var sales = control.createGroup(dir.id(), "Sales");
        for (int i = 0; i < 12; i++) {
            control.addUserToGroup(i % 2 == 0 ? eng.id() : sales.id(), users.get(i).id());
        }
        control.addUserToGroup(sales.id(), users.get(0).id());
        control.updateUser(users.get(1).id(), UserUpdate.state("inactive"));

        Snapshot s = control.snapshot();
        Page<Directory> dirs = workos.getDirectorySync().list(null, null, null, null, org.id());
        assertEquals(List.of(other.id(), dir.id()), dirs.data.stream().map(Directory::getId).toList());
        Directory d = workos.getDirectorySync().get(dir.id());
        Snapshot.Directory sd = s.directories().stream().filter(x -> x.id().equals(dir.id())).findFirst().orElseThrow();
        assertEquals(sd.organizationId(), d.getOrganizationId());
        assertEquals(sd.externalKey(), d.getExternalKey());
        assertEquals(sd.type(), d.getType().getValue());
        assertEquals(sd.state(), d.getState().getValue());
        assertEquals(sd.name(), d.getName());
        assertEquals("acme.com", d.getDomain());
        assertEquals(sd.createdAt(), t(d.getCreatedAt()));
        assertEquals(sd.updatedAt(), t(d.getUpdatedAt()));
        assertEquals("directory", d.getObjectType());
        assertEquals(11, d.getMetadata().getUsers().getActive());
        assertEquals(1, d.getMetadata().getUsers().getInactive());
        assertEquals(2, d.getMetadata().getGroups());

        List<DirectoryUserWithGroups> listed = StreamSupport.stream(
                workos.getDirectorySync().listUsers(null, null, 5, null, dir.id()).autoPagingIterable().spliterator(),
                false).toList();
        assertEquals(12, listed.size());
        for (DirectoryUserWithGroups u : listed) {
            assertUser(s, u);
        }
        DirectoryUserWithGroups u0 = workos.getDirectorySync().getUser(users.get(0).id());
        assertUser(s, u0);
        assertEquals(Set.of("Engineering", "Sales"), u0.getGroups().stream().map(DirectoryGroup::getName).collect(Collectors.toSet()));

        List<DirectoryUserWithGroups> inSales = workos.getDirectorySync().listUsers(null, null, 100, null, null, sales.id()).data;
        assertEquals(7, inSales.size());
        List<DirectoryUserWithGroups> byEmail = workos.getDirectorySync()
                .listUsers(null, null, null, null, dir.id(), null, null, users.get(3).email()).data;
        assertEquals(List.of(users.get(3).id()), byEmail.stream().map(DirectoryUserWithGroups::getId).toList());

        Page<DirectoryGroup> groups = workos.getDirectorySync().listGroups(null, null, null, PaginationOrder.Asc, dir.id());
        assertEquals(List.of(eng.id(), sales.id()), groups.data.stream().map(DirectoryGroup::getId).toList());
        for (DirectoryGroup g : groups.data) {
            assertGroup(s, g);
        }
        assertGroup(s, workos.getDirectorySync().getGroup(eng.id()));
        Page<DirectoryGroup> ofUser = workos.getDirectorySync().listGroups(null, null, null, null, null, users.get(0).id());
        assertEquals(2, ofUser.data.size());
    }

    static void assertUser(Snapshot s, DirectoryUserWithGroups u) {
        Snapshot.User su = s.users().stream().filter(x -> x.id().equals(u.getId())).findFirst().orElseThrow();
        assertEquals(su.directoryId(), u.getDirectoryId());
        assertEquals(su.organizationId(), u.getOrganizationId());
        assertEquals(su.idpId(), u.getIdpId());
        assertEquals(su.email(), u.getEmail());
        assertEquals(su.firstName(), u.getFirstName());
        assertEquals(su.lastName(), u.getLastName());
        assertEquals(su.firstName() + " " + su.lastName(), u.getName());
        assertEquals(su.jobTitle(), u.getJobTitle());
        assertEquals(su.email(), u.getUsername());
        assertEquals(su.state(), u.getState().getValue());
        assertEquals(su.customAttributes(), u.getCustomAttributes());
        assertEquals(su.role(), u.getRole().getSlug());
        assertEquals(List.of(su.role()), u.getRoles().stream().map(r -> r.getSlug()).toList());
        assertEquals(1, u.getEmails().size());
        assertEquals(su.email(), u.getEmails().get(0).getValue());
        assertEquals(Boolean.TRUE, u.getEmails().get(0).getPrimary());
        assertEquals("work", u.getEmails().get(0).getType());
        assertEquals(su.email(), u.getRawAttributes().get("userName"));
        assertEquals(su.createdAt(), t(u.getCreatedAt()));
        assertEquals(su.updatedAt(), t(u.getUpdatedAt()));
        assertEquals("directory_user", u.getObjectType());
        Set<String> groupIds = s.memberships().stream().filter(m -> m.userId().equals(u.getId()))
                .map(Snapshot.Membership::groupId).collect(Collectors.toSet());
        assertEquals(groupIds, u.getGroups().stream().map(DirectoryGroup::getId).collect(Collectors.toSet()));
    }

    static void assertGroup(Snapshot s, DirectoryGroup g) {
        Snapshot.Group sg = s.groups().stream().filter(x -> x.id().equals(g.getId())).findFirst().orElseThrow();
        assertEquals(sg.directoryId(), g.getDirectoryId());
        assertEquals(sg.organizationId(), g.getOrganizationId());
        assertEquals(sg.idpId(), g.getIdpId());
        assertEquals(sg.name(), g.getName());
        assertEquals(sg.name(), g.getRawAttributes().get("displayName"));
        assertEquals(sg.createdAt(), t(g.getCreatedAt()));
        assertEquals(sg.updatedAt(), t(g.getUpdatedAt()));
        assertEquals("directory_group", g.getObjectType());
    }

    @Test
    void directoryUserListNeedsADirectoryOrGroupAndUnknownOnesAre404() {
        assertThrows(UnprocessableEntityException.class, () -> workos.getDirectorySync().listUsers());
        assertThrows(UnprocessableEntityException.class, () -> workos.getDirectorySync().listGroups());
        assertThrows(NotFoundException.class, () -> workos.getDirectorySync().listUsers(null, null, null, null, "directory_nope"));
        assertThrows(NotFoundException.class, () -> workos.getDirectorySync().get("directory_nope"));
        assertThrows(NotFoundException.class, () -> workos.getDirectorySync().getUser("directory_user_nope"));
        assertThrows(NotFoundException.class, () -> workos.getDirectorySync().getGroup("directory_group_nope"));
    }

    // ---------------------------------------------------------------- events API

    @Test
    void eventsApiFiltersByNameOrganizationCursorAndRangeAscending() {
        var acme = control.createOrganization("Acme", DomainSpec.verified("acme.com"));
        var globex = control.createOrganization("Globex");
        var dir = control.createDirectory(acme.id(), "okta scim v2.0", "Acme SCIM", "linked");
        control.addUsers(dir.id(), 15);
        var conn = control.createConnection(globex.id(), "OktaSAML", null, "draft");
        control.setConnectionState(conn.id(), "active");

        List<String> names = List.of("dsync.user.created", "connection.activated");
        Page<JsonNode> page = SdkEvents.list(workos, names);
        assertEquals(10, page.data.size(), "default limit 10");
        List<StoredEvent> stored = control.events("dsync.user.created", "connection.activated");
        assertEquals(stored.subList(0, 10).stream().map(StoredEvent::id).toList(),
                page.data.stream().map(e -> e.get("id").asText()).toList(), "ascending, oldest first");
        JsonNode first = page.data.get(0);
        assertEquals(stored.get(0).payload(), first, "the item is the stored event, as sent by webhook");
        assertEquals("dsync.user.created", first.get("event").asText());
        assertEquals(dir.id(), first.get("data").get("directory_id").asText());
        assertTrue(first.get("id").asText().startsWith("event_"));
        assertEquals(page.data.get(9).get("id").asText(), page.listMetadata.after);

        List<JsonNode> all = StreamSupport.stream(page.autoPagingIterable().spliterator(), false).toList();
        assertEquals(16, all.size());
        assertEquals("connection.activated", all.get(15).get("event").asText());

        Page<JsonNode> afterCursor = SdkEvents.list(workos, names, null, page.listMetadata.after, null, null, 100);
        assertEquals(6, afterCursor.data.size());
        assertEquals(all.get(10), afterCursor.data.get(0));

        Page<JsonNode> forGlobex = SdkEvents.list(workos, names, globex.id(), null, null, null, null);
        assertEquals(List.of("connection.activated"), forGlobex.data.stream().map(e -> e.get("event").asText()).toList());

        OffsetDateTime start = OffsetDateTime.parse(all.get(3).get("created_at").asText());
        OffsetDateTime end = OffsetDateTime.parse(all.get(6).get("created_at").asText());
        Page<JsonNode> ranged = SdkEvents.list(workos, names, null, null, start, end, 100);
        assertEquals(all.subList(3, 6), ranged.data, "range_start inclusive, range_end exclusive");

        Page<JsonNode> empty = SdkEvents.list(workos, List.of("dsync.deleted"));
        assertTrue(empty.data.isEmpty());
        assertNull(empty.listMetadata.after);
        assertThrows(UnprocessableEntityException.class, () -> SdkEvents.list(workos, List.of()));
    }

    @Test
    void eventsApiAnswersWorkOsBadRequestToANameOutsideTheCatalogue() {
        var org = control.createOrganization("Acme");
        var dir = control.createDirectory(org.id(), "okta scim v2.0", null, "linked");
        control.setDirectoryState(dir.id(), "unlinked");
        assertTrue(control.events().stream().noneMatch(e -> e.event().equals("dsync.deactivated")),
                "WorkOS sends no event when a directory leaves linked");
        BadRequestException bad = assertThrows(BadRequestException.class,
                () -> SdkEvents.list(workos, List.of("dsync.activated", "dsync.deactivated")));
        assertEquals("invalid_events_request", bad.code);
        assertTrue(bad.getMessage().contains("'dsync.deactivated'"), bad.getMessage());
        assertEquals(1, SdkEvents.list(workos, List.of("dsync.activated")).data.size());
        // SDK 7.2.0 defect (would happen against WorkOS too): see SdkEvents
        assertThrows(IllegalArgumentException.class, () -> workos.getEvents().list(List.of("organization.created")));
    }

    @Test
    void aDuplicateDomainIsWorkOsConflict() {
        var org = control.createOrganization("Acme", DomainSpec.pending("acme.com"));
        WorkOSGenericException conflict = assertThrows(WorkOSGenericException.class,
                () -> workos.getOrganizationDomains().create("acme.com", org.id()));
        assertEquals(409, conflict.status);
        assertEquals("domain_already_exists", conflict.code);
        assertEquals(1, control.snapshot().domains().size());

        var other = control.createOrganization("Globex");
        WorkOSGenericException held = assertThrows(WorkOSGenericException.class,
                () -> workos.getOrganizationDomains().create("ACME.com", other.id()));
        assertEquals(409, held.status, "another organization holds it (WORKOS-NOTES)");
        assertEquals("domain_already_exists", held.code);
        assertTrue(control.snapshot().domainsOf(other.id()).isEmpty());
    }

    @Test
    void aChangeSetToRunBeforeTheNextRequestRunsOnceThere() {
        var org = control.createOrganization("Acme");
        control.beforeNext("/organization_domains", () -> control.addDomain(org.id(), "acme.com", "pending"));
        workos.getOrganizations().get(org.id()); // another path: not yet
        assertTrue(control.snapshot().domainsOf(org.id()).isEmpty());
        WorkOSGenericException conflict = assertThrows(WorkOSGenericException.class,
                () -> workos.getOrganizationDomains().create("acme.com", org.id()));
        assertEquals(409, conflict.status, "the change ran first: the request sees it");
        assertEquals("acme.io", workos.getOrganizationDomains().create("acme.io", org.id()).getDomain(), "once only");
    }

    @Test
    void listsAreNewestFirstByDefaultAndACursorOutlivesItsObject() {
        var org = control.createOrganization("Acme");
        var first = control.createConnection(org.id(), "OktaSAML", "One", "draft");
        var second = control.createConnection(org.id(), "OktaSAML", "Two", "draft");
        var third = control.createConnection(org.id(), "OktaSAML", "Three", "draft");
        JsonNode byDefault = TestSupport.api(emu, "/connections").json();
        assertEquals(List.of(third.id(), second.id(), first.id()), ids(byDefault));
        control.deleteConnection(second.id());
        JsonNode after = TestSupport.api(emu, "/connections?order=asc&after=" + second.id()).json();
        assertEquals(List.of(third.id()), ids(after), "the cursor's place is its creation time, object gone or not");
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("data").forEach(n -> out.add(n.get("id").asText()));
        return out;
    }

    @Test
    void eventsApiKeepsThirtyDays() {
        control.createOrganization("Old");
        control.advanceClock(Duration.ofDays(31));
        control.createOrganization("New");
        Page<JsonNode> page = SdkEvents.list(workos, List.of("organization.created"));
        assertEquals(1, page.data.size());
        assertEquals("New", page.data.get(0).get("data").get("name").asText());
        OffsetDateTime longAgo = OffsetDateTime.now(ZoneOffset.UTC).minusYears(1);
        assertEquals(1, SdkEvents.list(workos, List.of("organization.created"), null, null, longAgo, null, null).data.size());
        assertEquals(2, control.events("organization.created").size(), "the control API still has both");
    }

    @Test
    void newestEventsCanShowUpLateAndApiLatencyIsConfigurable() {
        control.eventVisibilityLag(Duration.ofSeconds(5));
        control.createOrganization("Acme");
        assertEquals(0, SdkEvents.list(workos, List.of("organization.created")).data.size(), "not visible yet");
        control.advanceClock(Duration.ofSeconds(6));
        assertEquals(1, SdkEvents.list(workos, List.of("organization.created")).data.size());

        control.apiLatency(Duration.ofMillis(150));
        long started = System.nanoTime();
        workos.getOrganizations().list();
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 150);
        control.clearFaults();
    }

    @Test
    void organizationListFiltersByDomain() {
        var acme = control.createOrganization("Acme", DomainSpec.verified("acme.com"));
        control.createOrganization("Globex", DomainSpec.pending("globex.com"));
        Page<Organization> byDomain = workos.getOrganizations().list(null, null, null, null, List.of("acme.com", "nope.com"));
        assertEquals(List.of(acme.id()), byDomain.data.stream().map(Organization::getId).toList());
    }

    // ---------------------------------------------------------------- admin portal

    @Test
    void generateLinkForEveryIntentAndTheLinkExpiresAfterFiveMinutes() {
        var org = control.createOrganization("Acme", DomainSpec.pending("acme.com"));
        for (GenerateLinkIntent intent : List.of(GenerateLinkIntent.SSO, GenerateLinkIntent.Dsync,
                GenerateLinkIntent.AuditLogs, GenerateLinkIntent.LogStreams, GenerateLinkIntent.DomainVerification,
                GenerateLinkIntent.CertificateRenewal)) {
            PortalLinkResponse r = workos.getAdminPortal().generateLink(org.id(), "http://localhost:3000/back",
                    "http://localhost:3000/done", intent, List.of("it@acme.com"), null);
            assertTrue(r.getLink().startsWith(emu.baseUrl() + "/portal/"), r.getLink());
            TestSupport.Response page = TestSupport.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(r.getLink())).build());
            assertEquals(200, page.status());
            assertTrue(page.body().contains("data-testid=\"portal-intent\">" + intent.getValue()), page.body());
        }
        String link = workos.getAdminPortal().generateLink(org.id(), null, null, GenerateLinkIntent.SSO).getLink();
        control.advanceClock(Duration.ofMinutes(5).plusSeconds(1));
        TestSupport.Response expired = TestSupport.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link)).build());
        assertEquals(410, expired.status());
        assertTrue(expired.body().contains("portal-expired"));
    }

    @Test
    void generateLinkValidatesIntentAndOrganizationLikeWorkOs() {
        var org = control.createOrganization("Acme");
        // the SDK refuses to send GenerateLinkIntent.Unknown, so the invalid intent goes over raw HTTP
        TestSupport.Response badIntent = TestSupport.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(emu.baseUrl() + "/portal/generate_link"))
                .header("Authorization", "Bearer " + emu.apiKey())
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"organization\":\"" + org.id() + "\",\"intent\":\"bogus\"}"))
                .build());
        assertEquals(422, badIntent.status());
        assertEquals("invalid_request_parameters", badIntent.json().get("code").asText());
        assertEquals("intent", badIntent.json().get("errors").get(0).get("field").asText());
        assertTrue(badIntent.headers().firstValue("X-Request-Id").isPresent());

        UnprocessableEntityException noOrg = assertThrows(UnprocessableEntityException.class,
                () -> workos.getAdminPortal().generateLink(" ", null, null, GenerateLinkIntent.SSO));
        assertEquals("organization", noOrg.errors.get(0).field);
        assertNotNull(noOrg.requestId);

        NotFoundException unknown = assertThrows(NotFoundException.class,
                () -> workos.getAdminPortal().generateLink("org_01UNKNOWN", null, null, GenerateLinkIntent.SSO));
        assertEquals("entity_not_found", unknown.code);
        assertEquals("Organization not found: 'org_01UNKNOWN'.", unknown.getMessage());

        assertThrows(UnprocessableEntityException.class, () -> workos.getAdminPortal().generateLink(org.id(), null, null,
                GenerateLinkIntent.SSO, List.of("not-an-email"), null));
    }

    // ---------------------------------------------------------------- errors and faults

    @Test
    void errorsSurfaceAsTheSdksOwnExceptionTypes() {
        WorkOS wrongKey = WorkOS.builder().apiKey("sk_test_wrong").apiBaseUrl(emu.baseUrl())
                .retryConfig(RetryConfig.DISABLED).build();
        UnauthorizedException unauthorized = assertThrows(UnauthorizedException.class,
                () -> wrongKey.getOrganizations().list());
        assertEquals(401, unauthorized.status);
        assertEquals("unauthorized", unauthorized.code);
        assertNotNull(unauthorized.requestId);

        NotFoundException notFound = assertThrows(NotFoundException.class, () -> workos.getSso().getConnection("conn_nope"));
        assertEquals(404, notFound.status);
        assertNotNull(notFound.requestId);

        UnprocessableEntityException limit = assertThrows(UnprocessableEntityException.class,
                () -> workos.getOrganizations().list(null, null, 101));
        assertEquals("limit", limit.errors.get(0).field);
        assertThrows(UnprocessableEntityException.class, () -> workos.getOrganizations().create(" "));

        control.createOrganization("Taken", List.of(), Map.of(), "ext-1");
        BadRequestException taken = assertThrows(BadRequestException.class,
                () -> workos.getOrganizations().create("Other", null, null, null, null, "ext-1"));
        assertEquals("external_id_already_used", taken.code);

        control.failNext(1, 429, 7);
        RateLimitException rate = assertThrows(RateLimitException.class, () -> workos.getOrganizations().list());
        assertEquals(Long.valueOf(7), rate.retryAfterSeconds);
        assertNotNull(rate.requestId);

        control.failNext(1, 503, null);
        GenericServerException server = assertThrows(GenericServerException.class, () -> workos.getOrganizations().list());
        assertEquals(503, server.status);

        workos.getOrganizations().list(); // faults are used up
    }

    @Test
    void sdkRetriesThroughTransientFailuresAndIdempotencyKeysCountOnlyWhereDocumented() {
        WorkOS retrying = TestSupport.sdk(emu, new RetryConfig(3, 5, 20, 0.0));
        control.failNext(2, 500, null);
        assertEquals(0, retrying.getOrganizations().list().data.size());

        control.failNext(1, 429, 0, "/organizations");
        Organization o = retrying.getOrganizations().create("Once");
        assertEquals(1, control.snapshot().organizations().size());

        // WorkOS's spec declares Idempotency-Key on POST /audit_logs/events only: elsewhere a repeat is a new request
        RequestOptions sameKey = RequestOptions.builder().idempotencyKey("key-1").build();
        Organization a = workos.getOrganizations().create("Idem", null, null, null, null, null, sameKey);
        Organization b = workos.getOrganizations().create("Idem", null, null, null, null, null, sameKey);
        assertNotEquals(a.getId(), b.getId());
        assertEquals(3, control.snapshot().organizations().size());
        assertFalse(a.getId().equals(o.getId()));
    }

    @Test
    void everyResponseCarriesARequestId() {
        assertNotNull(TestSupport.api(emu, "/organizations").headers().firstValue("X-Request-Id").orElse(null));
        assertNotNull(TestSupport.get(emu, "/organizations", false).headers().firstValue("X-Request-Id").orElse(null));
        assertNotNull(TestSupport.api(emu, "/nope").headers().firstValue("X-Request-Id").orElse(null));
        assertNotNull(TestSupport.get(emu, "/_emulator/health", false).headers().firstValue("X-Request-Id").orElse(null));
        assertNotNull(TestSupport.get(emu, "/sso/jwks/" + emu.clientId(), false).headers().firstValue("X-Request-Id").orElse(null));
        TestSupport.Response unknownRoute = TestSupport.api(emu, "/nope");
        assertEquals(404, unknownRoute.status());
        assertEquals("not_found", unknownRoute.json().get("code").asText());
    }

    @Test
    void updatedAtIsStrictlyIncreasingEvenWithinOneMillisecond() {
        var org = control.createOrganization("Acme");
        var conn = control.createConnection(org.id(), "OktaSAML", null, "draft");
        Instant last = conn.updatedAt();
        for (String state : List.of("validating", "active", "inactive", "active", "validating", "draft")) {
            Instant next = control.setConnectionState(conn.id(), state).updatedAt();
            assertTrue(next.isAfter(last), next + " after " + last);
            last = next;
        }
        Connection viaSdk = workos.getSso().getConnection(conn.id());
        assertEquals(last, t(viaSdk.getUpdatedAt()));
        List<StoredEvent> events = control.events();
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).createdAt().isAfter(events.get(i - 1).createdAt()));
            assertTrue(events.get(i).id().compareTo(events.get(i - 1).id()) > 0, "event ids sort in creation order");
        }
        assertEquals(List.of("connection.activated", "connection.deactivated", "connection.activated",
                "connection.deactivated"), events.stream().map(StoredEvent::event)
                .filter(n -> n.startsWith("connection.")).toList());
    }

    @Test
    void deletesThroughTheSdkEmitDeletedEvents() {
        var org = control.createOrganization("Acme");
        var conn = control.createConnection(org.id(), "OktaSAML", null, "active");
        var dir = control.createDirectory(org.id(), "okta scim v2.0", null, "linked");
        control.addUsers(dir.id(), 3);
        workos.getSso().deleteConnection(conn.id());
        workos.getDirectorySync().delete(dir.id());
        assertEquals(0, workos.getSso().listConnections(null, null, null, null, null, null, org.id()).data.size());
        assertEquals(0, control.snapshot().users().size());
        StoredEvent deleted = control.events("dsync.deleted").get(0);
        assertEquals("deleting", deleted.data().get("state").asText());
        assertEquals(1, control.events("connection.deleted").size());
        assertEquals(0, control.events("dsync.user.deleted").size(), "WorkOS sends no per-user events on directory deletion");
    }
}
