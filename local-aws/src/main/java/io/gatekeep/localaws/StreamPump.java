package io.gatekeep.localaws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What Lambda's DynamoDB event source mapping does, against DynamoDB Local's stream of a table:
 * reads each shard's new records in order and hands them to a function as the JSON event Lambda
 * sends ({@code {"Records": [{"eventName", "dynamodb": {"Keys", "SequenceNumber"}, ...}]}}), in
 * batches. A batch whose answer names a failed record ({@code batchItemFailures}) is sent again from
 * that record on the next {@link #drain}, as Lambda does. Used by tests and the local runner.
 */
public final class StreamPump implements AutoCloseable {
    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final Map<String, String> iterators = new HashMap<>();
    /** Records read but not yet taken by the function (a failure leaves the rest here). */
    private final List<Map<String, Object>> pending = new ArrayList<>();
    private final int batchSize;

    public StreamPump(LocalDynamo dynamo, String table, int batchSize) {
        this.streams = DynamoDbStreamsClient.builder().endpointOverride(dynamo.endpoint())
                .region(Region.of(LocalDynamo.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        try (var client = dynamo.client()) {
            this.streamArn = client.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        }
        if (streamArn == null) {
            throw new IllegalStateException("table " + table + " has no stream (template.yaml's StreamSpecification)");
        }
        this.batchSize = batchSize;
        read(); // start from now: LATEST, as the template's event source does
        pending.clear();
    }

    /**
     * Reads every new record and passes them to {@code function} in batches until none is left or a
     * batch reports a failure; returns the number of records the function took.
     */
    public synchronized int drain(Function<Map<String, Object>, Map<String, Object>> function) {
        read();
        int taken = 0;
        while (!pending.isEmpty()) {
            List<Map<String, Object>> batch = new ArrayList<>(pending.subList(0, Math.min(batchSize, pending.size())));
            Map<String, Object> answer = function.apply(Map.of("Records", batch));
            String failed = failedSequenceNumber(answer);
            if (failed != null) {
                int at = indexOf(batch, failed);
                pending.subList(0, Math.max(at, 0)).clear();
                return taken + Math.max(at, 0);
            }
            pending.subList(0, batch.size()).clear();
            taken += batch.size();
            read();
        }
        return taken;
    }

    private void read() {
        for (Shard shard : streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
            String iterator = iterators.computeIfAbsent(shard.shardId(), id -> streams.getShardIterator(b -> b
                    .streamArn(streamArn).shardId(id).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator());
            while (iterator != null) {
                GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(iterators.get(shard.shardId())));
                page.records().forEach(r -> pending.add(lambdaRecord(r)));
                iterator = page.nextShardIterator();
                if (iterator != null) {
                    iterators.put(shard.shardId(), iterator);
                }
                if (page.records().isEmpty()) {
                    break;
                }
            }
        }
    }

    private Map<String, Object> lambdaRecord(Record record) {
        Map<String, Object> dynamodb = new LinkedHashMap<>();
        dynamodb.put("Keys", attributes(record.dynamodb().keys()));
        dynamodb.put("SequenceNumber", record.dynamodb().sequenceNumber());
        dynamodb.put("SizeBytes", record.dynamodb().sizeBytes());
        dynamodb.put("StreamViewType", record.dynamodb().streamViewTypeAsString());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("eventID", record.eventID());
        out.put("eventName", record.eventNameAsString());
        out.put("eventVersion", record.eventVersion());
        out.put("eventSource", "aws:dynamodb");
        out.put("awsRegion", LocalDynamo.REGION);
        out.put("dynamodb", dynamodb);
        out.put("eventSourceARN", streamArn);
        return out;
    }

    private static Map<String, Object> attributes(Map<String, AttributeValue> keys) {
        Map<String, Object> out = new LinkedHashMap<>();
        keys.forEach((name, value) -> out.put(name, value.s() != null ? Map.of("S", value.s()) : Map.of("N", value.n())));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String failedSequenceNumber(Map<String, Object> answer) {
        if (answer != null && answer.get("batchItemFailures") instanceof List<?> failures && !failures.isEmpty()) {
            return String.valueOf(((Map<String, Object>) failures.get(0)).get("itemIdentifier"));
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static int indexOf(List<Map<String, Object>> batch, String sequenceNumber) {
        for (int i = 0; i < batch.size(); i++) {
            if (sequenceNumber.equals(((Map<String, Object>) batch.get(i).get("dynamodb")).get("SequenceNumber"))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        streams.close();
    }
}
