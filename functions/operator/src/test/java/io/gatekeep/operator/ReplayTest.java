package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.Snapshot;
import io.gatekeep.emulator.UserUpdate;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store fails (every TransactWriteItems answers 500, as DynamoDB does in an outage), WorkOS's
 * retries run out, and the verified events wait in the dead-letter store; replay then brings the
 * projection to where the webhooks would have.
 */
class ReplayTest {
    private OperatorFixture fx;
    private EmulatorControl workos;
    private WebhookReceiver receiver;
    private DynamoDbClient failingClient;
    private final AtomicBoolean storeFails = new AtomicBoolean();

    /** DynamoDB Local behind an SDK interceptor that fails the projection's transactions while switched on. */
    private final class StoreOutage implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (storeFails.get() && "TransactWriteItems".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                throw InternalServerErrorException.builder().message("injected store failure").build();
            }
        }
    }

    @BeforeEach
    void start() {
        fx = OperatorFixture.start();
        workos = fx.emulator.control();
        failingClient = LocalDynamo.shared().client(new StoreOutage());
        receiver = new WebhookReceiver(failingClient, fx.table, fx.clock);
        workos.registerWebhook(receiver.url(), WebhookReceiver.SECRET);
    }

    @AfterEach
    void stop() {
        receiver.close();
        failingClient.close();
        fx.close();
    }

    @Test
    void replayAfterStoreFailuresEmptiesTheDeadLetterStoreAndCatchesTheProjectionUp() {
        String organizationId = fx.invoke("{\"action\": \"onboard\", \"name\": \"Acme Outage\"}").path("organizationId").asText();
        assertTrue(workos.awaitDeliveries(Duration.ofSeconds(30)));
        int eventsBefore = workos.events().size();
        storeFails.set(true);
        Snapshot.Directory directory = workos.createDirectory(organizationId, "okta scim v2.0", "Okta", "linked");
        List<Snapshot.User> users = workos.addUsers(directory.id(), 12);
        Snapshot.Group admins = workos.createGroup(directory.id(), "Admins");
        Snapshot.Group staff = workos.createGroup(directory.id(), "Staff");
        users.forEach(u -> workos.addUserToGroup(staff.id(), u.id()));
        workos.addUserToGroup(admins.id(), users.get(0).id());
        workos.updateUser(users.get(1).id(), UserUpdate.state("suspended"));
        workos.removeUserFromGroup(staff.id(), users.get(2).id());
        workos.deleteUser(users.get(3).id());
        workos.renameGroup(admins.id(), "Administrators");
        assertTrue(workos.awaitDeliveries(Duration.ofSeconds(60)));
        storeFails.set(false);

        long events = workos.events().size() - eventsBefore;
        List<DeadLetters.DeadLetter> letters = deadLetters().all();
        Set<String> deadEvents = letters.stream().map(DeadLetters.DeadLetter::eventId).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(events, deadEvents.size(), "every event since the outage began is dead-lettered");
        assertTrue(letters.size() > deadEvents.size(), "WorkOS retried: several dead letters per event");
        assertTrue(letters.stream().allMatch(l -> organizationId.equals(l.organizationId()) && l.body() != null));
        assertFalse(fx.projectionDifferences(organizationId).isEmpty());

        // Still failing: nothing applies, the dead letters stay, with one more attempt and the new error.
        String first = letters.get(0).eventId();
        OperatorHandler failingHandler = new OperatorHandler(fx.config, failingClient, fx.clock);
        storeFails.set(true);
        JsonNode failed = invoke(failingHandler, "{\"action\": \"replay\", \"eventIds\": [\"" + first + "\"]}");
        storeFails.set(false);
        long copies = letters.stream().filter(l -> l.eventId().equals(first)).count();
        assertEquals(copies, failed.path("failed").asLong(), failed.toString());
        assertEquals(0, failed.path("applied").asLong());
        assertEquals(letters.size(), deadLetters().all().size());
        DeadLetters.DeadLetter retried = deadLetters().all().stream().filter(l -> l.eventId().equals(first)).findFirst().orElseThrow();
        DeadLetters.DeadLetter original = letters.stream().filter(l -> l.sortKey().equals(retried.sortKey())).findFirst().orElseThrow();
        assertEquals(original.attempts() + 1, retried.attempts());
        assertTrue(retried.error().contains("StoreUnavailableException"), retried.error());

        // Two named events: each applies once; its other copies are duplicates; both leave the store.
        String second = deadEvents.stream().filter(id -> !id.equals(first)).findFirst().orElseThrow();
        JsonNode named = fx.invoke("{\"action\": \"replay\", \"eventIds\": [\"" + first + "\", \"" + second + "\", \"event_01NOTDEADLETTERED\"]}");
        long namedCopies = letters.stream().filter(l -> l.eventId().equals(first) || l.eventId().equals(second)).count();
        assertEquals(2, named.path("applied").asLong(), named.toString());
        assertEquals(namedCopies - 2, named.path("duplicates").asLong());
        assertEquals("[\"event_01NOTDEADLETTERED\"]", named.path("notFound").toString());
        assertEquals(letters.size() - namedCopies, deadLetters().all().size());

        // The organization's remaining dead letters.
        JsonNode rest = fx.invoke(OperatorFixture.eventFile("operator-replay.json").replace("org_01HACME000000000000000000", organizationId));
        assertTrue(rest.path("complete").asBoolean(), rest.toString());
        assertEquals(deadEvents.size() - 2, rest.path("applied").asLong(), rest.toString());
        assertEquals(0, rest.path("failed").asLong());
        assertEquals(0, deadLetters().all().size(), "the dead-letter store is empty");
        fx.assertProjectionMirrorsWorkOs(organizationId);

        JsonNode nothingLeft = fx.invoke("{\"action\": \"replay\"}");
        assertEquals(0, nothingLeft.path("applied").asLong() + nothingLeft.path("duplicates").asLong()
                + nothingLeft.path("failed").asLong(), nothingLeft.toString());
        long audits = fx.dynamo.query(r -> r.tableName(fx.table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(organizationId)))))
                .items().stream().filter(i -> "operator.replay".equals(Attr.str(i, "type"))).count();
        assertEquals(3, audits, "one audit entry per replay that touched the organization");
    }

    private DeadLetters deadLetters() {
        return new DeadLetters(fx.dynamo, fx.table, fx.clock);
    }

    private static JsonNode invoke(OperatorHandler handler, String json) {
        try {
            var out = new java.io.ByteArrayOutputStream();
            handler.handleRequest(new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), out,
                    io.gatekeep.localaws.LocalContext.of("OperatorFunction"));
            return io.gatekeep.shared.Json.parse(out.toString(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
