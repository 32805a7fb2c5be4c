package io.gatekeep.testsupport;

import io.gatekeep.localaws.LocalDynamo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each documented conflict rule (see {@link ConflictFaithfulDynamo}), against DynamoDB Local. A request is
 * kept in flight by holding it inside the underlying client (a gate in front of DynamoDB Local), so the
 * overlap is real, not simulated: the held window is the underlying call itself.
 */
class ConflictFaithfulDynamoTest {
    private static final LocalDynamo LOCAL = LocalDynamo.shared();
    private String table;
    private DynamoDbClient real;
    private Gate gate;
    private ConflictFaithfulDynamo dynamo;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    /** Holds the next call of one operation inside the underlying client until released. */
    private static final class Gate {
        volatile String operation;
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        DynamoDbClient around(DynamoDbClient real) {
            return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals(operation)) {
                            operation = null;
                            inside.countDown();
                            release.await(10, TimeUnit.SECONDS);
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    @BeforeEach
    void setUp() {
        table = LOCAL.createTable();
        real = LOCAL.client();
        gate = new Gate();
        dynamo = new ConflictFaithfulDynamo(gate.around(real));
    }

    @AfterEach
    void tearDown() {
        gate.release.countDown();
        pool.shutdownNow();
        real.close();
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("pk", AttributeValue.fromS("T#" + id), "sk", AttributeValue.fromS("T"));
    }

    private TransactWriteItem put(String id) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(key(id));
        item.put("v", AttributeValue.fromN("1"));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build();
    }

    private TransactWriteItem add(String id) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(id))
                .updateExpression("ADD v :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).build()).build();
    }

