package io.gatekeep.testsupport;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbServiceClientConfiguration;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A DynamoDB client that raises transaction conflicts as DynamoDB does, around a real client (DynamoDB
 * Local on loopback, which serialises every request and never reports a conflict). The rules are AWS's,
 * from "Transaction conflict handling in DynamoDB"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-conflict-handling):
 * <ol>
 * <li>"A PutItem, UpdateItem, or DeleteItem request for an item conflicts with an ongoing TransactWriteItems
 *     request that includes the same item": the single write fails with {@link TransactionConflictException}
 *     ("Operation was rejected because there is an ongoing transaction for the item", HTTP 400: the
 *     PutItem/UpdateItem/DeleteItem API references' error list).</li>
 * <li>"An item within a TransactWriteItems request is part of another ongoing TransactWriteItems request":
 *     the request fails with {@link TransactionCanceledException}, whose CancellationReasons are "ordered
 *     according to the list of items in the TransactItems request parameter"; per the TransactWriteItems API
 *     reference (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html)
 *     a conflicting item's reason is {@code TransactionConflict} ("Transaction is ongoing for the item") and
 *     an item with nothing wrong is {@code None}. Every action counts, a ConditionCheck included: the
 *     rule names the item, not the action. The SDKs do not retry it.</li>
 * <li>"An item within a TransactGetItems request is part of an ongoing TransactWriteItems, BatchWriteItem,
 *     PutItem, UpdateItem, or DeleteItem request": TransactionCanceledException as above
 *     (API_TransactGetItems: "A conflicting operation is in the process of updating an item to be read").</li>
 * <li>"If an ongoing TransactWriteItems or TransactGetItems operation conflicts with a concurrent GetItem
 *     request, both operations can succeed": GetItem, Query, Scan and BatchGetItem pass through.</li>
 * </ol>
 * Not modelled: which of two colliding transactions DynamoDB cancels (here always the later one; AWS may
 * cancel either), and conflicts with an in-flight single write for TransactWriteItems (not in the rules).
 *
 * <p>The held window is real: a TransactWriteItems holds its items from before the underlying call until it
 * returns, so whatever overlaps that call in time conflicts. DynamoDB Local answers a transaction on
 * loopback in a millisecond or two; in AWS a transaction takes ~10-25 ms from the client (a network round
 * trip plus its two-phase commit across storage nodes), and its items are held for that commit. With the
 * window ten times shorter, a burst would meet ten times fewer conflicts than it does in AWS, so
 * {@code holdDelay} widens the window (the transaction waits, holding its items, before it is sent).
 */
public final class ConflictFaithfulDynamo implements DynamoDbClient {
    private record ItemKey(String table, Map<String, AttributeValue> key) {}

    /** The service's side: what is in flight, and what was refused (shared by every client of one DynamoDB). */
    private static final class Service {
        final Map<String, List<String>> keySchemas = new ConcurrentHashMap<>();
        /** Items of in-flight transactions (TransactWriteItems) and of in-flight single and batch writes. */
        final Map<ItemKey, Integer> transactionHeld = new HashMap<>();
        final Map<ItemKey, Integer> writeHeld = new HashMap<>();
        final AtomicLong transactionsCancelled = new AtomicLong();
        final AtomicLong writesRejected = new AtomicLong();
        final AtomicLong readsCancelled = new AtomicLong();
        final AtomicLong itemConflicts = new AtomicLong();
        final Map<String, AtomicLong> conflictsByKind = new ConcurrentHashMap<>();
    }

    private final DynamoDbClient delegate;
    private final Duration holdDelay;
    private final Service service;
    private final Map<ItemKey, Integer> transactionHeld;
    private final Map<ItemKey, Integer> writeHeld;
    private final AtomicLong transactionsCancelled;
    private final AtomicLong writesRejected;
    private final AtomicLong readsCancelled;
    private final AtomicLong itemConflicts;

    public ConflictFaithfulDynamo(DynamoDbClient delegate, Duration holdDelay) {
        this(delegate, holdDelay, new Service());
    }

    private ConflictFaithfulDynamo(DynamoDbClient delegate, Duration holdDelay, Service service) {
        this.delegate = delegate;
        this.holdDelay = holdDelay;
        this.service = service;
        this.transactionHeld = service.transactionHeld;
        this.writeHeld = service.writeHeld;
        this.transactionsCancelled = service.transactionsCancelled;
        this.writesRejected = service.writesRejected;
        this.readsCancelled = service.readsCancelled;
        this.itemConflicts = service.itemConflicts;
    }

    /**
     * Another client of the same DynamoDB (as another Lambda instance has its own): its requests meet this
     * one's in-flight transactions and the other way round; the conflict counts are shared.
     */
    public ConflictFaithfulDynamo otherClient(DynamoDbClient otherDelegate) {
        return new ConflictFaithfulDynamo(otherDelegate, holdDelay, service);
    }

    public ConflictFaithfulDynamo(DynamoDbClient delegate) {
        this(delegate, Duration.ZERO);
    }

    /** What was refused for a conflict so far. {@code itemConflicts}: AWS's TransactionConflict metric (one per item-level failure). */
    public record Conflicts(long transactionsCancelled, long writesRejected, long readsCancelled, long itemConflicts) {}

    public Conflicts conflicts() {
        return new Conflicts(transactionsCancelled.get(), writesRejected.get(), readsCancelled.get(), itemConflicts.get());
    }

    /** Items held right now by in-flight transactions. */
    public int itemsHeld() {
        synchronized (service) {
            return transactionHeld.size();
        }
    }

    /**
     * Item-level conflicts by kind of item: each key attribute's value up to its first {@code #}, joined by
     * {@code /} in key-name order (e.g. {@code ORG/DIR} for a directory item {@code ORG#o / DIR#d}; {@code *} for a
     * value that starts with a digit, such as a time): where a burst collides.
     */
    public Map<String, Long> conflictsByKind() {
        Map<String, Long> kinds = new java.util.TreeMap<>();
        service.conflictsByKind.forEach((kind, n) -> kinds.put(kind, n.get()));
        return kinds;
    }

    private void tally(ItemKey key) {
        itemConflicts.incrementAndGet();
        String kind = new java.util.TreeMap<>(key.key()).values().stream()
                .map(v -> v.s() == null || v.s().isEmpty() || Character.isDigit(v.s().charAt(0)) ? "*" : v.s().split("#", 2)[0])
                .reduce((a, b) -> a + "/" + b).orElse("?");
        service.conflictsByKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    // ------------------------------------------------------------------ transactions

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        List<ItemKey> keys = request.transactItems().stream().map(this::keyOf).toList();
        synchronized (service) {
            List<Boolean> conflicting = keys.stream().map(transactionHeld::containsKey).toList();
            if (conflicting.contains(true)) {
                transactionsCancelled.incrementAndGet();
                throw cancelled(keys, conflicting);
            }
            keys.forEach(k -> transactionHeld.merge(k, 1, Integer::sum));
        }
        try {
            pause(holdDelay);
            return delegate.transactWriteItems(request);
        } finally {
            release(transactionHeld, keys);
        }
    }

    @Override
    public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest request) {
        List<ItemKey> keys = new ArrayList<>();
        for (TransactGetItem item : request.transactItems()) {
            keys.add(new ItemKey(item.get().tableName(), item.get().key()));
        }
        synchronized (service) {
            List<Boolean> conflicting = keys.stream().map(k -> transactionHeld.containsKey(k) || writeHeld.containsKey(k)).toList();
            if (conflicting.contains(true)) {
                readsCancelled.incrementAndGet();
                throw cancelled(keys, conflicting);
            }
        }
        return delegate.transactGetItems(request);
    }

    private TransactionCanceledException cancelled(List<ItemKey> keys, List<Boolean> conflicting) {
        List<CancellationReason> reasons = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < conflicting.size(); i++) {
            if (conflicting.get(i)) {
                tally(keys.get(i));
                reasons.add(CancellationReason.builder().code("TransactionConflict").message("Transaction is ongoing for the item").build());
                codes.add("TransactionConflict");
            } else {
                reasons.add(CancellationReason.builder().code("None").build());
                codes.add("None");
            }
        }
        String message = "Transaction cancelled, please refer cancellation reasons for specific reasons " + codes;
        return (TransactionCanceledException) TransactionCanceledException.builder()
                .message(message)
                .cancellationReasons(reasons)
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("TransactionCanceledException").errorMessage(message)
                        .serviceName("DynamoDb").build())
                .build();
    }

    // ------------------------------------------------------------------ single and batch writes

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return singleWrite(new ItemKey(request.tableName(), keyOf(request.tableName(), request.item())), () -> delegate.putItem(request));
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return singleWrite(new ItemKey(request.tableName(), request.key()), () -> delegate.updateItem(request));
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        return singleWrite(new ItemKey(request.tableName(), request.key()), () -> delegate.deleteItem(request));
    }

    private <T> T singleWrite(ItemKey key, Supplier<T> call) {
        synchronized (service) {
            if (transactionHeld.containsKey(key)) {
                writesRejected.incrementAndGet();
                tally(key);
                String message = "Operation was rejected because there is an ongoing transaction for the item.";
                throw (TransactionConflictException) TransactionConflictException.builder().message(message).statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("TransactionConflictException").errorMessage(message)
                                .serviceName("DynamoDb").build())
                        .build();
            }
            writeHeld.merge(key, 1, Integer::sum);
        }
        try {
            return call.get();
        } finally {
            release(writeHeld, List.of(key));
        }
    }

    /** A batch write is no conflict for a transaction (not in the rules), but a TransactGetItems of its items is. */
    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
        List<ItemKey> keys = new ArrayList<>();
        request.requestItems().forEach((table, writes) -> {
            for (WriteRequest w : writes) {
                keys.add(new ItemKey(table, w.putRequest() != null ? keyOf(table, w.putRequest().item()) : w.deleteRequest().key()));
            }
        });
        synchronized (service) {
            keys.forEach(k -> writeHeld.merge(k, 1, Integer::sum));
        }
        try {
            return delegate.batchWriteItem(request);
        } finally {
            release(writeHeld, keys);
        }
    }

    private void release(Map<ItemKey, Integer> held, List<ItemKey> keys) {
        synchronized (service) {
            keys.forEach(k -> held.computeIfPresent(k, (key, n) -> n == 1 ? null : n - 1));
        }
    }

    // ------------------------------------------------------------------ keys

    private ItemKey keyOf(TransactWriteItem item) {
        if (item.put() != null) {
            return new ItemKey(item.put().tableName(), keyOf(item.put().tableName(), item.put().item()));
        }
        if (item.update() != null) {
            return new ItemKey(item.update().tableName(), item.update().key());
        }
        if (item.delete() != null) {
            return new ItemKey(item.delete().tableName(), item.delete().key());
        }
        return new ItemKey(item.conditionCheck().tableName(), item.conditionCheck().key());
    }

    /** The key attributes of a whole item, from the table's key schema (read once per table). */
    private Map<String, AttributeValue> keyOf(String table, Map<String, AttributeValue> item) {
        List<String> names = service.keySchemas.computeIfAbsent(table, t -> delegate.describeTable(r -> r.tableName(t)).table()
                .keySchema().stream().map(KeySchemaElement::attributeName).toList());
        Map<String, AttributeValue> key = new HashMap<>();
        for (String name : names) {
            key.put(name, item.get(name));
        }
        return key;
    }

    private static void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ pass-through

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return delegate.getItem(request);
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        return delegate.batchGetItem(request);
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return delegate.query(request);
    }

    @Override
    public ScanResponse scan(ScanRequest request) {
        return delegate.scan(request);
    }

    @Override
    public DescribeTableResponse describeTable(DescribeTableRequest request) {
        DescribeTableResponse response = delegate.describeTable(request);
        service.keySchemas.putIfAbsent(request.tableName(),
                response.table().keySchema().stream().map(KeySchemaElement::attributeName).toList());
        return response;
    }

    @Override
    public CreateTableResponse createTable(CreateTableRequest request) {
        return delegate.createTable(request);
    }

    @Override
    public DynamoDbServiceClientConfiguration serviceClientConfiguration() {
        return delegate.serviceClientConfiguration();
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
