package io.gatekeep.shared.audit;

import io.gatekeep.shared.Ids;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One line of an organization's audit log: a WorkOS event (source {@code workos}, id = the event
 * id) or one of the product's own actions (source {@code gatekeep}: portal link issued, IT
 * contacts or plan changed, reconcile, replay). Never holds a link, token or secret.
 *
 * <p>The log is ordered by {@code recordedAt}, Gatekeep's own clock when it wrote the entry (the sort
 * key), never by a sender's clock: an event stamped in the future cannot sit on top of the log.
 * {@code occurredAt} is when it happened: WorkOS's {@code created_at} for its events (which still
 * decides which update of an object is newer, in the projection), the same as {@code recordedAt} for
 * Gatekeep's own actions. Entries written before {@code recordedAt} existed have the time of their
 * sort key, which was {@code occurredAt}.
 */
public record AuditEntry(
        String organizationId,
        String id,
        String type,
        Instant occurredAt,
        Instant recordedAt,
        String actor,
        String summary,
        Source source,
        String requestId) {

    /** One of Gatekeep's own actions: it happens when it is recorded. */
    public AuditEntry(String organizationId, String id, String type, Instant occurredAt, String actor, String summary,
                      Source source, String requestId) {
        this(organizationId, id, type, occurredAt, occurredAt, actor, summary, source, requestId);
    }

    public enum Source {
        WORKOS, GATEKEEP;

        public String wireName() {
            return this == WORKOS ? "workos" : "gatekeep";
        }

        public static Source of(String wire) {
            return "workos".equals(wire) ? WORKOS : GATEKEEP;
        }
    }

    /**
     * One of Gatekeep's own actions (a portal link, a settings change, an operator action): a new id
     * that sorts by time, source {@code gatekeep}. {@code requestId}: what it came from, for tracing (never
     * shown by the API): the API Gateway or Lambda request, or for an attention notice the notice's id; null
     * when there is none.
     */
    public static AuditEntry gatekeep(String organizationId, String type, Instant at, String actor, String summary,
                                      String requestId) {
        return new AuditEntry(organizationId, Ids.newId("audit", at), type, at, actor, summary, Source.GATEKEEP, requestId);
    }

    public String sortKey() {
        return Keys.auditSk(Times.iso(recordedAt), id);
    }

    public Map<String, AttributeValue> toItem() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Keys.PK, Attr.s(Keys.auditPk(organizationId)));
        item.put(Keys.SK, Attr.s(sortKey()));
        item.put(Keys.GSI1_PK, Attr.s(Keys.auditCategoryPk(organizationId, type)));
        item.put(Keys.GSI1_SK, Attr.s(sortKey()));
        item.put("id", Attr.s(id));
        item.put("type", Attr.s(type));
        item.put("occurredAt", Attr.s(Times.iso(occurredAt)));
        item.put("recordedAt", Attr.s(Times.iso(recordedAt)));
        item.put("actor", Attr.s(actor));
        item.put("summary", Attr.s(summary));
        item.put("source", Attr.s(source.wireName()));
        if (requestId != null) {
            item.put("requestId", Attr.s(requestId));
        }
        return item;
    }

    public static AuditEntry fromItem(Map<String, AttributeValue> item) {
        String pk = Attr.str(item, Keys.PK);
        Instant occurredAt = Instant.parse(Attr.str(item, "occurredAt"));
        String recorded = Attr.str(item, "recordedAt");
        return new AuditEntry(
                pk.substring("AUDIT#".length()),
                Attr.str(item, "id"),
                Attr.str(item, "type"),
                occurredAt,
                recorded != null ? Instant.parse(recorded) : occurredAt, // an old entry: its sort key held occurredAt
                Attr.str(item, "actor"),
                Attr.str(item, "summary"),
                Source.of(Attr.str(item, "source")),
                Attr.str(item, "requestId"));
    }
}
