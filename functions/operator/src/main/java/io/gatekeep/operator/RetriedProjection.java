package io.gatekeep.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.projection.ApplyOutcome;
import io.gatekeep.shared.projection.Change;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.projection.WorkOsEvent;
import io.gatekeep.shared.projection.WorkOsObjectType;

import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The shared {@link Projection} as the operator uses it, each write retried (up to three tries: a write
 * that lost a race to a webhook is simply tried again): the same code the webhook function applies
 * events with, so that onboard, reconcile, replay and the sweep write exactly what a webhook would
 * (same items, same updated_at/tombstone/counter rules, same exactly-once markers). Plus the batch
 * read of which events are already applied, and objects by {@link WorkOsObjectType} as WorkOS lists them.
 */
final class RetriedProjection {
    private static final int ATTEMPTS = 3;

    private final Projection projection;
    private final DynamoDbClient dynamo;
    private final String table;

    RetriedProjection(Env env) {
        this.projection = new Projection(env.dynamo(), env.table(), env.clock());
        this.dynamo = env.dynamo();
        this.table = env.table();
    }

    /** One event (an Events API item or a dead letter's verified body), exactly once. */
    ApplyOutcome apply(JsonNode event) {
        WorkOsEvent parsed = WorkOsEvent.of(event);
        return retried(() -> projection.apply(parsed));
    }

    /**
     * The events among these (at most 100) whose exactly-once marker exists: applied before, by a
     * webhook or an earlier run. One BatchGetItem instead of one cancelled transaction per event;
     * the marker's condition still guards every event that is applied.
     */
    Set<String> alreadyApplied(List<String> eventIds) {
        Set<String> found = new HashSet<>();
        List<Map<String, AttributeValue>> keys = eventIds.stream().filter(Objects::nonNull).distinct()
                .map(id -> Attr.key(Keys.eventPk(id), Keys.EVENT_SK)).toList();
        if (keys.isEmpty()) {
            return found;
        }
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                .keys(keys).projectionExpression("pk").consistentRead(true).build());
        for (int attempt = 0; !request.isEmpty() && attempt < 5; attempt++) {
            Map<String, KeysAndAttributes> ask = request;
            BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(ask));
            response.responses().getOrDefault(table, List.of())
                    .forEach(item -> found.add(Attr.str(item, Keys.PK).substring("EVENT#".length())));
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return found; // keys left unprocessed are simply applied: the marker decides
    }

    /** An object as a WorkOS list or get call returns it. */
    Change upsert(WorkOsObjectType type, JsonNode wire) {
        return retried(() -> switch (type) {
            case ORGANIZATION -> projection.upsertOrganization(wire);
            case DOMAIN -> projection.upsertDomain(wire);
            case CONNECTION -> projection.upsertConnection(wire);
            case DIRECTORY -> projection.upsertDirectory(wire);
            case USER -> projection.upsertUser(wire);
            case GROUP -> projection.upsertGroup(wire);
        });
    }

    /** A tombstone for an object WorkOS no longer has, as of {@code at} (when that was seen). */
    Change delete(WorkOsObjectType type, String organizationId, String directoryId, String id, Instant at) {
        return retried(() -> switch (type) {
            case ORGANIZATION -> projection.deleteOrganization(id, at);
            case DOMAIN -> projection.deleteDomain(organizationId, id, at);
            case CONNECTION -> projection.deleteConnection(organizationId, id, at);
            case DIRECTORY -> projection.deleteDirectory(organizationId, id, at);
            case USER -> projection.deleteUser(organizationId, directoryId, id, at);
            case GROUP -> projection.deleteGroup(organizationId, directoryId, id, at);
        });
    }

    Change membership(String directoryId, String userId, String groupId, boolean member, Instant at) {
        return retried(() -> projection.setMembership(directoryId, userId, groupId, member, at));
    }

    /** An organization as WorkOS returns it, with its domains, as the projection stores them. */
    Counts storeOrganization(JsonNode organization) {
        Counts counts = new Counts();
        counts.add(upsert(WorkOsObjectType.ORGANIZATION, organization));
        JsonNode domains = organization.get("domains");
        if (domains != null && domains.isArray()) {
            for (JsonNode domain : domains) {
                counts.add(upsert(WorkOsObjectType.DOMAIN, domain));
            }
        }
        return counts;
    }

    /**
     * Every projection write is idempotent, so one that lost a race (a webhook wrote the same item
     * between the projection's read of a cancellation and its second transaction) is simply tried
     * again; the third try sees the item as it now is. A store that keeps failing still throws.
     */
    private static <T> T retried(Supplier<T> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (StoreUnavailableException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
