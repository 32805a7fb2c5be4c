package io.gatekeep.webhooks;

import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.emulator.UserUpdate;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.projection.WorkOsEventType;
import io.gatekeep.testsupport.WebhookEndpoint;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry of handled event types ({@link WorkOsEventType}) against the running parts: the emulator
 * emits every one of them in a story an organization goes through, each is delivered signed over HTTP
 * to the webhook function (DynamoDB Local), which applies it (its dispatch) and files an audit line of
 * its own words (its summary). Fails when a type is added to the registry and the emulator never
 * emits it, or the projection or the audit texts do not take it.
 */
class EventTypesTest {
    private static final String NOT_APPLIED = "(not applied by this version)";

    @Test
    void everyHandledEventTypeIsEmittedByTheEmulatorAppliedAndSummarized() {
        WebhookFixture webhooks = new WebhookFixture();
        Map<String, String> receipts = new ConcurrentHashMap<>(); // event id -> "status" or "status reason"
        try (WorkOsEmulator emulator = WorkOsEmulator.start(0);
             WebhookEndpoint receiver = new WebhookEndpoint((body, signature) -> {
                 var response = webhooks.send(WebhookFixture.request(body, signature));
                 String reason = response.text("reason");
                 receipts.put(Json.text(Json.parse(body), "id"), response.text("status") + (reason == null ? "" : " " + reason));
                 return new WebhookEndpoint.Answer(response.status(), response.body().toString());
             })) {
            EmulatorControl workos = emulator.control();
            workos.registerWebhook(receiver.url(), WebhookFixture.SECRET);
            String org = story(workos);
            assertTrue(workos.awaitDeliveries(Duration.ofSeconds(30)), "the emulator delivered everything");

            List<StoredEvent> events = workos.events();
            Set<String> missing = new TreeSet<>(WorkOsEventType.NAMES);
            events.forEach(e -> missing.remove(e.event()));
            assertEquals(Set.of(), missing, "handled event types the emulator never emitted");

            Map<String, AuditEntry> audit = webhooks.audit(org).stream()
                    .collect(Collectors.toMap(AuditEntry::id, Function.identity()));
            for (WorkOsEventType type : WorkOsEventType.values()) {
                List<StoredEvent> ofType = events.stream().filter(e -> e.event().equals(type.wireName())).toList();
                for (StoredEvent e : ofType) {
                    String receipt = receipts.get(e.id());
                    assertTrue(receipt != null && !receipt.contains("unknown_event") && !receipt.contains("unreadable"),
                            type.wireName() + " " + e.id() + ": " + receipt);
                    AuditEntry entry = audit.get(e.id());
                    assertTrue(entry != null, type.wireName() + " " + e.id() + " has an audit entry");
                    assertFalse(entry.summary().contains(NOT_APPLIED), type.wireName() + ": " + entry.summary());
                }
                assertTrue(ofType.stream().anyMatch(e -> receipts.get(e.id()).equals("applied")),
                        type.wireName() + " applied at least once: " + ofType.stream().map(e -> receipts.get(e.id())).toList());
            }
        }
    }

    /** One organization from creation to deletion, through everything Gatekeep follows. Returns its id. */
    private static String story(EmulatorControl workos) {
        var org = workos.createOrganization("Acme", DomainSpec.pending("acme.test"));
        workos.updateOrganization(org.id(), "Acme Inc.");
        String domain = org.domainIds().get(0);
        workos.setDomainState(domain, "legacy_verified");
        workos.verifyDomain(domain);
        var other = workos.addDomain(org.id(), "acme-corp.test", "pending");
        workos.failDomain(other.id());
        workos.deleteDomain(other.id());

        var connection = workos.createConnection(org.id(), "OktaSAML", "Okta", "draft");
        workos.setConnectionState(connection.id(), "active");
        workos.emitCertificateRenewalRequired(connection.id());
        workos.renewCertificate(connection.id());
        workos.signIn(connection.id(), "ada@acme.test", "admin", "succeeded", null);
        workos.signIn(connection.id(), "ada@acme.test", "member", "succeeded", null);
        workos.signIn(connection.id(), "bob@acme.test", null, "failed", "audience_mismatch");
        workos.signIn(connection.id(), "bob@acme.test", null, "timed_out", null);
        workos.deleteMembership(org.id(), "ada@acme.test");
        workos.setConnectionState(connection.id(), "inactive");
        workos.deleteConnection(connection.id());

        var directory = workos.createDirectory(org.id(), "okta scim v2.0", "Okta SCIM", "linked");
        var user = workos.createUser(directory.id(), "grace@acme.test", "Grace", "Hopper");
        workos.updateUser(user.id(), UserUpdate.name("Grace", "Brewster Hopper"));
        var group = workos.createGroup(directory.id(), "Engineering");
        workos.renameGroup(group.id(), "Platform");
        workos.addUserToGroup(group.id(), user.id());
        workos.removeUserFromGroup(group.id(), user.id());
        workos.deleteUser(user.id());
        workos.deleteGroup(group.id());
        workos.deleteDirectory(directory.id());

        workos.deleteOrganization(org.id());
        return org.id();
    }
}
