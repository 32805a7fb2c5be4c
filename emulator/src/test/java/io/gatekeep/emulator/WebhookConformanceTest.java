package io.gatekeep.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.workos.models.WorkOSEvent;
import com.workos.webhooks.Webhook;
import java.security.SignatureException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhooks as WorkOS sends them, checked with the SDK's own verifier, and the delivery fault modes. */
class WebhookConformanceTest extends EmulatorTestBase {
    static final String SECRET = "whsec_test_secret";
    EmulatorControl control;
    TestSupport.Receiver receiver;
    WebhookEndpoint endpoint;

    @BeforeEach
    void setUp() {
        control = emu.control();
        control.clearFaults().faultSeed(42)
                .webhookRetry(4, Duration.ofMillis(20), Duration.ofMillis(100));
        control.reset();
        receiver = new TestSupport.Receiver();
        endpoint = control.registerWebhook(receiver.url(), SECRET);
    }

    @AfterEach
    void tearDown() {
        control.awaitDeliveries(Duration.ofSeconds(5));
        control.unregisterWebhook(endpoint.id());
        receiver.close();
    }

    private void settle() {
        assertTrue(control.awaitDeliveries(Duration.ofSeconds(10)), "deliveries finish");
    }

    /** One of every event the product handles (a directory leaving linked included: no event). */
    private void everyKindOfChange() {
        var org = control.createOrganization("Acme", DomainSpec.pending("acme.com"));
        String domainId = org.domainIds().get(0);
        control.verifyDomain(domainId);
        var extra = control.addDomain(org.id(), "acme.io", "pending");
        control.failDomain(extra.id());
        control.resetDomain(extra.id());
        control.deleteDomain(extra.id());
        control.updateOrganization(org.id(), "Acme Corp");
        var conn = control.createConnection(org.id(), "OktaSAML", "Okta", "validating");
        control.setConnectionState(conn.id(), "active");
        control.setCertificateExpiry(conn.id(), control.now().plus(Duration.ofDays(20)));
        control.emitCertificateRenewalRequired(conn.id());
        control.renewCertificate(conn.id());
        control.setConnectionState(conn.id(), "inactive");
        control.deleteConnection(conn.id());
        var dir = control.createDirectory(org.id(), "okta scim v2.0", "SCIM", "validating");
        control.setDirectoryState(dir.id(), "linked");
        var users = control.addUsers(dir.id(), 2);
        var group = control.createGroup(dir.id(), "Engineering");
        control.addUserToGroup(group.id(), users.get(0).id());
        control.updateUser(users.get(0).id(), UserUpdate.name("Augusta", "King"));
        control.renameGroup(group.id(), "Platform");
        control.removeUserFromGroup(group.id(), users.get(0).id());
        control.deleteUser(users.get(1).id());
        control.deleteGroup(group.id());
        control.setDirectoryState(dir.id(), "unlinked");
        control.deleteDirectory(dir.id());
        var gone = control.createOrganization("Gone");
        control.deleteOrganization(gone.id());
    }

    static final Set<String> PRODUCT_EVENTS = Set.of(
            "connection.activated", "connection.deactivated", "connection.deleted",
            "connection.saml_certificate_renewal_required", "connection.saml_certificate_renewed",
            "dsync.activated", "dsync.deleted", "dsync.user.created", "dsync.user.updated",
            "dsync.user.deleted", "dsync.group.created", "dsync.group.updated", "dsync.group.deleted",
            "dsync.group.user_added", "dsync.group.user_removed", "organization.created", "organization.updated",
            "organization.deleted", "organization_domain.created", "organization_domain.updated",
            "organization_domain.deleted", "organization_domain.verified",
            "organization_domain.verification_failed");

    @Test
    void sdkVerifierAcceptsEverySignatureAndRejectsTampering() throws Exception {
        everyKindOfChange();
        settle();
        Webhook verifier = new Webhook();
        assertEquals(control.events().size(), receiver.hits.size());
        Set<String> seen = new LinkedHashSet<>();
        for (TestSupport.Receiver.Hit hit : receiver.hits) {
            JsonNode event = verifier.constructEvent(hit.body(), hit.signature(), SECRET);
            seen.add(event.get("event").asText());
            assertTrue(hit.signature().matches("t=\\d{13}, v1=[0-9a-f]{64}"), hit.signature());
        }
        assertEquals(PRODUCT_EVENTS, seen, "every event name the product handles is emitted");

        TestSupport.Receiver.Hit hit = receiver.hits.get(0);
        String tampered = hit.body().replace("\"Acme\"", "\"Acne\"");
        assertNotEquals(hit.body(), tampered);
        assertThrows(SignatureException.class, () -> verifier.constructEvent(tampered, hit.signature(), SECRET));
        assertThrows(SignatureException.class, () -> verifier.constructEvent(hit.body(), hit.signature(), "whsec_other"));
        String reserialised = TestSupport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(hit.json());
        assertThrows(SignatureException.class, () -> verifier.constructEvent(reserialised, hit.signature(), SECRET),
                "the signature covers the raw bytes");
        String oldTimestamp = hit.signature().replaceFirst("t=\\d+", "t=" + (System.currentTimeMillis() - 600_000));
        assertThrows(SignatureException.class, () -> verifier.constructEvent(hit.body(), oldTimestamp, SECRET));
    }

