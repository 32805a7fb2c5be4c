package io.gatekeep.shared.attention;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A notice waiting in the outbox ({@code OUTBOX}, {@code {occurredAt}#{noticeId}}): written in the
 * same transaction as the attention item's transition, so a transition and its notice exist
 * together or not at all, and deleted once it has been delivered (an EventBridge event, and an
 * email to the IT contacts when email is on). {@code noticeId} is the organization, kind, subject
 * and the item's version after the transition: the same for every delivery attempt of this notice,
 * so consumers can drop a repeat. The item is the attention item as the transition left it.
 */
public record Notice(String noticeId, Transition transition, String occurredAt, String organizationName,
                     List<String> itContacts, AttentionItem item, String eventSentAt, String emailSentAt) {

    /** The notices: a condition opened, is still open at a reminder, or resolved. */
    public enum Transition {
        OPENED("opened", "Identity attention opened"),
        REMINDER("reminder", "Identity attention reminder"),
        RESOLVED("resolved", "Identity attention resolved");

        private final String wire;
        private final String detailType;

        Transition(String wire, String detailType) {
            this.wire = wire;
            this.detailType = detailType;
        }

        public String wire() {
            return wire;
        }

        /** The EventBridge {@code detail-type} (README: "Attention notices"). */
        public String detailType() {
            return detailType;
        }

        public static Transition of(String wire) {
            for (Transition t : values()) {
                if (t.wire.equals(wire)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown transition " + wire);
        }
    }

    /** The EventBridge {@code source} of every notice. */
    public static final String SOURCE = "gatekeep.identity";
    /** The version of the {@code detail} schema below (README). */
    public static final String SCHEMA_VERSION = "1";

    public static String noticeId(AttentionItem after) {
        return after.organizationId() + "/" + after.kind().wire() + "/" + after.subjectId() + "/" + after.version();
    }

    public String sortKey() {
        return Keys.outboxSk(occurredAt, noticeId);
    }

    public Map<String, AttributeValue> toItem() {
        Map<String, AttributeValue> out = new HashMap<>(item.toItem(null));
        out.put(Keys.PK, Attr.s(Keys.OUTBOX_PK));
        out.put(Keys.SK, Attr.s(sortKey()));
        out.put("organizationId", Attr.s(item.organizationId()));
        out.put("noticeId", Attr.s(noticeId));
        out.put("transition", Attr.s(transition.wire()));
        out.put("occurredAt", Attr.s(occurredAt));
        if (organizationName != null) {
            out.put("organizationName", Attr.s(organizationName));
        }
        out.put("itContacts", Attr.strings(itContacts));
        return out;
    }

    public static Notice fromItem(Map<String, AttributeValue> stored) {
        String organizationId = Attr.str(stored, "organizationId");
        return new Notice(Attr.str(stored, "noticeId"), Transition.of(Attr.str(stored, "transition")),
                Attr.str(stored, "occurredAt"), Attr.str(stored, "organizationName"), Attr.strList(stored, "itContacts"),
                AttentionItem.fromItem(organizationId, stored), Attr.str(stored, "eventSentAt"), Attr.str(stored, "emailSentAt"));
    }

    /** The EventBridge {@code detail}: schema version 1, documented in the README. No link to the Admin Portal, no secret. */
    public ObjectNode detail() {
        ObjectNode detail = Json.object();
        detail.put("schemaVersion", SCHEMA_VERSION);
        detail.put("noticeId", noticeId);
        detail.put("transition", transition.wire());
        detail.put("occurredAt", occurredAt);
        ObjectNode organization = detail.putObject("organization");
        organization.put("id", item.organizationId());
        organization.put("name", organizationName);
        detail.set("item", itemJson(item));
        return detail;
    }

    /** An attention item as health, the page and the notices show it. */
    public static ObjectNode itemJson(AttentionItem item) {
        ObjectNode node = Json.object();
        node.put("kind", item.kind().wire());
        node.put("state", item.state());
        node.put("stage", item.stage());
        node.put("title", item.title());
        ObjectNode subject = node.putObject("subject");
        subject.put("type", item.subjectType());
        subject.put("id", item.subjectId());
        subject.put("name", item.subjectName());
        ObjectNode facts = node.putObject("facts");
        item.facts().forEach(facts::put);
        node.put("openedAt", item.openedAt());
        node.put("updatedAt", item.updatedAt());
        node.put("resolvedAt", item.resolvedAt());
        node.set("nextStep", item.nextStep() == null ? null : Json.MAPPER.valueToTree(item.nextStep()));
        return node;
    }

    /** What the SES template fills in (template.yaml, NoticeEmailTemplate). */
    public ObjectNode emailData() {
        ObjectNode data = Json.object();
        data.put("organizationName", organizationName == null ? item.organizationId() : organizationName);
        data.put("headline", switch (transition) {
            case OPENED -> "Needs attention";
            case REMINDER -> "Reminder: still needs attention";
            case RESOLVED -> "Resolved";
        });
        data.put("title", item.title());
        data.put("problem", item.nextStep() == null ? "" : item.nextStep().problem());
        data.put("fix", transition == Transition.RESOLVED || item.nextStep() == null ? "Nothing to do." : item.nextStep().fix());
        return data;
    }
}
