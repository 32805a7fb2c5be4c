package io.gatekeep.localaws;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The notices' bus, rule, queue and SES template set up twice on one emulator, as when {@code bin/run-local} is
 * started again against a LocalStack that kept running: the second start works and reads back what is published.
 */
class NoticeSinksTest {
    @Test
    void settingUpAgainOnAnEmulatorThatKeptItsResourcesWorks() {
        var executable = MotoServer.find();
        assumeTrue(executable.isPresent(), MotoServer.MISSING);
        try (NoticeAws aws = NoticeAws.of(MotoServer.start(executable.get()))) {
            new NoticeSinks(aws, "again-notices", "again-template", "notices@again.test").close();
            try (NoticeSinks again = new NoticeSinks(aws, "again-notices", "again-template", "notices@again.test");
                 var events = software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()
                         .endpointOverride(aws.endpoints().eventBridge()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                         .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                                 software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("testing", "testing")))
                         .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
                events.putEvents(b -> b.entries(e -> e.eventBusName("again-notices").source("gatekeep.identity")
                        .detailType("Identity attention opened").detail("{\"noticeId\":\"ntc_1\"}")));
                var published = again.published();
                assertEquals(1, published.size(), published.toString());
                assertEquals("ntc_1", published.get(0).path("detail").path("noticeId").asText());
                assertEquals(List.of(), again.emails());
                String rendered = again.render("{\"organizationName\":\"Acme\",\"headline\":\"h\",\"title\":\"t\",\"problem\":\"p\",\"fix\":\"f\"}");
                assertTrue(rendered.contains("Acme"), rendered);
            }
        }
    }
}
