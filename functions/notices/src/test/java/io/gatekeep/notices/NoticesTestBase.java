package io.gatekeep.notices;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.NoticeAws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Where {@link NoticesTest} and {@link NoticeCadenceTest} start: one AWS emulator per test class
 * ({@link NoticesFixture#openAws}: LocalStack or moto, the class skipped without either), and for each test a
 * fresh {@link NoticesFixture} around it, closed after the test, with the organization Acme created in WorkOS and
 * synced. Both walk the conditions through the same real parts from the same start, so the start is written once.
 */
abstract class NoticesTestBase {
    private static NoticeAws aws;
    NoticesFixture f;
    /** Acme's organization id. */
    String org;

    @BeforeAll
    static void startAws() {
        aws = NoticesFixture.openAws();
    }

    @AfterAll
    static void stopAws() {
        if (aws != null) {
            aws.close();
            aws = null; // the next test class opens its own
        }
    }

    @BeforeEach
    void startFixtureWithAcme() {
        f = new NoticesFixture(aws);
        org = f.createAcme();
    }

    @AfterEach
    void closeFixture() {
        f.close();
    }

    /** The one event of {@code events}; fails listing them when there are none or several. */
    static JsonNode only(List<JsonNode> events) {
        assertEquals(1, events.size(), events.toString());
        return events.get(0);
    }
}
