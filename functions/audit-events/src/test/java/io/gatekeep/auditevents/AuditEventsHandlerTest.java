package io.gatekeep.auditevents;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.localaws.LocalContext;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ApiContract;
import io.gatekeep.testsupport.ApiEvents;
import io.gatekeep.testsupport.RequestCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit log through full API Gateway events against DynamoDB Local: 1,000 entries paged
 * newest first with signed cursors, type filters on the category index, and who may read.
 */
class AuditEventsHandlerTest {
    private static final String ORG_A = "org_audit_a";
    private static final String ORG_B = "org_audit_b";
    private static final String ORG_EMPTY = "org_audit_empty";
    private static final String ORG_DELETED = "org_audit_deleted";
    private static final String ORG_NO_ITEM = "org_audit_entries_but_unknown";
    private static final String KEY = "test-cursor-key-0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    /** The mix an organization's log holds: WorkOS events and the product's own actions. */
    private static final List<String> TYPES = List.of(
            "dsync.user.created", "dsync.user.updated", "dsync.group.created", "dsync.activated",
            "dsync.group.user_added", "connection.activated", "connection.saml_certificate_renewal_required",
            "organization_domain.verified", "organization.updated", "portal_link.issued",
            "org_settings.it_contacts_updated", "dsync.user.deleted", "vault.unknown_thing");

    private static final RequestCounter COUNTER = new RequestCounter();
    private static final QueryCapture QUERIES = new QueryCapture();
    private static DynamoDbClient seedClient;
    private static DynamoDbClient handlerClient;
    private static String table;
    private static ApiContract.CheckedHandler handler;
    /** ORG_A's entries, newest first (sort key descending). */
    private static List<AuditEntry> seededA;

