package io.gatekeep.shared.attention;

import io.gatekeep.shared.Times;
import io.gatekeep.shared.attention.Notice.Transition;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.projection.StoreUnavailableException;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps an organization's attention items in step with its {@link Conditions}: opens an item when
 * a condition starts to hold, updates it while it holds, reminds at the kind's cadence at most,
 * resolves it when the condition is gone. Called where the facts arrive: by the notices function
 * for every change of an organization, connection, directory or domain item (the table's stream:
 * webhooks, reconcile and the sweep write those), and by its schedule when the organization's
 * attention clock is due ({@link #refreshDue}: certificate stages, stalled setup, reminders), which
 * every refresh sets to the next moment time alone changes something ({@link Conditions#nextChange}).
 *
 * <p>Each transition is one TransactWriteItems: the attention item (on the condition that its
 * version is the one read), and for a notice its outbox item and its audit entry. A transition and
 * its notice are written together or not at all; two evaluations racing over the same facts write
 * one of them, and the other's transaction is cancelled and dropped (the next evaluation starts
 * again from what is stored). DynamoDB calls: one Query, then one transaction per transition, and
 * one write of the clock when it moves.
 */
public final class Attention {
    /** Resolved items are kept this long (then TTL), so a quick reopening is recognised as one. */
    public static final Duration RESOLVED_TTL = Duration.ofDays(30);
    public static final String AUDIT_ACTOR = "gatekeep";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final int signInFailureThreshold;

    public Attention(DynamoDbClient dynamo, String table, Clock clock) {
        this(dynamo, table, clock, Conditions.DEFAULT_SIGN_IN_FAILURE_THRESHOLD);
    }

    /** {@code signInFailureThreshold}: failed SSO sign-ins through a connection in one clock hour that open an item. */
    public Attention(DynamoDbClient dynamo, String table, Clock clock, int signInFailureThreshold) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.signInFailureThreshold = signInFailureThreshold;
    }

    /** What one refresh did: its notices (in the outbox now) and its quiet updates. */
    public record Result(List<Notice> notices, int updated, int lostRaces) {}

    /** Reads the organization's partition once and writes its transitions. An unknown organization changes nothing. */
    public Result refresh(String organizationId) {
        OrganizationView view;
        try {
            view = OrganizationView.load(dynamo, table, organizationId).orElse(null);
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e);
        }
        if (view == null) {
            return new Result(List.of(), 0, 0);
        }
        Instant now = clock.instant();
        List<Step> steps = plan(view, Conditions.of(view, now, signInFailureThreshold), now);
        Result result = write(view, steps);
        Map<String, AttentionItem> after = new HashMap<>();
        view.attention().items().forEach(item -> after.put(item.key(), item));
        steps.forEach(step -> after.put(step.after().key(), step.after()));
        setClock(view, Conditions.nextChange(view.withAttention(List.copyOf(after.values())), now));
        return result;
    }

    /**
     * The schedule's part: refreshes every organization whose attention clock is due (one Query of gsi1,
     * up to {@code max}), each of which sets its clock again. Returns the organizations refreshed.
     */
    public List<String> refreshDue(int max) {
        String bound = Times.iso(clock.instant()) + "#~";
        List<String> due;
        try {
            due = dynamo.query(b -> b.tableName(table).indexName(Keys.GSI1)
                            .keyConditionExpression("gsi1pk = :pk AND gsi1sk < :bound")
                            .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.ATTENTION_DUE), ":bound", Attr.s(bound)))
                            .limit(max))
                    .items().stream().map(i -> Attr.str(i, "organizationId")).filter(Objects::nonNull).distinct().toList();
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e);
        }
        due.forEach(this::refresh);
        return due;
    }

    /**
     * The organization's attention clock ({@code ATTNDUE}, in gsi1 by due time): written only when it
     * moves, on the condition that it is still what was read (a racing refresh computed its own from
     * newer facts); deleted when time alone will change nothing.
     */
    private void setClock(OrganizationView view, Instant next) {
        String dueAt = next == null ? null : Times.iso(next);
        String seen = view.attention().dueAt();
        if (Objects.equals(dueAt, seen)) {
            return;
        }
        String organizationId = view.organization().id();
        Map<String, AttributeValue> key = Attr.key(Keys.orgPk(organizationId), Keys.ATTENTION_DUE);
        String condition = seen == null ? "attribute_not_exists(pk)" : "dueAt = :seen";
        Map<String, AttributeValue> values = seen == null ? Map.of() : Map.of(":seen", Attr.s(seen));
        try {
            if (dueAt == null) {
                dynamo.deleteItem(b -> b.tableName(table).key(key).conditionExpression(condition)
                        .expressionAttributeValues(values.isEmpty() ? null : values));
            } else {
                Map<String, AttributeValue> item = new HashMap<>(key);
                item.put("organizationId", Attr.s(organizationId));
                item.put("dueAt", Attr.s(dueAt));
                item.put(Keys.GSI1_PK, Attr.s(Keys.ATTENTION_DUE));
                item.put(Keys.GSI1_SK, Attr.s(Keys.attentionDueSk(dueAt, organizationId)));
                dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression(condition)
                        .expressionAttributeValues(values.isEmpty() ? null : values));
            }
        } catch (ConditionalCheckFailedException raced) {
            // another refresh set it from what it read
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /** A transition: the item as it was (null: never stored), as it will be, and the notice it sends (if any). */
    public record Step(AttentionItem before, AttentionItem after, Transition notice) {}

    /** The transitions that take the stored items to the conditions that hold at {@code now}. Pure. */
    public static List<Step> plan(OrganizationView view, List<Condition> conditions, Instant now) {
        String at = Times.iso(now);
        String organizationId = view.organization().id();
        Map<String, AttentionItem> stored = new HashMap<>();
        view.attention().items().forEach(item -> stored.put(item.key(), item));
        List<Step> steps = new ArrayList<>();
        Set<String> holding = new HashSet<>();
        for (Condition c : conditions) {
            holding.add(c.key());
            AttentionItem before = stored.get(c.key());
            long version = before == null ? 1 : before.version() + 1;
            if (before == null || !before.open()) {
                steps.add(new Step(before, new AttentionItem(organizationId, c.kind(), c.subjectType(), c.subjectId(),
                        c.subjectName(), AttentionItem.OPEN, c.stage(), c.title(), c.facts(), c.nextStep(), at, at, null,
                        at, c.stage(), (before == null ? 0 : before.notices()) + 1, version), Transition.OPENED));
                continue;
            }
            boolean remind = reminderDue(before, c, now);
            boolean changed = !Objects.equals(before.stage(), c.stage()) || !Objects.equals(before.title(), c.title())
                    || !before.facts().equals(c.facts()) || !Objects.equals(before.nextStep(), c.nextStep())
                    || !Objects.equals(before.subjectName(), c.subjectName());
            if (!remind && !changed) {
                continue;
            }
            steps.add(new Step(before, new AttentionItem(organizationId, c.kind(), c.subjectType(), c.subjectId(),
                    c.subjectName(), AttentionItem.OPEN, c.stage(), c.title(), c.facts(), c.nextStep(), before.openedAt(), at,
                    null, remind ? at : before.lastNoticeAt(), remind ? c.stage() : before.lastNoticeStage(),
                    before.notices() + (remind ? 1 : 0), version), remind ? Transition.REMINDER : null));
        }
        for (AttentionItem before : view.attention().items()) {
            if (before.open() && !holding.contains(before.key())) {
                steps.add(new Step(before, new AttentionItem(organizationId, before.kind(), before.subjectType(),
                        before.subjectId(), before.subjectName(), AttentionItem.RESOLVED, before.stage(), before.title(),
                        before.facts(), before.nextStep(), before.openedAt(), at, at, at, before.stage(),
                        before.notices() + 1, before.version() + 1), Transition.RESOLVED));
            }
        }
        return steps;
    }

    /**
     * Certificates: when the condition reaches a stage of {@link AttentionKind#CERTIFICATE_REMINDER_STAGES}
     * later than the one last noticed (30, 7, 1 days: once each). The rest: once per the kind's cadence.
     */
    static boolean reminderDue(AttentionItem item, Condition now, Instant at) {
        if (item.kind() == AttentionKind.CERTIFICATE_EXPIRING) {
            List<String> stages = AttentionKind.CERTIFICATE_STAGES;
            return AttentionKind.CERTIFICATE_REMINDER_STAGES.contains(now.stage())
                    && stages.indexOf(now.stage()) > stages.indexOf(item.lastNoticeStage());
        }
        Instant last = Times.parseOrNull(item.lastNoticeAt());
        return last == null || !last.plus(item.kind().reminderEvery()).isAfter(at);
    }

    private Result write(OrganizationView view, List<Step> steps) {
        List<Notice> notices = new ArrayList<>();
        int updated = 0;
        int lost = 0;
        for (Step step : steps) {
            AttentionItem after = step.after();
            Long ttl = after.open() ? null : Times.parseOrNull(after.resolvedAt()).plus(RESOLVED_TTL).getEpochSecond();
            Put.Builder item = Put.builder().tableName(table).item(after.toItem(ttl));
            if (step.before() == null) {
                item.conditionExpression("attribute_not_exists(pk)");
            } else {
                item.conditionExpression("#v = :v").expressionAttributeNames(Map.of("#v", "version"))
                        .expressionAttributeValues(Map.of(":v", Attr.n(step.before().version())));
            }
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(TransactWriteItem.builder().put(item.build()).build());
            Notice notice = null;
            if (step.notice() != null) {
                notice = new Notice(Notice.noticeId(after), step.notice(), after.updatedAt(), view.organization().name(),
                        view.organization().itContacts(), after, null, null);
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(notice.toItem())
                        .conditionExpression("attribute_not_exists(pk)").build()).build());
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(audit(notice).toItem()).build()).build());
            }
            try {
                dynamo.transactWriteItems(b -> b.transactItems(items));
            } catch (TransactionCanceledException raced) {
                lost++; // another evaluation wrote this item first: it sent what was due
                continue;
            } catch (SdkException e) {
                throw new StoreUnavailableException("DynamoDB failed: " + e.getClass().getSimpleName(), e);
            }
            if (notice != null) {
                notices.add(notice);
            } else {
                updated++;
            }
        }
        return new Result(List.copyOf(notices), updated, lost);
    }

    /** The audit log's line for a notice: the title (names, dates, counts), never a link or a secret. */
    static AuditEntry audit(Notice notice) {
        Instant at = Instant.parse(notice.occurredAt());
        String summary = switch (notice.transition()) {
            case OPENED -> "Needs attention: " + notice.item().title();
            case REMINDER -> "Reminder: " + notice.item().title();
            case RESOLVED -> "Resolved: " + notice.item().title();
        };
        return AuditEntry.gatekeep(notice.item().organizationId(), "attention." + notice.transition().wire(), at, AUDIT_ACTOR,
                summary, notice.noticeId());
    }
}