    @Test
    void everyEmittedEventIsAWorkOsEventTypeWithTheDataWorkOsAlwaysSends() {
        everyKindOfChange();
        settle();
        var catalogue = io.gatekeep.catalogue.WorkOsCatalogue.get();
        List<String> problems = new ArrayList<>();
        for (StoredEvent e : control.events()) {
            var type = catalogue.events().get(e.event());
            if (type == null) {
                problems.add(e.event() + ": not in the WorkOS catalogue");
                continue;
            }
            for (String field : type.requiredData()) {
                if (!e.data().has(field)) {
                    problems.add(e.event() + ": data lacks " + field);
                }
            }
            String state = e.data().path("state").asText(null);
            if (state != null && !type.states().isEmpty() && !type.states().contains(state)) {
                problems.add(e.event() + ": state " + state + " is not one of " + type.states());
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyEventParsesAsTheSdksTypedEventWithSpecShapedConnectionPayloads() throws Exception {
        everyKindOfChange();
        settle();
        Webhook verifier = new Webhook();
        Map<String, String> typeByEvent = new HashMap<>();
        for (TestSupport.Receiver.Hit hit : receiver.hits) {
            WorkOSEvent typed = verifier.constructTypedEvent(hit.body(), hit.signature(), SECRET);
            typeByEvent.put(typed.getEvent(), typed.getClass().getSimpleName());
            assertEquals(hit.json().get("id").asText(), typed.getId());
        }
        assertEquals("ConnectionActivated", typeByEvent.get("connection.activated"));
        assertEquals("ConnectionSAMLCertificateRenewalRequired",
                typeByEvent.get("connection.saml_certificate_renewal_required"));
        assertEquals("DsyncGroupUserAdded", typeByEvent.get("dsync.group.user_added"));
        assertEquals("OrganizationDomainVerificationFailed", typeByEvent.get("organization_domain.verification_failed"));
        long generic = typeByEvent.entrySet().stream().filter(e -> e.getValue().equals("EventSchema")).count();
        assertEquals(0, generic, "all other events map to their typed model: " + typeByEvent);
    }

    @Test
    void connectionPayloadsAreTheSpecsFullConnection() throws Exception {
        var org = control.createOrganization("Acme", DomainSpec.verified("acme.com"));
        control.createConnection(org.id(), "OktaSAML", "Okta", "active");
        settle();
        TestSupport.Receiver.Hit activated = receiver.hits.stream()
                .filter(h -> h.json().get("event").asText().equals("connection.activated")).findFirst().orElseThrow();
        JsonNode data = activated.json().get("data");
        for (String field : io.gatekeep.catalogue.WorkOsCatalogue.get().events().get("connection.activated").requiredData()) {
            assertTrue(data.has(field), "connection.activated data carries " + field + ": " + data);
        }
        assertEquals("linked", data.get("status").asText());
        assertEquals("acme.com", data.get("domains").get(0).get("domain").asText());
        var typed = new Webhook().constructTypedEvent(activated.body(), activated.signature(), SECRET);
        assertEquals("ConnectionActivated", typed.getClass().getSimpleName());
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void webhookAndEventsApiCarryTheSameIdAndBody() {
        var org = control.createOrganization("Acme", DomainSpec.verified("acme.com"));
        var dir = control.createDirectory(org.id(), "okta scim v2.0", null, "linked");
        control.addUsers(dir.id(), 3);
        settle();
        List<JsonNode> api = SdkEvents.list(workos, List.of("dsync.user.created", "dsync.activated",
                "organization.created", "organization_domain.created"), null, null, null, null, 100).data;
        assertEquals(receiver.eventIds(), api.stream().map(e -> e.get("id").asText()).toList());
        Map<String, String> rawById = new LinkedHashMap<>();
        for (StoredEvent e : control.events()) {
            rawById.put(e.id(), e.json());
        }
        for (TestSupport.Receiver.Hit h : receiver.hits) {
            assertEquals(rawById.get(h.json().get("id").asText()), h.body());
        }
        // WorkOS's default order is desc: without "order", the first item is the newest
        JsonNode wire = TestSupport.api(emu, "/events?events=dsync.user.created&limit=1").json().get("data").get(0);
        assertEquals(receiver.hits.stream().filter(h -> h.body().contains("dsync.user.created"))
                .reduce((first, second) -> second).orElseThrow().json(), wire);
    }

    @Test
    void duplicatesDeliverEachEventKTimes() {
        control.webhookDuplicates(3);
        control.createOrganization("Acme");
        control.createOrganization("Globex");
        settle();
        assertEquals(6, receiver.hits.size());
        Map<String, Long> counts = receiver.eventIds().stream().collect(Collectors.groupingBy(i -> i, Collectors.counting()));
        assertEquals(Set.of(3L), Set.copyOf(counts.values()));
    }

    @Test
    void droppedWebhooksStayInTheEventsApi() {
        control.webhookDropFraction(1.0);
        control.createOrganization("Acme");
        control.createOrganization("Globex");
        settle();
        assertEquals(0, receiver.hits.size());
        assertEquals(2, control.deliveries().stream().filter(d -> d.outcome().equals("dropped")).count());
        assertEquals(2, SdkEvents.list(workos, List.of("organization.created")).data.size());

        control.webhookDropFraction(0.5).faultSeed(3);
        for (int i = 0; i < 40; i++) {
            control.createOrganization("Org " + i);
        }
        settle();
        int delivered = receiver.hits.size();
        assertTrue(delivered > 5 && delivered < 35, "about half: " + delivered);
        assertEquals(42, SdkEvents.list(workos, List.of("organization.created"), null, null, null, null, 100).data.size());
    }

    @Test
    void shuffleReordersWithinTheWindowAndDelayHoldsDeliveriesBack() {
        control.webhookShuffleWindow(10);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            control.createOrganization("Org " + i);
        }
        control.events().forEach(e -> created.add(e.id()));
        settle();
        List<String> got = receiver.eventIds();
        assertEquals(Set.copyOf(created), Set.copyOf(got));
        assertNotEquals(created, got, "order shuffled");
        assertEquals(Set.copyOf(created.subList(0, 10)), Set.copyOf(got.subList(0, 10)), "only within windows of 10");

        control.clearFaults().webhookDelay(Duration.ofMillis(300));
        Instant before = Instant.now();
        control.createOrganization("Late");
        settle();
        DeliveryAttempt last = control.deliveries().get(control.deliveries().size() - 1);
        assertTrue(Duration.between(before, last.at()).toMillis() >= 300);
    }

    @Test
    void nonSuccessAnswersAreRetriedWithBackoffUntilDelivered() {
        receiver.statuses.add(500);
        receiver.statuses.add(503);
        control.createOrganization("Acme");
        settle();
        assertEquals(1, receiver.hits.size());
        List<DeliveryAttempt> attempts = control.deliveries();
        assertEquals(List.of("retrying", "retrying", "delivered"), attempts.stream().map(DeliveryAttempt::outcome).toList());
        assertEquals(List.of(500, 503, 200), attempts.stream().map(DeliveryAttempt::status).toList());
        assertEquals(List.of(1, 2, 3), attempts.stream().map(DeliveryAttempt::attempt).toList());
        assertTrue(Duration.between(attempts.get(0).at(), attempts.get(2).at()).toMillis() >= 60, "20 ms then 40 ms backoff");
    }

    @Test
    void deliveryGivesUpAfterTheLastAttempt() {
        for (int i = 0; i < 4; i++) {
            receiver.statuses.add(500);
        }
        control.createOrganization("Acme");
        settle();
        assertEquals(0, receiver.hits.size());
        List<DeliveryAttempt> attempts = control.deliveries();
        assertEquals(4, attempts.size());
        assertEquals("gave_up", attempts.get(3).outcome());
    }

    @Test
    void endpointsCanSubscribeToSomeEvents() {
        try (TestSupport.Receiver dsyncOnly = new TestSupport.Receiver()) {
            WebhookEndpoint ep = control.registerWebhook(dsyncOnly.url(), "whsec_2", Set.of("dsync.activated"));
            var org = control.createOrganization("Acme");
            control.createDirectory(org.id(), "okta scim v2.0", null, "linked");
            settle();
            assertEquals(1, dsyncOnly.hits.size());
            assertEquals(2, receiver.hits.size());
            control.unregisterWebhook(ep.id());
        }
    }
}