    private TransactWriteItem check(String id, String condition) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table).key(key(id))
                .conditionExpression(condition).build()).build();
    }

    private Map<String, AttributeValue> read(String id) {
        Map<String, AttributeValue> item = real.getItem(r -> r.tableName(table).key(key(id)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** Starts a transaction that stays in flight (inside the underlying client) until the gate opens. */
    private Future<?> inFlight(TransactWriteItem... items) throws InterruptedException {
        gate.operation = "transactWriteItems";
        Future<?> running = pool.submit(() -> dynamo.transactWriteItems(r -> r.transactItems(items)));
        assertTrue(gate.inside.await(10, TimeUnit.SECONDS), "the first transaction is in flight");
        return running;
    }

    private static List<String> codes(TransactionCanceledException e) {
        return e.cancellationReasons().stream().map(CancellationReason::code).toList();
    }

    @Test
    void aTransactionWithAnItemOfAnotherInFlightTransactionIsCancelledWithTheReasonOfEachItem() throws Exception {
        Future<?> first = inFlight(put("a"), put("b"));

        var e = assertThrows(TransactionCanceledException.class,
                () -> dynamo.transactWriteItems(r -> r.transactItems(put("c"), add("a"), put("d"))));
        assertEquals(List.of("None", "TransactionConflict", "None"), codes(e), "in request order, None for the items without a reason");
        assertEquals("Transaction is ongoing for the item", e.cancellationReasons().get(1).message());
        assertEquals(400, e.statusCode());
        assertEquals("TransactionCanceledException", e.awsErrorDetails().errorCode());
        assertTrue(e.getMessage().contains("[None, TransactionConflict, None]"), e.getMessage());
        assertNull(read("c"), "nothing of a cancelled transaction is written");

        gate.release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertEquals("1", read("a").get("v").n());
        dynamo.transactWriteItems(r -> r.transactItems(put("c"), add("a"), put("d"))); // the window has closed
        assertEquals("2", read("a").get("v").n());
        assertEquals(new ConflictFaithfulDynamo.Conflicts(1, 0, 0, 1), dynamo.conflicts());
    }

    @Test
    void aConditionCheckHoldsItsItemLikeAWrite() throws Exception {
        Future<?> first = inFlight(check("a", "attribute_not_exists(v)"), put("b"));
        var e = assertThrows(TransactionCanceledException.class,
                () -> dynamo.transactWriteItems(r -> r.transactItems(check("a", "attribute_not_exists(v)"), put("c"))));
        assertEquals(List.of("TransactionConflict", "None"), codes(e));
        gate.release.countDown();
        first.get(10, TimeUnit.SECONDS);
    }

    @Test
    void transactionsWithoutACommonItemRunTogether() throws Exception {
        Future<?> first = inFlight(put("a"));
        dynamo.transactWriteItems(r -> r.transactItems(put("b"), add("c")));
        assertEquals("1", read("b").get("v").n(), "written while the other transaction was still in flight");
        assertNull(read("a"));
        gate.release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertEquals(0, dynamo.conflicts().itemConflicts());
    }

    @Test
    void putUpdateAndDeleteOfAnItemHeldByATransactionFailWithTransactionConflictException() throws Exception {
        real.putItem(r -> r.tableName(table).item(key("x")));
        Future<?> first = inFlight(add("a"), add("x"));

        var put = assertThrows(TransactionConflictException.class, () -> dynamo.putItem(r -> r.tableName(table).item(key("a"))));
        assertEquals(400, put.statusCode());
        assertEquals("TransactionConflictException", put.awsErrorDetails().errorCode());
        assertTrue(put.getMessage().startsWith("Operation was rejected because there is an ongoing transaction for the item"));
        assertThrows(TransactionConflictException.class, () -> dynamo.updateItem(r -> r.tableName(table).key(key("a"))
                .updateExpression("SET w = :w").expressionAttributeValues(Map.of(":w", AttributeValue.fromS("w")))));
        assertThrows(TransactionConflictException.class, () -> dynamo.deleteItem(r -> r.tableName(table).key(key("x"))));
        dynamo.putItem(r -> r.tableName(table).item(key("other"))); // another item: no conflict
        assertTrue(read("other") != null);
        assertTrue(read("x") != null, "the rejected delete did nothing");
        assertEquals(new ConflictFaithfulDynamo.Conflicts(0, 3, 0, 3), dynamo.conflicts());

        gate.release.countDown();
        first.get(10, TimeUnit.SECONDS);
        dynamo.deleteItem(r -> r.tableName(table).key(key("x")));
        assertNull(read("x"));
    }

    @Test
    void aTransactGetOfAnItemBeingWrittenIsCancelledButAGetItemSucceeds() throws Exception {
        real.putItem(r -> r.tableName(table).item(Map.of("pk", key("a").get("pk"), "sk", key("a").get("sk"), "v", AttributeValue.fromN("7"))));
        Future<?> first = inFlight(add("a"));
        TransactGetItem getA = TransactGetItem.builder().get(Get.builder().tableName(table).key(key("a")).build()).build();
        TransactGetItem getB = TransactGetItem.builder().get(Get.builder().tableName(table).key(key("b")).build()).build();
        var e = assertThrows(TransactionCanceledException.class, () -> dynamo.transactGetItems(r -> r.transactItems(getB, getA)));
        assertEquals(List.of("None", "TransactionConflict"), codes(e));
        var item = dynamo.getItem(r -> r.tableName(table).key(key("a")).consistentRead(true)).item();
        assertEquals("7", item.get("v").n(), "GetItem: both operations succeed; it reads the committed item");
        gate.release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertEquals("8", dynamo.transactGetItems(r -> r.transactItems(getA)).responses().get(0).item().get("v").n());
    }

    @Test
    void aTransactGetOfAnItemWithASingleWriteInFlightIsCancelledWhileATransactionWriteIsNot() throws Exception {
        gate.operation = "putItem";
        Future<?> put = pool.submit(() -> dynamo.putItem(r -> r.tableName(table).item(key("p"))));
        assertTrue(gate.inside.await(10, TimeUnit.SECONDS));
        TransactGetItem getP = TransactGetItem.builder().get(Get.builder().tableName(table).key(key("p")).build()).build();
        var e = assertThrows(TransactionCanceledException.class, () -> dynamo.transactGetItems(r -> r.transactItems(getP)));
        assertEquals(List.of("TransactionConflict"), codes(e));
        dynamo.transactWriteItems(r -> r.transactItems(add("p"))); // not one of the documented conflicts
        gate.release.countDown();
        put.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFailedConditionIsStillReportedByDynamoDbAndReleasesTheItems() {
        var e = assertThrows(TransactionCanceledException.class,
                () -> dynamo.transactWriteItems(r -> r.transactItems(put("a"), check("b", "attribute_exists(v)"))));
        assertEquals(List.of("None", "ConditionalCheckFailed"), codes(e));
        dynamo.transactWriteItems(r -> r.transactItems(put("b")));
        dynamo.transactWriteItems(r -> r.transactItems(put("a"), check("b", "attribute_exists(v)")));
        assertEquals(0, dynamo.conflicts().itemConflicts());
    }

    /**
     * The issue's measurement: DynamoDB Local alone serialises 8 threads updating one item (no conflict
     * ever); through this client the same load meets conflicts, and the item counts exactly the
     * transactions that succeeded.
     */
    @Test
    void dynamoDbLocalAloneNeverConflictsButThroughThisClientAHotItemDoes() throws Exception {
        assertEquals(0, hammer(real), "DynamoDB Local serialises transactions: no conflict");
        assertEquals("120", read("hot").get("v").n());

        ConflictFaithfulDynamo faithful = new ConflictFaithfulDynamo(real, Duration.ofMillis(2));
        int cancelled = hammer(faithful);
        assertTrue(cancelled > 0, "conflicts on the hot item");
        assertEquals(cancelled, faithful.conflicts().transactionsCancelled());
        assertEquals(Integer.toString(240 - cancelled), read("hot").get("v").n(), "only the committed transactions counted");
    }

    /** 8 threads x 15 transactions, each adding 1 to one item and writing an item of its own; returns the cancellations. */
    private int hammer(DynamoDbClient client) throws Exception {
        AtomicInteger cancelled = new AtomicInteger();
        List<Future<?>> threads = new ArrayList<>();
        String run = Integer.toString(System.identityHashCode(client));
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(pool.submit(() -> {
                for (int i = 0; i < 15; i++) {
                    String own = run + "-" + thread + "-" + i;
                    try {
                        client.transactWriteItems(r -> r.transactItems(add("hot"), put(own)));
                    } catch (TransactionCanceledException e) {
                        assertEquals(List.of("TransactionConflict", "None"), codes(e));
                        cancelled.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : threads) {
            f.get(60, TimeUnit.SECONDS);
        }
        return cancelled.get();
    }
}
