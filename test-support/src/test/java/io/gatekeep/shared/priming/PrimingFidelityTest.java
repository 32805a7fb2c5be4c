package io.gatekeep.shared.priming;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The priming stand-ins held to the real contracts: every kind of DynamoDB request the primed
 * success paths send is sent, through the SDK, to DynamoDB Local (holding the stand-in
 * organization's items, in a table made from template.yaml) and to {@link StandInDynamoDb}, and
 * the answers must be the same; what the stand-in does not model is refused. The WorkOS stand-in's
 * answers must have the fields the emulator renders for the same calls.
 */
class PrimingFidelityTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static String table;
    private static DynamoDbClient local;
    private static StandInDynamoDb standIn;
    private static DynamoDbClient primed;

    @BeforeAll
    static void seed() {
        LocalDynamo dynamo = LocalDynamo.shared();
        table = dynamo.createTable();
        local = dynamo.client();
        StandInOrganization.items(NOW).forEach(item -> local.putItem(r -> r.tableName(table).item(item)));
        standIn = new StandInDynamoDb(StandInOrganization.items(NOW));
        primed = DynamoDbClient.builder().endpointOverride(URI.create(standIn.url())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void close() {
        primed.close();
        standIn.close();
        local.close();
    }

    private static <T> void same(Function<DynamoDbClient, T> call) {
        assertEquals(call.apply(local), call.apply(primed));
    }

    private static QueryResponse query(DynamoDbClient client, QueryRequest.Builder request) {
        return client.query(request.tableName(table).build());
    }

    @Test
    void queriesAnswerLikeDynamoDb() {
        String org = Keys.orgPk(StandInOrganization.ID);
        // the organization's partition (health, gates)
        same(c -> query(c, QueryRequest.builder().keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", Attr.s(org)))).items());
        // a prefix of it (role walks: directories)
        same(c -> query(c, QueryRequest.builder().keyConditionExpression("pk = :pk AND begins_with(sk, :dir)")
                .expressionAttributeValues(Map.of(":pk", Attr.s(org), ":dir", Attr.s(Keys.DIRECTORY_PREFIX)))).items());
        // the audit log, newest first, a page of one and the next page from its key
        for (boolean forward : new boolean[]{true, false}) {
            QueryRequest.Builder page = QueryRequest.builder().keyConditionExpression("pk = :pk").scanIndexForward(forward)
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(StandInOrganization.ID)))).limit(1);
            QueryResponse fromLocal = query(local, page);
            QueryResponse fromStandIn = query(primed, page);
            assertEquals(fromLocal.items(), fromStandIn.items());
            assertEquals(fromLocal.lastEvaluatedKey(), fromStandIn.lastEvaluatedKey());
            page.exclusiveStartKey(fromLocal.lastEvaluatedKey());
            assertEquals(query(local, page).items(), query(primed, page).items());
        }
        // the audit log up to a time (entries keyed ahead of the clock left out), on the table and on gsi1
        var log = query(local, QueryRequest.builder().keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(StandInOrganization.ID))))).items();
        assertTrue(log.size() >= 2, "the stand-in has a log to cut");
        AttributeValue upper = log.get(log.size() / 2).get(Keys.SK);
        same(c -> query(c, QueryRequest.builder().keyConditionExpression("pk = :pk AND #sk <= :upper").scanIndexForward(false)
                .expressionAttributeNames(Map.of("#sk", Keys.SK))
                .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.auditPk(StandInOrganization.ID)), ":upper", upper))).items());
        same(c -> query(c, QueryRequest.builder().indexName(Keys.GSI1).keyConditionExpression("gsi1pk = :pk AND #gsk <= :upper")
                .scanIndexForward(false).expressionAttributeNames(Map.of("#gsk", Keys.GSI1_SK))
                .expressionAttributeValues(Map.of(":pk", log.get(0).get(Keys.GSI1_PK), ":upper", upper))).items());
        // the users of an index, by an attribute name placeholder, paged (directory-users)
        QueryRequest.Builder users = QueryRequest.builder().indexName(Keys.GSI1).keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", Keys.GSI1_PK))
                .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.usersPk(StandInOrganization.ID)))).limit(1);
        QueryResponse fromLocal = query(local, users);
        QueryResponse fromStandIn = query(primed, users);
        assertEquals(fromLocal.items(), fromStandIn.items());
        assertEquals(fromLocal.lastEvaluatedKey(), fromStandIn.lastEvaluatedKey());
        users.exclusiveStartKey(fromLocal.lastEvaluatedKey());
        assertEquals(query(local, users).items(), query(primed, users).items());
    }

    @Test
    void readsByKeyAnswerLikeDynamoDb() {
        var organization = Attr.key(Keys.orgPk(StandInOrganization.ID), Keys.ORG_SK);
        var missing = Attr.key(Keys.orgPk(StandInOrganization.ID), Keys.ROLE_MAP_SK);
        same(c -> c.getItem(r -> r.tableName(table).key(organization).consistentRead(true)).item());
        same(c -> c.getItem(r -> r.tableName(table).key(missing)).hasItem());
        same(c -> new TreeSet<>(c.batchGetItem(r -> r.requestItems(Map.of(table, KeysAndAttributes.builder()
                .keys(organization, missing).build()))).responses().get(table).stream().map(Object::toString).toList()));
        same(c -> c.transactGetItems(r -> r.transactItems(
                        t -> t.get(g -> g.tableName(table).key(organization)),
                        t -> t.get(g -> g.tableName(table).key(missing))))
                .responses().stream().map(i -> i.hasItem() ? i.item().toString() : "none").toList());
    }

    @Test
    void putsAndDeletesAreSeenByTheNextRead() {
        var key = Attr.key("FIDELITY", "item");
        Map<String, AttributeValue> item = new java.util.HashMap<>(key);
        item.put("value", Attr.s("written"));
        for (DynamoDbClient c : List.of(local, primed)) {
            c.putItem(r -> r.tableName(table).item(item));
        }
        same(c -> c.getItem(r -> r.tableName(table).key(key)).item());
        for (DynamoDbClient c : List.of(local, primed)) {
            c.transactWriteItems(r -> r.transactItems(t -> t.delete(d -> d.tableName(table).key(key))));
        }
        same(c -> c.getItem(r -> r.tableName(table).key(key)).hasItem());
    }

    @Test
    void anUpdateAskingForTheNewItemGetsTheStoredOneBack() {
        // The stand-in acknowledges updates without applying them: what it returns is the real answer
        // less what the update itself set (the notices function reads its outbox item this way).
        var key = Attr.key("FIDELITY", "outbox");
        Map<String, AttributeValue> item = new java.util.HashMap<>(key);
        item.put("noticeId", Attr.s("ntc_1"));
        List<Map<String, AttributeValue>> answers = new ArrayList<>();
        for (DynamoDbClient c : List.of(local, primed)) {
            c.putItem(r -> r.tableName(table).item(item));
            answers.add(c.updateItem(r -> r.tableName(table).key(key).updateExpression("SET leaseUntil = :l")
                    .expressionAttributeValues(Map.of(":l", Attr.s("2026-12-01T12:01:00Z")))
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW)).attributes());
        }
        Map<String, AttributeValue> real = new java.util.HashMap<>(answers.get(0));
        assertEquals(Attr.s("2026-12-01T12:01:00Z"), real.remove("leaseUntil"));
        assertEquals(real, answers.get(1));
    }

    @Test
    void noticeChannelsAnswerLikeEventBridgeAndSes() {
        var executable = io.gatekeep.localaws.MotoServer.find();
        org.junit.jupiter.api.Assumptions.assumeTrue(executable.isPresent(), io.gatekeep.localaws.MotoServer.MISSING);
        String bus = "gatekeep-fidelity-notices";
        String template = "gatekeep-fidelity-template";
        String sender = "notices@fidelity.test";
        try (var moto = io.gatekeep.localaws.MotoServer.start(executable.get());
             var sinks = new io.gatekeep.localaws.NoticeSinks(io.gatekeep.localaws.NoticeAws.of(moto), bus, template, sender);
             StandInNoticeChannels standIn = new StandInNoticeChannels()) {
            List<List<Object>> answers = new ArrayList<>();
            for (String url : List.of(moto.endpoint().toString(), standIn.url())) {
                var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
                try (var events = software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()
                        .endpointOverride(URI.create(url)).region(Region.US_EAST_1).credentialsProvider(credentials)
                        .httpClient(UrlConnectionHttpClient.create()).build();
                     var ses = software.amazon.awssdk.services.ses.SesClient.builder()
                        .endpointOverride(URI.create(url)).region(Region.US_EAST_1).credentialsProvider(credentials)
                        .httpClient(UrlConnectionHttpClient.create()).build()) {
                    var put = events.putEvents(b -> b.entries(e -> e.eventBusName(bus).source("gatekeep.identity")
                            .detailType("Identity attention opened").detail("{\"noticeId\":\"ntc_1\"}")));
                    var sent = ses.sendTemplatedEmail(b -> b.source(sender).destination(d -> d.toAddresses("it@fidelity.test"))
                            .template(template).templateData("{\"organizationName\":\"Fidelity\",\"title\":\"t\"}"));
                    // What Delivery reads: the failed-entry count, one entry with an event id, a message id.
                    answers.add(List.of(put.failedEntryCount(), put.entries().size(), put.entries().get(0).eventId() != null,
                            put.entries().get(0).errorCode() == null, sent.messageId() != null));
                    if (url.equals(standIn.url())) {
                        assertThrows(software.amazon.awssdk.core.exception.SdkException.class, () -> events.listEventBuses(b -> b.limit(1)),
                                "a call priming does not make is refused");
                    }
                }
            }
            assertEquals(answers.get(0), answers.get(1));
            assertEquals(List.of(0, 1, true, true, true), answers.get(1));
            assertEquals(2, standIn.deliveries());
        }
    }

    @Test
    void whatTheStandInDoesNotModelIsRefused() {
        assertThrows(DynamoDbException.class, () -> primed.scan(r -> r.tableName(table)));
        assertThrows(DynamoDbException.class, () -> primed.query(r -> r.tableName(table).keyConditionExpression("pk = :pk")
                .filterExpression("attribute_exists(sk)").expressionAttributeValues(Map.of(":pk", Attr.s("x")))));
        assertThrows(DynamoDbException.class, () -> primed.query(r -> r.tableName(table).keyConditionExpression("pk = :pk AND sk > :s")
                .expressionAttributeValues(Map.of(":pk", Attr.s("x"), ":s", Attr.s("y")))));
    }

    @Test
    void workOsAnswersHaveTheFieldsWorkOsRenders() throws Exception {
        try (WorkOsEmulator emulator = WorkOsEmulator.start(0); StandInWorkOs workos = new StandInWorkOs()) {
            String id = emulator.control().createOrganization("Fidelity", DomainSpec.verified("fidelity.test")).id();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode real = get(http, emulator.baseUrl() + "/organizations/" + id, emulator.apiKey());
            JsonNode stand = get(http, workos.url() + "/organizations/" + StandInOrganization.ID, "sk_test_gatekeep_priming");
            assertEquals(fields(real), fields(stand));
            assertEquals(fields(real.get("domains").get(0)), fields(stand.get("domains").get(0)));

            String body = "{\"organization\": \"" + id + "\", \"intent\": \"sso\"}";
            JsonNode link = post(http, emulator.baseUrl() + "/portal/generate_link", emulator.apiKey(), body);
            JsonNode standLink = post(http, workos.url() + "/portal/generate_link", "sk_test_gatekeep_priming", body);
            assertEquals(fields(link), fields(standLink));
            assertTrue(standLink.get("link").asText().startsWith("https://"));
        }
    }

    private static JsonNode get(HttpClient http, String url, String key) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.parse(response.body());
    }

    private static JsonNode post(HttpClient http, String url, String key, String body) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() == 200 || response.statusCode() == 201, response.body());
        return Json.parse(response.body());
    }

    private static TreeSet<String> fields(JsonNode node) {
        TreeSet<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
