package io.gatekeep.notices;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.Snapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The subjects and reminders of each condition that {@link NoticesTest} does not walk through, through the same
 * real parts (the WorkOS emulator and its clock, the projection, DynamoDB Local's stream, moto's EventBridge):
 * a directory that synced and is then unlinked, a domain left pending, a connection left validating, the weekly
 * reminder of a failed domain verification and the daily one of a wave of failed sign-ins that goes on.
 */
class NoticeCadenceTest extends NoticesTestBase {
    @Test
    void aDirectoryThatSyncedAndIsUnlinkedOpensAndResolvesWhenDeleted() {
        Snapshot.Directory d = f.control.createDirectory(org, "okta scim v2.0", "Okta SCIM", "linked");
        f.control.addUsers(d.id(), 2); // its users' events: it has synced
        f.sync();
        assertEquals(List.of(), f.published());

        f.control.setDirectoryState(d.id(), "unlinked");
        f.refreshFromApi("/directories/" + d.id());
        JsonNode item = only(f.published()).path("detail").path("item");
        assertEquals("directory_broken", item.path("kind").asText());
        assertEquals("unlinked", item.path("stage").asText());
        assertEquals("Directory Sync for Okta SCIM is unlinked: users and groups no longer sync", item.path("title").asText());

        f.control.deleteDirectory(d.id());
        f.sync();
        assertEquals(List.of("resolved"), transitions(f.published()));
    }

    @Test
    void aDomainLeftPendingStallsAfterSevenDaysRemindsWeeklyAndResolvesWhenVerified() {
        Snapshot.Domain domain = f.control.addDomain(org, "corp.acme.test", "pending");
        f.sync();
        f.control.advanceClock(Duration.ofDays(6));
        f.schedule();
        assertEquals(List.of(), f.published(), "6 days pending is not stalled yet");
        f.control.advanceClock(Duration.ofDays(1));
        f.schedule();
        JsonNode item = only(f.published()).path("detail").path("item");
        assertEquals("setup_stalled", item.path("kind").asText());
        assertEquals("domain", item.path("subject").path("type").asText());
        assertEquals("pending", item.path("stage").asText());
        assertEquals("domain_verification", item.path("nextStep").path("portalIntent").asText());

        f.control.advanceClock(Duration.ofDays(6));
        f.schedule();
        assertEquals(List.of(), f.published(), "no reminder before 7 days");
        f.control.advanceClock(Duration.ofDays(1));
        f.schedule();
        assertEquals(List.of("reminder"), transitions(f.published()));

        f.control.verifyDomain(domain.id());
        f.sync();
        assertEquals(List.of("resolved"), transitions(f.published()));
    }

    @Test
    void aConnectionLeftValidatingStallsAfterSevenDaysAndResolvesWhenActive() {
        Snapshot.Connection c = f.control.createConnection(org, "OktaSAML", "Okta SAML", "validating");
        f.refreshFromApi("/connections/" + c.id());
        f.control.advanceClock(Duration.ofDays(7));
        f.schedule();
        JsonNode item = only(f.published()).path("detail").path("item");
        assertEquals("setup_stalled", item.path("kind").asText());
        assertEquals("validating", item.path("stage").asText());
        assertEquals("sso", item.path("nextStep").path("portalIntent").asText());

        f.control.setConnectionState(c.id(), "active");
        f.sync();
        assertEquals(List.of("resolved"), transitions(f.published()));
    }

    @Test
    void aFailedDomainVerificationRemindsEverySevenDays() {
        Snapshot.Domain domain = f.control.addDomain(org, "corp.acme.test", "pending");
        f.sync();
        f.control.failDomain(domain.id());
        f.sync();
        assertEquals(List.of("opened"), transitions(f.published()));
        List<String> later = new ArrayList<>();
        for (int day = 1; day <= 15; day++) {
            f.control.advanceClock(Duration.ofDays(1));
            f.schedule();
            for (JsonNode event : f.published()) {
                later.add(day + " " + event.path("detail").path("transition").asText());
            }
        }
        assertEquals(List.of("7 reminder", "14 reminder"), later);
    }

    /** Five failures every hour for a day and more: one opening, one reminder a day after it, quiet updates between. */
    @Test
    void aWaveOfFailedSignInsThatGoesOnRemindsOnceADay() {
        Snapshot.Connection c = f.control.createConnection(org, "OktaSAML", "Okta SAML", "active");
        f.sync();
        f.published();
        Instant now = f.control.now();
        f.control.advanceClock(Duration.between(now, now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1))));
        List<JsonNode> notices = new ArrayList<>();
        for (int hour = 0; hour <= 25; hour++) {
            for (int i = 1; i <= 5; i++) {
                f.signIn(c.id(), "person" + i + "@acme.test", "failed", "audience_mismatch");
            }
            f.schedule();
            notices.addAll(f.published());
            f.control.advanceClock(Duration.ofHours(1));
        }
        assertEquals(List.of("opened", "reminder"), transitions(notices));
        Duration between = Duration.between(Instant.parse(notices.get(0).path("detail").path("occurredAt").asText()),
                Instant.parse(notices.get(1).path("detail").path("occurredAt").asText()));
        assertTrue(!between.minus(Duration.ofDays(1)).isNegative() && between.compareTo(Duration.ofHours(25)) < 0,
                "the reminder comes a day after the opening: " + between);
        f.control.advanceClock(Duration.ofHours(1));
        f.schedule();
        assertEquals(List.of("resolved"), transitions(f.published()), "two hours without a wave");
    }

    private static List<String> transitions(List<JsonNode> events) {
        return events.stream().map(e -> e.path("detail").path("transition").asText()).toList();
    }
}
