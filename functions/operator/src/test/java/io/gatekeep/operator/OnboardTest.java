package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnboardTest {
    private OperatorFixture fx;
    private EmulatorControl workos;

    @BeforeEach
    void start() {
        fx = OperatorFixture.start();
        workos = fx.emulator.control();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void theExampleEventCreatesTheOrganizationOnceAndASecondRunChangesNothing() {
        JsonNode first = fx.invoke(OperatorFixture.eventFile("operator-onboard.json"));

        assertTrue(first.path("created").asBoolean(), first.toString());
        String organizationId = first.path("organizationId").asText();
        List<Snapshot.Organization> named = workos.snapshot().organizations().stream()
                .filter(o -> o.name().equals("Acme Corporation")).toList();
        assertEquals(1, named.size());
        Snapshot.Organization inWorkOs = named.get(0);
        assertEquals(organizationId, inWorkOs.id());
        List<Snapshot.Domain> domains = workos.snapshot().domainsOf(organizationId);
        assertEquals(List.of("acme.test"), domains.stream().map(Snapshot.Domain::domain).toList());
        assertEquals("pending", domains.get(0).state(), "the customer's IT admin verifies it in the Admin Portal");

        Map<String, AttributeValue> item = organizationItem(organizationId);
        assertEquals("Acme Corporation", Attr.str(item, "name"));
        assertEquals(Times.iso(inWorkOs.createdAt()), Attr.str(item, "createdAt"));
        assertEquals(Times.iso(inWorkOs.updatedAt()), Attr.str(item, "updatedAt"));
        assertEquals(List.of("it@acme.test"), Attr.strList(item, "itContacts"));
        assertEquals(new Entitlements(true, true), Entitlements.fromItem(item));
        assertFalse(item.containsKey(Entitlements.LEGACY_PLAN_SSO));
        OrganizationView view = OrganizationView.load(fx.dynamo, fx.table, organizationId).orElseThrow();
        assertEquals(1, view.domains().size());
        assertEquals("pending", view.domains().get(0).state());
        assertTrue(view.hasItContact());
        assertFalse(view.hasVerifiedDomain());
        fx.assertProjectionMirrorsWorkOs(organizationId);

        List<Map<String, AttributeValue>> before = projectionItems();
        JsonNode second = fx.invoke(OperatorFixture.eventFile("operator-onboard.json"));

        assertFalse(second.path("created").asBoolean(), second.toString());
        assertEquals(organizationId, second.path("organizationId").asText());
        assertFalse(second.path("changed").asBoolean());
        assertFalse(second.path("settingsChanged").asBoolean());
        assertEquals(0, second.path("domainsAdded").size());
        assertEquals(2, second.path("projection").path("unchanged").asLong());
        assertEquals(1, workos.snapshot().organizations().size(), "still one organization in WorkOS");
        assertEquals(before, projectionItems(), "nothing in the projection changed");

        List<AuditEntry> audit = audit(organizationId);
        assertEquals(2, audit.size());
        for (AuditEntry entry : audit) {
            assertEquals("operator.onboard", entry.type());
            assertEquals(AuditEntry.Source.GATEKEEP, entry.source());
            assertEquals("operator", entry.actor());
        }
        assertTrue(audit.get(0).summary().contains("nothing changed"), audit.get(0).summary());
    }

    @Test
    void adoptsAnOrganizationByIdWithItsDomainsAndAddsTheOnesItLacks() {
        Snapshot.Organization globex = workos.createOrganization("Globex", DomainSpec.verified("globex.test"));

        JsonNode report = fx.invoke("""
                {"action": "onboard", "organizationId": "%s", "domains": ["Globex.test", "globex-eu.test"],
                 "itContacts": ["a@globex.test", "b@globex.test"], "sso": false, "actor": "alice@ops.example"}
                """.formatted(globex.id()));

        assertFalse(report.path("created").asBoolean(), report.toString());
        assertTrue(report.path("adopted").asBoolean());
        assertEquals("[\"globex-eu.test\"]", report.path("domainsAdded").toString());
        Map<String, String> states = new java.util.TreeMap<>();
        workos.snapshot().domainsOf(globex.id()).forEach(d -> states.put(d.domain(), d.state()));
        assertEquals(Map.of("globex.test", "verified", "globex-eu.test", "pending"), states);
        fx.assertProjectionMirrorsWorkOs(globex.id());
        OrganizationView view = OrganizationView.load(fx.dynamo, fx.table, globex.id()).orElseThrow();
        assertTrue(view.hasVerifiedDomain(), "the domain gate opens: WorkOS verified globex.test");
        assertEquals(List.of("a@globex.test", "b@globex.test"), view.organization().itContacts());
        assertEquals(Entitlements.NONE, view.organization().entitlements(), "sso false, directorySync left out: neither");
        assertEquals("alice@ops.example", audit(globex.id()).get(0).actor());

        JsonNode changedContacts = fx.invoke("""
                {"action": "onboard", "organizationId": "%s", "itContacts": ["c@globex.test"]}
                """.formatted(globex.id()));
        assertTrue(changedContacts.path("settingsChanged").asBoolean(), changedContacts.toString());
        assertEquals(List.of("c@globex.test"),
                OrganizationView.load(fx.dynamo, fx.table, globex.id()).orElseThrow().organization().itContacts());
        assertEquals(Entitlements.NONE, OrganizationView.load(fx.dynamo, fx.table, globex.id()).orElseThrow().organization().entitlements(),
                "a setting left out is left as it is");
    }

    /** Another onboard (or a person in the dashboard) adds the domain between Onboard's read and its POST. */
    @Test
    void aDomainAddedMeanwhileToThisOrganizationIsTakenAsItIs() {
        Snapshot.Organization globex = workos.createOrganization("Globex", DomainSpec.verified("globex.test"));
        workos.beforeNext("/organization_domains", () -> workos.addDomain(globex.id(), "globex-eu.test", "pending"));
        workos.clearApiRequests();

        JsonNode report = fx.invoke("""
                {"action": "onboard", "organizationId": "%s", "domains": ["globex.test", "globex-eu.test"]}
                """.formatted(globex.id()));

        assertEquals("", report.path("error").asText(), report.toString());
        assertTrue(workos.apiRequests().contains("POST /organization_domains"), "the POST was made and answered 409: "
                + workos.apiRequests());
        assertEquals(0, report.path("domainsAdded").size(), "added by someone else, not by this run: " + report);
        assertEquals(List.of("globex-eu.test", "globex.test"), report.path("domains").findValuesAsText("domain").stream().sorted().toList(),
                "the report's domains are WorkOS's now");
        assertEquals(1, workos.snapshot().domainsOf(globex.id()).stream().filter(d -> d.domain().equals("globex-eu.test")).count());
        fx.assertProjectionMirrorsWorkOs(globex.id()); // the domain added meanwhile is stored too
    }

    @Test
    void aDomainAnotherOrganizationHoldsIsADomainConflict() {
        Snapshot.Organization initech = workos.createOrganization("Initech", DomainSpec.verified("initech.test"));
        Snapshot.Organization globex = workos.createOrganization("Globex", DomainSpec.verified("globex.test"));

        JsonNode report = fx.invoke("""
                {"action": "onboard", "organizationId": "%s", "domains": ["initech.test"], "itContacts": ["it@globex.test"]}
                """.formatted(globex.id()));

        assertEquals("domain_conflict", report.path("error").asText(), report.toString());
        assertTrue(report.path("message").asText().contains("initech.test"), report.toString());
        assertEquals(List.of("globex.test"), workos.snapshot().domainsOf(globex.id()).stream().map(Snapshot.Domain::domain).toList());
        assertEquals(List.of("initech.test"), workos.snapshot().domainsOf(initech.id()).stream().map(Snapshot.Domain::domain).toList());
        assertEquals(0, fx.scan().size(), "nothing stored, no audit entry");
    }

    @Test
    void aNameTwoWorkOsOrganizationsShareIsRefused() {
        workos.createOrganization("Initech");
        workos.createOrganization("initech");

        JsonNode report = fx.invoke("{\"action\": \"onboard\", \"name\": \"Initech\"}");

        assertEquals("ambiguous_organization", report.path("error").asText(), report.toString());
        assertTrue(report.path("message").asText().contains("organizationId"));
        assertEquals(0, fx.scan().size());
        assertEquals(2, workos.snapshot().organizations().size());
    }

    @Test
    void workOsFailuresAreAnsweredAsErrorsWithNothingWritten() {
        workos.failNext(5, 503, null);
        JsonNode unavailable = fx.invoke("{\"action\": \"onboard\", \"name\": \"Umbrella\"}");
        assertEquals("workos_unavailable", unavailable.path("error").asText(), unavailable.toString());

        workos.clearFaults().failNext(5, 429, 0);
        JsonNode limited = fx.invoke("{\"action\": \"onboard\", \"name\": \"Umbrella\"}");
        assertEquals("rate_limited", limited.path("error").asText(), limited.toString());

        assertEquals(0, fx.scan().size());
        assertTrue(workos.snapshot().organizations().isEmpty());
        workos.clearFaults();
        assertTrue(fx.invoke("{\"action\": \"onboard\", \"name\": \"Umbrella\"}").path("created").asBoolean(),
                "safe to run again once WorkOS answers");
    }

    private Map<String, AttributeValue> organizationItem(String organizationId) {
        return fx.dynamo.getItem(r -> r.tableName(fx.table).key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                .consistentRead(true)).item();
    }

    /** Every item except audit entries (which each run adds by design). */
    private List<Map<String, AttributeValue>> projectionItems() {
        return fx.scan().stream().filter(i -> !Attr.str(i, Keys.PK).startsWith("AUDIT#"))
                .sorted(java.util.Comparator.comparing(i -> Attr.str(i, Keys.PK) + "|" + Attr.str(i, Keys.SK))).toList();
    }

    /** The organization's audit log, newest first. */
    private List<AuditEntry> audit(String organizationId) {
        return fx.dynamo.query(r -> r.tableName(fx.table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(organizationId)))).scanIndexForward(false))
                .items().stream().map(AuditEntry::fromItem).toList();
    }
}
