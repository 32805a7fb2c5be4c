package io.gatekeep.notices;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.localaws.ProjectFiles;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.attention.Conditions;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each condition opens, reminds and resolves exactly as stated, through the real parts: the WorkOS
 * emulator drives it (certificate dates, a directory's credentials, stalled setup with its clock moved
 * forward, a domain that fails verification), the projection and the table's stream carry it to the
 * notices function, and what it published (EventBridge, read back from a rule's SQS queue) and sent
 * (SES, read back from moto's API) is checked notice by notice.
 */
class NoticesTest extends NoticesTestBase {

    @BeforeEach
    void acmeHasTwoItContacts() {
        f.itContacts(org, List.of("it@acme.test", "security@acme.test"));
    }

    @Test
    void certificateOpensAt90DaysRemindsAt30And7And1AndResolvesOnRenewal() {
        Snapshot.Connection c = f.control.createConnection(org, "OktaSAML", "Okta SAML", "active");
        f.control.setCertificateExpiry(c.id(), f.control.now().plus(Duration.ofDays(80)));
        f.sync();
        assertEquals(List.of(), f.published(), "the certificate is not known to be expiring until WorkOS says so");

        f.control.emitCertificateRenewalRequired(c.id());
        f.sync();
        JsonNode opened = only(f.published());
        assertEquals("Identity attention opened", opened.path("detail-type").asText());
        assertEquals("gatekeep.identity", opened.path("source").asText());
        JsonNode detail = opened.path("detail");
        assertEquals("opened", detail.path("transition").asText());
        assertEquals(org, detail.path("organization").path("id").asText());
        assertEquals("certificate_expiring", detail.path("item").path("kind").asText());
        assertEquals("90", detail.path("item").path("stage").asText());
        assertEquals(c.id(), detail.path("item").path("subject").path("id").asText());
        assertEquals("certificate_renewal", detail.path("item").path("nextStep").path("portalIntent").asText());
        String expiry = f.control.now().plus(Duration.ofDays(80)).toString().substring(0, 10);
        assertEquals("The SAML certificate of Okta SAML expires on " + expiry, detail.path("item").path("title").asText());

        // Days pass, the schedule runs every day: only 30, 7 and 1 days left bring a reminder, once each.
        List<String> stages = new java.util.ArrayList<>();
        for (int day = 1; day <= 80; day++) {
            f.control.advanceClock(Duration.ofDays(1));
            f.schedule();
            for (JsonNode event : f.published()) {
                assertEquals("Identity attention reminder", event.path("detail-type").asText());
                stages.add(event.path("detail").path("item").path("stage").asText());
            }
        }
        assertEquals(List.of("30", "7", "1"), stages);

        f.control.renewCertificate(c.id());
        f.sync();
        JsonNode resolved = only(f.published());
        assertEquals("Identity attention resolved", resolved.path("detail-type").asText());
        assertEquals("resolved", resolved.path("detail").path("item").path("state").asText());
        f.schedule();
        assertEquals(List.of(), f.published(), "nothing more once resolved");

        // Five notices, each emailed once to both IT contacts with the template, each in the audit log.
        List<JsonNode> emails = f.emails();
        assertEquals(5, emails.size(), emails.toString());
        for (JsonNode email : emails) {
            assertEquals(NoticesFixture.SENDER, email.path("source").asText());
            assertEquals(List.of("it@acme.test", "security@acme.test"),
                    Json.MAPPER.convertValue(email.path("destinations").path("ToAddresses"), List.class));
            JsonNode data = Json.parse(email.path("template_data").asText());
            assertEquals("Acme", data.path("organizationName").asText());
            assertFalse(data.path("title").asText().isBlank());
            String rendered = f.sinks.render(email.path("template_data").asText()); // SES fills every placeholder
            assertTrue(rendered.contains(data.path("title").asText()), rendered);
            assertFalse(rendered.contains("{{"), rendered);
        }
        assertEquals(List.of("attention.opened", "attention.reminder", "attention.reminder", "attention.reminder",
                "attention.resolved"), auditTypes());
        assertEquals(0, outbox(), "every notice delivered and gone from the outbox");
    }

    @Test
    void brokenDirectoryOpensWhenItsCredentialsAreRevokedAndResolvesWhenLinkedAgain() {
        Snapshot.Directory d = f.control.createDirectory(org, "okta scim v2.0", "Okta SCIM", "linked");
        f.sync();
        assertEquals(List.of(), f.published());

        f.control.setDirectoryState(d.id(), "invalid_credentials"); // no event: the sweep reads it from the API
        f.refreshFromApi("/directories/" + d.id());
        JsonNode opened = only(f.published());
        assertEquals("directory_broken", opened.path("detail").path("item").path("kind").asText());
        assertEquals("invalid_credentials", opened.path("detail").path("item").path("stage").asText());
        assertEquals("SCIM 401 Unauthorized", opened.path("detail").path("item").path("nextStep").path("problem").asText());

        f.control.advanceClock(Duration.ofDays(3));
        f.schedule();
        assertEquals(List.of(), f.published(), "no reminder before 7 days");
        f.control.advanceClock(Duration.ofDays(4));
        f.schedule();
        assertEquals("Identity attention reminder", only(f.published()).path("detail-type").asText());

        f.control.setDirectoryState(d.id(), "linked");
        f.refreshFromApi("/directories/" + d.id());
        assertEquals("Identity attention resolved", only(f.published()).path("detail-type").asText());
        assertEquals(3, f.emails().size());
    }

    @Test
    void stalledSetupOpensAfterSevenDaysWithoutChangeRemindsWeeklyAndResolvesOnProgress() {
        Snapshot.Connection c = f.control.createConnection(org, "OktaSAML", "Okta SAML", "draft");
        f.refreshFromApi("/connections/" + c.id()); // WorkOS announces no draft: the sweep finds it
        f.schedule();
        assertEquals(List.of(), f.published());

        f.control.advanceClock(Duration.ofDays(6));
        f.schedule();
        assertEquals(List.of(), f.published(), "6 days without change is not stalled yet");
        f.control.advanceClock(Duration.ofDays(1));
        f.schedule();
        JsonNode opened = only(f.published()).path("detail").path("item");
        assertEquals("setup_stalled", opened.path("kind").asText());
        assertEquals("draft", opened.path("stage").asText());
        assertEquals("Connection stuck in Draft", opened.path("nextStep").path("problem").asText());
        assertEquals("Choose Continue SSO setup, then upload valid IdP metadata XML or enter a reachable metadata URL in the Admin Portal.",
                opened.path("nextStep").path("fix").asText(), "the page's words: the fix names the page's button");

        f.control.advanceClock(Duration.ofDays(7));
        f.schedule();
        f.schedule();
        assertEquals("Identity attention reminder", only(f.published()).path("detail-type").asText());

        f.control.setConnectionState(c.id(), "active");
        f.sync();
        assertEquals("Identity attention resolved", only(f.published()).path("detail-type").asText());
    }

    /**
     * People fail to sign in through an active connection (the emulator's sign-in simulation): the fifth failure in a
     * clock hour opens the item, with the guide's fix for the last failure's reason; successes and time-outs do not
     * count; it resolves when neither this hour's count nor the last hour's reaches the threshold.
     */
    @Test
    void aWaveOfFailedSignInsOpensAtTheHourlyThresholdAndResolvesTwoHoursLater() {
        Snapshot.Connection c = f.control.createConnection(org, "OktaSAML", "Okta SAML", "active");
        f.sync();
        f.published();
        // Keep the wave inside one clock hour: start it at the top of the next hour.
        Instant now = f.control.now();
        f.control.advanceClock(Duration.between(now, now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1))));
        for (int i = 1; i <= 4; i++) {
            f.signIn(c.id(), "person" + i + "@acme.test", "failed", "audience_mismatch");
        }
        f.signIn(c.id(), "ok@acme.test", "succeeded", null);
        f.signIn(c.id(), "slow@acme.test", "timed_out", null);
        assertEquals(List.of(), f.published(), "4 failures (and a success, a time-out) are under the threshold of 5");

        f.signIn(c.id(), "person5@acme.test", "failed", "audience_mismatch");
        JsonNode opened = only(f.published());
        assertEquals("Identity attention opened", opened.path("detail-type").asText());
        JsonNode item = opened.path("detail").path("item");
        assertEquals("sso_sign_in_failures", item.path("kind").asText());
        String hour = Conditions.hour(f.control.now());
        assertEquals("5 failed SSO sign-ins through Okta SAML in the hour from " + hour.substring(11, 13) + ":00 UTC on "
                + hour.substring(0, 10), item.path("title").asText());
        assertEquals("5", item.path("facts").path("failures").asText());
        assertEquals("SAML Audience mismatch", item.path("nextStep").path("problem").asText(), "the guide's row for the last failure");
        assertEquals("sso", item.path("nextStep").path("portalIntent").asText());
        assertEquals(1, f.emails().size(), "one email to the IT contacts: " + f.emails());

        // More failures in the same hour update the item quietly: no second notice.
        f.signIn(c.id(), "person6@acme.test", "failed", "signature_invalid");
        assertEquals(List.of(), f.published());

        // The next hour still counts the last one; two hours on, neither does: resolved.
        f.control.advanceClock(Duration.ofHours(1));
        f.schedule();
        assertEquals(List.of(), f.published(), "the last hour's wave still holds");
        f.control.advanceClock(Duration.ofHours(1));
        f.schedule();
        JsonNode resolved = only(f.published());
        assertEquals("Identity attention resolved", resolved.path("detail-type").asText());
        assertEquals("sso_sign_in_failures", resolved.path("detail").path("item").path("kind").asText());
    }

    @Test
    void failedDomainVerificationOpensAndResolvesWhenVerified() {
        Snapshot.Domain domain = f.control.addDomain(org, "corp.acme.test", "pending");
        f.sync();
        f.control.failDomain(domain.id());
        f.sync();
        JsonNode opened = only(f.published()).path("detail").path("item");
        assertEquals("domain_verification_failed", opened.path("kind").asText());
        assertEquals("corp.acme.test", opened.path("subject").path("name").asText());

        f.control.verifyDomain(domain.id());
        f.sync();
        assertEquals("Identity attention resolved", only(f.published()).path("detail-type").asText());
    }

    @Test
    void healthListsTheOpenItemsFromTheSameQuery() {
        Snapshot.Directory d = f.control.createDirectory(org, "okta scim v2.0", "Okta SCIM", "linked");
        f.sync();
        f.control.setDirectoryState(d.id(), "invalid_credentials");
        f.refreshFromApi("/directories/" + d.id());
        OrganizationView view = OrganizationView.load(f.dynamo, f.table, org).orElseThrow();
        assertEquals(1, view.openAttention().size());
        assertEquals("directory_broken", view.openAttention().get(0).kind().wire());
        f.control.setDirectoryState(d.id(), "linked");
        f.refreshFromApi("/directories/" + d.id());
        assertEquals(List.of(), OrganizationView.load(f.dynamo, f.table, org).orElseThrow().openAttention());
    }

    @Test
    void aNoticeThatCannotBeDeliveredStaysInTheOutboxAndIsDeliveredOnceLater() {
        f.handler = f.handler("no-such-bus"); // EventBridge refuses: ResourceNotFound
        Snapshot.Domain domain = f.control.addDomain(org, "corp.acme.test", "pending");
        f.sync();
        f.control.failDomain(domain.id());
        f.sync();
        assertEquals(List.of(), f.published());
        assertEquals(1, outbox(), "the notice waits in the outbox");
        assertEquals(0, f.emails().size());

        f.handler = f.handler(f.bus);
        f.handler.handleRequest(Map.of(), null);
        assertEquals(List.of(), f.published(), "the schedule leaves notices younger than a minute to the stream");
        f.control.advanceClock(Duration.ofMinutes(2));
        Map<String, Object> report = f.handler.handleRequest(Map.of("source", "aws.events"), null);
        assertEquals(1, ((List<?>) report.get("delivered")).size());
        assertEquals(1, f.published().size());
        assertEquals(1, f.emails().size());
        assertEquals(0, outbox());
        f.handler.handleRequest(Map.of("source", "aws.events"), null);
        f.drain();
        assertEquals(List.of(), f.published(), "delivered once");
    }

    @Test
    void racingRefreshesSendOneNotice() throws Exception {
        Snapshot.Domain domain = f.control.addDomain(org, "corp.acme.test", "pending");
        f.sync();
        f.control.failDomain(domain.id());
        // apply without the stream, then refresh from 4 threads at once
        f.applyEvents();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        var start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(pool.submit(() -> {
                start.await();
                return f.handler.handleRequest(Map.of("organizationId", org), null);
            }));
        }
        start.countDown();
        for (var run : runs) {
            run.get();
        }
        pool.shutdown();
        f.drain();
        assertEquals(1, f.published().size());
        assertEquals(1, f.emails().size());
        assertEquals(List.of("attention.opened"), auditTypes());
    }

    /** The README's "The EventBridge event" is what the bus carries: source, detail-types, and every field of detail. */
    @Test
    void theReadmeDocumentsTheEventAsPublished() throws Exception {
        String readme = java.nio.file.Files.readString(ProjectFiles.root().resolve("README.md"));
        String section = readme.substring(readme.indexOf("**The EventBridge event.**"), readme.indexOf("Route them with rules"));
        Snapshot.Connection c = f.control.createConnection(org, "OktaSAML", "Okta SAML", "active");
        f.control.setCertificateExpiry(c.id(), f.control.now().plus(Duration.ofDays(20)));
        f.control.emitCertificateRenewalRequired(c.id());
        f.sync();
        JsonNode event = only(f.published());

        assertTrue(section.replaceAll("\\s+", " ").contains("`source`: `" + event.path("source").asText() + "`"), section);
        for (var transition : io.gatekeep.shared.attention.Notice.Transition.values()) {
            assertTrue(section.contains("`" + transition.detailType() + "`"), transition.detailType());
            assertTrue(section.contains("`" + transition.wire() + "`"), transition.wire());
        }
        assertTrue(section.contains("`" + event.path("detail-type").asText() + "`"));
        String example = section.substring(section.indexOf("```json") + 7, section.indexOf("```", section.indexOf("```json") + 7));
        assertEquals(fields(Json.parse(example), ""), fields(event.path("detail"), ""), "the README's example has the event's fields");
        String kinds = section.lines().filter(l -> l.startsWith("| `item.kind` |")).findFirst().orElseThrow();
        for (var kind : io.gatekeep.shared.attention.AttentionKind.values()) {
            assertTrue(kinds.contains("`" + kind.wire() + "`"), kind.wire());
        }
        String facts = section.lines().filter(l -> l.startsWith("| `item.facts` |")).findFirst().orElseThrow();
        event.path("detail").path("item").path("facts").fieldNames().forEachRemaining(name ->
                assertTrue(facts.contains("`" + name + "`"), "the README names the fact " + name));
    }

    /** The paths of every field of a JSON object (values not compared). */
    private static java.util.SortedSet<String> fields(JsonNode node, String at) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(name -> {
            out.add(at + name);
            if (node.get(name).isObject()) {
                out.addAll(fields(node.get(name), at + name + "."));
            }
        });
        return out;
    }

    private List<String> auditTypes() {
        return f.dynamo.query(b -> b.tableName(f.table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(org))))).items().stream()
                .map(i -> Attr.str(i, "type")).filter(t -> t.startsWith("attention.")).toList();
    }

    private int outbox() {
        return f.dynamo.query(b -> b.tableName(f.table).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.OUTBOX_PK))))
                .items().stream().filter(i -> org.equals(Attr.str(i, "organizationId"))).toList().size();
    }
}
