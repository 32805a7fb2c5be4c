package io.gatekeep.notices;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.gatekeep.shared.Ids;
import io.gatekeep.shared.attention.Attention;
import io.gatekeep.shared.attention.Conditions;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.table.Dynamo;
import io.gatekeep.shared.table.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The notices function. Three ways in:
 * <ul>
 *   <li>the table's DynamoDB stream (keys only, filtered in template.yaml): a connection, directory or
 *   domain item changed, so its organization's attention items are refreshed ({@link Attention});
 *   a notice was written to the outbox, so it is delivered ({@link Delivery}). A record that fails is
 *   reported as a batch item failure: Lambda retries from it.</li>
 *   <li>the schedule (every 5 minutes): organizations whose attention clock is due are refreshed
 *   (certificate stages, stalled setup, reminders: what time alone changes), and notices still in the
 *   outbox after a minute are delivered (the stream's retries ran out, or it was down).</li>
 *   <li>{@code {"organizationId": "org_..."}} (an operator, the sweep, the local runner): refresh that
 *   organization now and deliver what it opened, reminded or resolved.</li>
 * </ul>
 */
public final class NoticesHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(NoticesHandler.class);
    static final int PENDING_PER_RUN = 100;
    /** Failed SSO sign-ins through one connection in one clock hour that open an item (template: SsoFailureThreshold). */
    static final String SSO_FAILURE_THRESHOLD = "SSO_FAILURE_THRESHOLD";
    /** Organizations whose attention clock is due, per scheduled run (the rest are due at the next run). */
    static final int DUE_PER_RUN = 200;

    private final Attention attention;
    private final Delivery delivery;

    public NoticesHandler() {
        this(Config.fromEnvironment());
    }

    private NoticesHandler(Config config) {
        this(config, Dynamo.client(config), Channels.of(config), Clock.systemUTC());
        NoticesPriming.register(config);
    }

    /** The local runner's and the tests' way in: the channels from configuration (endpoints included). */
    public NoticesHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this(config, dynamo, Channels.of(config), clock);
    }

    NoticesHandler(Config config, DynamoDbClient dynamo, Channels channels, Clock clock) {
        this.attention = new Attention(dynamo, config.tableName(), clock,
                config.getInt(SSO_FAILURE_THRESHOLD, Conditions.DEFAULT_SIGN_IN_FAILURE_THRESHOLD));
        this.delivery = new Delivery(dynamo, config.tableName(), channels, clock);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        if (context == null) {
            return run(event);
        }
        return PowertoolsLogging.withLogging(context, () -> run(event));
    }

    private Map<String, Object> run(Map<String, Object> event) {
        Map<String, Object> report = new LinkedHashMap<>();
        Object records = event == null ? null : event.get("Records");
        if (records instanceof List<?> list) {
            return stream(list);
        }
        Object organizationId = event == null ? null : event.get("organizationId");
        if (organizationId != null) {
            if (!(organizationId instanceof String id) || !Ids.isWorkOsId(id)) {
                report.put("error", "invalid_event");
                report.put("message", "\"organizationId\" must be an organization id (org_...).");
                return report;
            }
            Attention.Result result = attention.refresh(id);
            List<String> delivered = new ArrayList<>();
            result.notices().forEach(n -> {
                if (delivery.deliver(n.sortKey()) == Delivery.Result.DELIVERED) {
                    delivered.add(n.noticeId());
                }
            });
            report.put("organizationId", id);
            report.put("notices", result.notices().stream().map(n -> Map.of("noticeId", n.noticeId(),
                    "transition", n.transition().wire(), "kind", n.item().kind().wire(), "title", n.item().title())).toList());
            report.put("updated", result.updated());
            report.put("delivered", delivered);
            return report;
        }
        List<String> refreshed = attention.refreshDue(DUE_PER_RUN);
        List<String> delivered = delivery.deliverPending(PENDING_PER_RUN);
        if (!delivered.isEmpty() || !refreshed.isEmpty()) {
            LOG.info("schedule: {} organizations due refreshed, {} pending notices delivered", refreshed.size(), delivered.size());
        }
        report.put("refreshed", refreshed);
        report.put("delivered", delivered);
        return report;
    }

    /**
     * A batch of stream records (keys only). Organizations are refreshed once per batch, at the
     * position of their first record; a failure reports that record's sequence number, and Lambda
     * sends the batch again from there (what was done before it is done, and doing it again is a no-op).
     */
    private Map<String, Object> stream(List<?> records) {
        Set<String> refreshed = new LinkedHashSet<>();
        for (Object r : records) {
            Record record = Record.of(r);
            if (record == null) {
                continue;
            }
            try {
                if (record.pk().equals(Keys.OUTBOX_PK)) {
                    if ("INSERT".equals(record.eventName())) {
                        delivery.deliver(record.sk());
                    }
                } else if (record.organizationId() != null && refreshed.add(record.organizationId())) {
                    attention.refresh(record.organizationId());
                }
            } catch (RuntimeException e) {
                LOG.warn("stream record {} failed ({}): Lambda retries from it", record.sequenceNumber(), e.getClass().getSimpleName());
                return Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", record.sequenceNumber())));
            }
        }
        return Map.of("batchItemFailures", List.of());
    }

    /** What a keys-only stream record says: event name, sequence number, the item's keys. */
    record Record(String eventName, String sequenceNumber, String pk, String sk) {
        @SuppressWarnings("unchecked")
        static Record of(Object raw) {
            if (!(raw instanceof Map<?, ?> record) || !(record.get("dynamodb") instanceof Map<?, ?> dynamodb)
                    || !(dynamodb.get("Keys") instanceof Map<?, ?> keys)) {
                return null;
            }
            String pk = string(keys.get(Keys.PK));
            String sk = string(keys.get(Keys.SK));
            if (pk == null || sk == null) {
                return null;
            }
            return new Record(String.valueOf(record.get("eventName")), String.valueOf(dynamodb.get("SequenceNumber")), pk, sk);
        }

        private static String string(Object attribute) {
            return attribute instanceof Map<?, ?> m && m.get("S") instanceof String s ? s : null;
        }

        /** The organization whose facts changed: its organization, connection, directory or domain item, or a failure count. */
        String organizationId() {
            if (!pk.startsWith("ORG#") || sk.startsWith(Keys.ATTENTION_PREFIX)) {
                return null;
            }
            return sk.equals(Keys.ORG_SK) || sk.startsWith(Keys.CONNECTION_PREFIX) || sk.startsWith(Keys.DIRECTORY_PREFIX)
                    || sk.startsWith(Keys.DOMAIN_PREFIX) || sk.startsWith(Keys.SIGN_IN_FAILURES_PREFIX)
                    ? pk.substring("ORG#".length()) : null;
        }
    }
}