    @BeforeAll
    static void seed() {
        LocalDynamo dynamo = LocalDynamo.shared();
        table = dynamo.createTable();
        seedClient = dynamo.client();
        handlerClient = dynamo.client(COUNTER, QUERIES);
        handler = handlerWithKeys(KEY);

        organization(ORG_A, false);
        organization(ORG_B, false);
        organization(ORG_EMPTY, false);
        organization(ORG_DELETED, true);

        List<AuditEntry> a = new ArrayList<>();
        Instant base = Instant.parse("2026-05-01T00:00:00Z");
        Instant at = base;
        for (int i = 0; i < 1_000; i++) {
            // Every fifth entry shares its predecessor's instant: the entry id breaks the tie.
            if (i % 5 != 0) {
                at = at.plusMillis(1_000 + (i * 7919L) % 5_000);
            }
            String type = TYPES.get((i * 7) % TYPES.size());
            boolean ours = type.startsWith("portal_link") || type.startsWith("org_settings");
            // Ids that do not sort like time, so the order comes from the sort key, not the id.
            String id = (ours ? "audit_" : "event_") + String.format("%05x_%d", (i * 7_919L) % 100_003, i);
            a.add(new AuditEntry(ORG_A, id, type, at, ours ? "ada@acme.test" : "workos", "Summary " + i,
                    ours ? AuditEntry.Source.GATEKEEP : AuditEntry.Source.WORKOS, "req_" + i));
        }
        write(a);
        seededA = a.stream().sorted(Comparator.comparing(AuditEntry::sortKey).reversed()).toList();

        List<AuditEntry> others = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            others.add(new AuditEntry(ORG_B, "event_b_" + i, "dsync.user.created", base.plusSeconds(i), "workos",
                    "B " + i, AuditEntry.Source.WORKOS, null));
            others.add(new AuditEntry(ORG_DELETED, "event_d_" + i, "connection.activated", base.plusSeconds(i), "workos",
                    "D " + i, AuditEntry.Source.WORKOS, null));
            others.add(new AuditEntry(ORG_NO_ITEM, "event_n_" + i, "connection.activated", base.plusSeconds(i), "workos",
                    "N " + i, AuditEntry.Source.WORKOS, null));
        }
        write(others);
    }

    @AfterAll
    static void close() {
        seedClient.close();
        handlerClient.close();
    }

    @BeforeEach
    void resetCounts() {
        COUNTER.reset();
        QUERIES.queries.clear();
    }

    // ---- paging the whole log ----

    @Test
    void pagesThroughAThousandEntriesNewestFirstWithNothingTwiceAndNothingMissing() {
        List<JsonNode> all = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        int page = 0;
        do {
            COUNTER.reset();
            JsonNode body = ok(get(ORG_A, "admin", ORG_A, "100", null, cursor));
            page++;
            if (page == 1) {
                assertEquals(List.of("GetItem", "Query"), COUNTER.operations(), "first page: the organization check and one Query");
            } else {
                assertEquals(List.of("Query"), COUNTER.operations(), "page " + page + " must be exactly one Query");
            }
            body.get("data").forEach(all::add);
            sizes.add(body.get("data").size());
            cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
        } while (cursor != null && page < 50);

        assertEquals(10, page, "1,000 entries in pages of 100");
        assertEquals(List.of(100, 100, 100, 100, 100, 100, 100, 100, 100, 100), sizes);
        assertEntriesAre(seededA, all);
    }

    @Test
    void anOddPageSizeStillCoversEveryEntryOnce() {
        List<JsonNode> all = readAll(ORG_A, "37", null);
        assertEntriesAre(seededA, all);
        assertEquals(28, QUERIES.queries.size(), "ceil(1000 / 37) pages, one Query each");
    }

    @Test
    void defaultLimitIs25AndItemsHaveTheContractShape() {
        JsonNode body = ok(get(ORG_A, "member", ORG_A, null, null, null));
        assertEquals(Set.of("data", "nextCursor"), fields(body));
        assertEquals(25, body.get("data").size());
        assertTrue(body.get("nextCursor").isTextual());
        Set<String> sources = new HashSet<>();
        for (JsonNode item : body.get("data")) {
            assertEquals(Set.of("id", "type", "occurredAt", "recordedAt", "actor", "summary", "source"), fields(item));
            sources.add(item.get("source").asText());
        }
        assertEquals(Set.of("workos", "gatekeep"), sources);
        AuditEntry newest = seededA.getFirst();
        JsonNode first = body.get("data").get(0);
        assertEquals(newest.id(), first.get("id").asText());
        assertEquals(newest.type(), first.get("type").asText());
        assertEquals(Times.iso(newest.occurredAt()), first.get("occurredAt").asText());
        assertEquals(newest.actor(), first.get("actor").asText());
        assertEquals(newest.summary(), first.get("summary").asText());
        assertFalse(body.toString().contains("req_"), "the stored request id is not part of the API");
    }

    @Test
    void limitBoundsAreInclusive() {
        assertEquals(1, ok(get(ORG_A, "admin", ORG_A, "1", null, null)).get("data").size());
        assertEquals(100, ok(get(ORG_A, "admin", ORG_A, "100", null, null)).get("data").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "2.5", "abc", "", " 5", "1000", "0x10"})
    void anyOtherLimitIsInvalidRequest(String limit) {
        assertError(get(ORG_A, "admin", ORG_A, limit, null, null), 400, "invalid_request");
        assertEquals(0, COUNTER.total(), "rejected before any read");
    }

    @Test
    void theLastPageEndsWithANullCursorNotAnEmptyExtraPage() {
        // ORG_B holds exactly 30: a page of 30 is the whole log.
        JsonNode body = ok(get(ORG_B, "admin", ORG_B, "30", null, null));
        assertEquals(30, body.get("data").size());
        assertTrue(body.get("nextCursor").isNull());
        JsonNode first = ok(get(ORG_B, "admin", ORG_B, "29", null, null));
        JsonNode last = ok(get(ORG_B, "admin", ORG_B, "29", null, first.get("nextCursor").asText()));
        assertEquals(1, last.get("data").size());
        assertEquals("event_b_0", last.at("/data/0/id").asText());
        assertTrue(last.get("nextCursor").isNull());
    }

    // ---- type filters ----

    @Test
    void typeFilterDsyncDotReturnsExactlyTheDsyncEventsFromTheCategoryIndex() {
        List<JsonNode> all = readAll(ORG_A, "50", "dsync.");
        assertEntriesAre(expected("dsync."), all);
        assertFalse(all.isEmpty());
        for (QueryRequest q : QUERIES.queries) {
            assertEquals(Keys.GSI1, q.indexName());
            assertEquals("AUDIT#" + ORG_A + "#dsync", q.expressionAttributeValues().get(":pk").s());
        }
    }

    @Test
    void typeFilterDsyncUserNarrowsWithinTheCategory() {
        List<JsonNode> all = readAll(ORG_A, "20", "dsync.user");
        List<AuditEntry> expected = expected("dsync.user");
        assertTrue(expected.size() < expected("dsync.").size(), "the test data has dsync events that are not user events");
        assertEntriesAre(expected, all);
        for (QueryRequest q : QUERIES.queries) {
            assertEquals(Keys.GSI1, q.indexName());
            assertEquals("begins_with(#type, :prefix)", q.filterExpression());
            assertEquals("dsync.user", q.expressionAttributeValues().get(":prefix").s());
        }
    }

    @Test
    void aFilterWithoutADotIsTheWholeFamilyWithoutAFilterExpression() {
        List<JsonNode> all = readAll(ORG_A, "100", "connection");
        assertEntriesAre(expected("connection."), all);
        for (QueryRequest q : QUERIES.queries) {
            assertEquals(Keys.GSI1, q.indexName());
            assertNull(q.filterExpression());
        }
    }

    @Test
    void aFilterThatMatchesNothingIsAnEmptyLastPage() {
        JsonNode body = ok(get(ORG_A, "admin", ORG_A, null, "zzz.", null));
        assertEquals(0, body.get("data").size());
        assertTrue(body.get("nextCursor").isNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {"DSYNC.", "dsync user", "dsync*", "dsync-user", "", "dsync.%", "a2345678901234567890123456789012345678901234567890123456789012345"})
    void invalidTypeFiltersAreInvalidRequest(String type) {
        assertError(get(ORG_A, "admin", ORG_A, null, type, null), 400, "invalid_request");
        assertEquals(0, COUNTER.total());
    }

    @Test
    void aTypeFilterOf64CharactersIsAccepted() {
        String type = "a".repeat(64);
        assertEquals(0, ok(get(ORG_A, "admin", ORG_A, null, type, null)).get("data").size());
    }

    // ---- cursors ----

    @Test
    void tamperedCursorsAreRejectedWithoutReading() {
        String cursor = ok(get(ORG_A, "admin", ORG_A, "10", null, null)).get("nextCursor").asText();
        int dot = cursor.indexOf('.');
        String body = cursor.substring(0, dot);
        String signature = cursor.substring(dot + 1);

        List<String> tampered = new ArrayList<>();
        tampered.add(flip(cursor, 3));                           // a byte of the position
        tampered.add(flip(cursor, cursor.length() - 1));         // the last character of the signature
        tampered.add(flip(cursor, dot + 1));                     // the first character of the signature
        tampered.add(body);                                      // no signature
        tampered.add(body + ".");
        tampered.add("." + signature);
        tampered.add(cursor + "A");
        tampered.add(cursor + "." + signature);
        tampered.add("not-a-cursor");
        tampered.add("x".repeat(5_000));
        // A well-formed payload pointing elsewhere, with the old signature.
        String forged = new String(Base64.getUrlDecoder().decode(body), StandardCharsets.UTF_8)
                .replace(seededA.get(9).sortKey(), seededA.get(500).sortKey());
        assertNotEquals(forged, new String(Base64.getUrlDecoder().decode(body), StandardCharsets.UTF_8));
        tampered.add(Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + signature);

        for (String bad : tampered) {
            COUNTER.reset();
            assertError(get(ORG_A, "admin", ORG_A, "10", null, bad), 400, "invalid_cursor");
            assertEquals(0, COUNTER.total(), "a bad cursor must not read anything: " + bad);
        }
        // An empty cursor parameter is not silently the first page either.
        assertError(get(ORG_A, "admin", ORG_A, "10", null, ""), 400, "invalid_cursor");
        // The genuine one still works.
        assertEquals(10, ok(get(ORG_A, "admin", ORG_A, "10", null, cursor)).get("data").size());
    }

    @Test
    void aCursorSignedWithAnotherKeyIsRejected() {
        String foreign = ok(handlerWithKeys("some-other-key").handleRequest(
                event(ORG_A, "admin", ORG_A, "10", null, null), LocalContext.of("audit-events"))).get("nextCursor").asText();
        assertError(get(ORG_A, "admin", ORG_A, "10", null, foreign), 400, "invalid_cursor");
    }

    @Test
    void aCursorFromAnotherOrganizationIsRejected() {
        String fromB = ok(get(ORG_B, "admin", ORG_B, "5", null, null)).get("nextCursor").asText();
        COUNTER.reset();
        assertError(get(ORG_A, "admin", ORG_A, "5", null, fromB), 400, "invalid_cursor");
        assertEquals(0, COUNTER.total());
    }

    @Test
    void aCursorFromAnotherFilterIsRejected() {
        String dsync = ok(get(ORG_A, "admin", ORG_A, "5", "dsync.", null)).get("nextCursor").asText();
        String unfiltered = ok(get(ORG_A, "admin", ORG_A, "5", null, null)).get("nextCursor").asText();
        assertError(get(ORG_A, "admin", ORG_A, "5", null, dsync), 400, "invalid_cursor");
        assertError(get(ORG_A, "admin", ORG_A, "5", "dsync.user", dsync), 400, "invalid_cursor");
        assertError(get(ORG_A, "admin", ORG_A, "5", "dsync.", unfiltered), 400, "invalid_cursor");
        // The same filter and a different page size is fine: the cursor is a position.
        assertEquals(7, ok(get(ORG_A, "admin", ORG_A, "7", "dsync.", dsync)).get("data").size());
    }

    @Test
    void duringAKeyRotationCursorsSignedWithThePreviousKeyStillWork() {
        String old = ok(get(ORG_A, "admin", ORG_A, "10", null, null)).get("nextCursor").asText();
        ApiContract.CheckedHandler rotated = handlerWithKeys("the-new-key," + KEY);
        JsonNode page = ok(rotated.handleRequest(event(ORG_A, "admin", ORG_A, "10", null, old), LocalContext.of("audit-events")));
        assertEquals(seededA.get(10).id(), page.at("/data/0/id").asText());
        ApiContract.CheckedHandler retired = handlerWithKeys("the-new-key");
        assertError(retired.handleRequest(event(ORG_A, "admin", ORG_A, "10", null, old), LocalContext.of("audit-events")),
                400, "invalid_cursor");
    }

    // ---- organizations ----

    @Test
    void anUnknownOrganizationIs404() {
        assertError(get("org_audit_nobody", "admin", "org_audit_nobody", null, null, null), 404, "organization_not_found");
    }

    @Test
    void entriesWithoutAKnownOrganizationAre404() {
        assertError(get(ORG_NO_ITEM, "admin", ORG_NO_ITEM, null, null, null), 404, "organization_not_found");
        assertError(get(ORG_DELETED, "owner", ORG_DELETED, null, null, null), 404, "organization_not_found");
    }

    @Test
    void aKnownOrganizationWithoutEntriesIsAnEmptyLog() {
        JsonNode body = ok(get(ORG_EMPTY, "admin", ORG_EMPTY, null, null, null));
        assertEquals(0, body.get("data").size());
        assertTrue(body.get("nextCursor").isNull());
    }

    // ---- who may read ----

    @ParameterizedTest
    @ValueSource(strings = {"owner", "admin", "member"})
    void ownersAdminsAndMembersReadTheirOwnLog(String role) {
        assertEquals(25, ok(get(ORG_A, role, ORG_A, null, null, null)).get("data").size());
    }

    @Test
    void anotherOrganizationsLogIsForbidden() {
        assertError(get(ORG_A, "owner", ORG_B, null, null, null), 403, "forbidden");
        assertEquals(0, COUNTER.total());
    }

    @Test
    void anUnknownRoleIsForbidden() {
        assertError(get(ORG_A, "viewer", ORG_A, null, null, null), 403, "forbidden");
        assertError(get(ORG_A, null, ORG_A, null, null, null), 403, "forbidden");
    }

    @Test
    void noClaimsIs401() {
        var event = ApiEvents.load("audit-events.json").organization(ORG_A).claims(null).build();
        assertError(handler.handleRequest(event, LocalContext.of("audit-events")), 401, "unauthenticated");
    }

    @Test
    void theSampleEventFileWorksAsIs() {
        organization("org_01HACME000000000000000000", false);
        JsonNode body = ok(handler.handleRequest(ApiEvents.load("audit-events.json").build(), LocalContext.of("audit-events")));
        assertTrue(body.get("data").size() <= 25);
        assertTrue(body.get("nextCursor").isNull());
    }

    @Test
    void theFilteredSampleEventFileReadsAMembersDsyncPage() {
        organization("org_01HACME000000000000000000", false);
        write(List.of(
                new AuditEntry("org_01HACME000000000000000000", "event_s1", "dsync.user.created", NOW.minusSeconds(60),
                        "workos", "User created", AuditEntry.Source.WORKOS, null),
                new AuditEntry("org_01HACME000000000000000000", "event_s2", "connection.activated", NOW.minusSeconds(30),
                        "workos", "Connection activated", AuditEntry.Source.WORKOS, null)));
        JsonNode body = ok(handler.handleRequest(ApiEvents.load("audit-events-dsync.json").build(), LocalContext.of("audit-events")));
        assertEquals(1, body.get("data").size());
        assertEquals("event_s1", body.at("/data/0/id").asText());
        assertTrue(body.get("nextCursor").isNull());
    }

    // ---- helpers ----

    private static ApiContract.CheckedHandler handlerWithKeys(String keys) {
        Config config = new Config(Map.of(Config.TABLE_NAME, table, Config.CURSOR_KEY, keys));
        return ApiContract.checked(new AuditEventsHandler(config, handlerClient, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private static List<AuditEntry> expected(String prefix) {
        return seededA.stream().filter(e -> e.type().startsWith(prefix)).toList();
    }

    /** Same entries, same order (strictly newest first), nothing twice, nothing missing. */
    private static void assertEntriesAre(List<AuditEntry> expected, List<JsonNode> actual) {
        List<String> ids = actual.stream().map(n -> n.get("id").asText()).toList();
        assertEquals(ids.size(), new HashSet<>(ids).size(), "an entry came twice");
        assertEquals(expected.stream().map(AuditEntry::id).toList(), ids);
        for (int i = 1; i < actual.size(); i++) {
            String previous = actual.get(i - 1).get("occurredAt").asText() + "#" + actual.get(i - 1).get("id").asText();
            String current = actual.get(i).get("occurredAt").asText() + "#" + actual.get(i).get("id").asText();
            assertTrue(previous.compareTo(current) > 0, "not strictly newest first at " + i);
        }
    }

    private List<JsonNode> readAll(String org, String limit, String type) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode body = ok(get(org, "admin", org, limit, type, cursor));
            body.get("data").forEach(all::add);
            assertTrue(body.get("data").size() <= Integer.parseInt(limit));
            cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
            pages++;
            assertTrue(pages < 2_000, "paging does not end");
        } while (cursor != null);
        assertEquals(pages, QUERIES.queries.size(), "one Query per page");
        return all;
    }

    private static APIGatewayV2HTTPResponse get(String org, String role, String callerOrg, String limit, String type, String cursor) {
        return handler.handleRequest(event(org, role, callerOrg, limit, type, cursor), LocalContext.of("audit-events"));
    }

    private static com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent event(
            String org, String role, String callerOrg, String limit, String type, String cursor) {
        return ApiEvents.load("audit-events.json")
                .organization(org)
                .caller("user_" + role, callerOrg, role, role + "@acme.test")
                .query("limit", limit)
                .query("type", type)
                .query("cursor", cursor)
                .build();
    }

    private static String flip(String text, int index) {
        char c = text.charAt(index);
        char replacement = c == 'A' ? 'B' : 'A';
        return text.substring(0, index) + replacement + text.substring(index + 1);
    }

    private static JsonNode ok(APIGatewayV2HTTPResponse response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = Json.parse(response.getBody());
        assertNotNull(body.get("data"));
        return body;
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String code) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        JsonNode body = Json.parse(response.getBody());
        assertEquals(Set.of("error", "message"), fields(body));
        assertEquals(code, body.get("error").asText());
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void organization(String orgId, boolean deleted) {
        Map<String, AttributeValue> item = new HashMap<>(Attr.key(Keys.orgPk(orgId), Keys.ORG_SK));
        item.put("name", Attr.s("Org " + orgId));
        item.put("itContacts", Attr.strings(List.of()));
        item.put("planSso", Attr.bool(true));
        item.put("createdAt", Attr.s("2026-01-01T00:00:00.000Z"));
        item.put("updatedAt", Attr.s("2026-01-01T00:00:00.000Z"));
        if (deleted) {
            item.put("deleted", Attr.bool(true));
            item.put(Keys.TTL, Attr.n(1_900_000_000L));
        }
        seedClient.putItem(r -> r.tableName(table).item(item));
    }

    /** Audit entries exactly as the writers store them (AuditEntry.toItem), 25 per BatchWriteItem. */
    private static void write(List<AuditEntry> entries) {
        for (int from = 0; from < entries.size(); from += 25) {
            List<WriteRequest> batch = entries.subList(from, Math.min(from + 25, entries.size())).stream()
                    .map(e -> WriteRequest.builder().putRequest(PutRequest.builder().item(e.toItem()).build()).build())
                    .toList();
            Map<String, List<WriteRequest>> pending = Map.of(table, batch);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> round = pending;
                var response = seedClient.batchWriteItem(r -> r.requestItems(round));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    /** Records the Query requests the handler sends, to check the index and filter it uses. */
    static final class QueryCapture implements ExecutionInterceptor {
        final List<QueryRequest> queries = new CopyOnWriteArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof QueryRequest query) {
                queries.add(query);
            }
        }
    }
}
