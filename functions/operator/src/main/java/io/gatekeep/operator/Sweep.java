package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.workos.common.exceptions.RateLimitException;
import com.workos.common.exceptions.WorkOSException;
import io.gatekeep.shared.projection.DeadLetters;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The scheduled sweep (SweepFunction, every 5 minutes), so that nothing waits for an operator:
 * <ol>
 * <li><b>Events</b>: the Events API for every organization from the sweep's stored cursor, applied
 * through the projection exactly once (a webhook that was missed is applied here; one that arrived
 * is a duplicate, found by one BatchGetItem per page). At most {@link #MAX_EVENT_PAGES} pages a run.</li>
 * <li><b>Organizations</b>: the organizations listed in gsi1 ({@code ORGANIZATIONS}), in id order from
 * where the last run stopped; each whose setup is under way or that has a directory
 * ({@link OrganizationView#needsWatching()}: WorkOS sends no event for those changes), or whose admin
 * was given an Admin Portal link in the last 24 hours (a draft connection WorkOS sent no event for
 * may be all there is), is refreshed from
 * WorkOS's lists ({@link Refresh}, under the same 30 s per-organization claim as the page's refresh).
 * At most {@link #MAX_REFRESHES} refreshes a run; the next run goes on from there, and starts over
 * after the last organization.</li>
 * </ol>
 * A WorkOS 429 (after the SDK's own retries, which honour Retry-After) ends the run and pauses the
 * sweep for the Retry-After (at least a minute); the state item ({@code SWEEP/STATE}) keeps the
 * cursor, the next organization and the pause, so a run that stops for any reason resumes there.
 */
final class Sweep {
    private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);
    static final int MAX_EVENT_PAGES = 20;
    static final int MAX_REFRESHES = 25;
    static final int ORGANIZATION_PAGE = 25;
    static final Duration MIN_PAUSE = Duration.ofMinutes(1);
    /** An Admin Portal link issued within this window: its admin may be creating what WorkOS sends no event for. */
    static final Duration PORTAL_WINDOW = Duration.ofHours(24);

    /**
     * A run's bounds: Events API pages (of {@code eventPageSize} events) and refreshes. {@link #PRODUCTION}
     * but in tests, which bound a run with a few objects rather than thousands.
     */
    record Limits(int maxEventPages, int eventPageSize, int maxRefreshes) {
        static final Limits PRODUCTION = new Limits(MAX_EVENT_PAGES, EventsCatchUp.PAGE, MAX_REFRESHES);
    }

    /** Thrown to end the run cleanly at a checkpoint. */
    private static final class Stop extends RuntimeException {
        final String reason;

        Stop(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    private final Env env;
    private final Limits limits;
    private final Budget budget;
    private final Instant now;
    private int refreshed;
    private int examined;
    private int failed;

    Sweep(Env env, Context context) {
        this(env, context, Limits.PRODUCTION);
    }

    Sweep(Env env, Context context, Limits limits) {
        this.env = env;
        this.limits = limits;
        this.budget = new Budget(context, env.config().getInt(Budget.MARGIN_SETTING, Budget.DEFAULT_MARGIN_MS));
        this.now = env.clock().instant();
    }

    ObjectNode run() {
        Map<String, AttributeValue> state = env.dynamo().getItem(r -> r.tableName(env.table())
                .key(Attr.key(Keys.SWEEP_PK, Keys.SWEEP_SK)).consistentRead(true)).item();
        state = state == null ? Map.of() : state;
        ObjectNode report = Json.object();
        report.put("action", "sweep");
        Instant pausedUntil = Times.parseOrNull(Attr.str(state, "pausedUntil"));
        if (pausedUntil != null && now.isBefore(pausedUntil)) {
            report.put("complete", false);
            report.put("stoppedBecause", "rate_limited");
            report.put("pausedUntil", Times.iso(pausedUntil));
            return report;
        }
        String stoppedBecause = null;
        Long retryAfter = null;
        EventsCatchUp events = new EventsCatchUp(new RetriedProjection(env), env.workos().get(),
                new DeadLetters(env.dynamo(), env.table(), env.clock()), now, limits.eventPageSize());
        lastDone = Attr.str(state, "afterOrganization");
        boolean eventsBehind = false;
        try {
            try {
                events.run(null, Attr.str(state, "eventsCursor"), null, this::moveCursor, cursor -> {
                    if (events.pages >= limits.maxEventPages()) {
                        throw new Stop("event_pages"); // the rest next run, from the stored cursor
                    }
                    checkTime();
                });
            } catch (Stop stop) {
                if (!stop.reason.equals("event_pages")) {
                    throw stop;
                }
                eventsBehind = true; // the organizations still get their turn
            }
            organizations();
            lastDone = null; // every organization visited: the next run starts from the first
        } catch (Stop stop) {
            stoppedBecause = stop.reason;
        } catch (RateLimitException e) {
            stoppedBecause = "rate_limited";
            retryAfter = e.retryAfterSeconds;
        }
        if (stoppedBecause == null && eventsBehind) {
            stoppedBecause = "event_pages";
        }
        String next = lastDone;
        Instant pause = null;
        if ("rate_limited".equals(stoppedBecause)) {
            Duration wait = retryAfter == null ? MIN_PAUSE : Duration.ofSeconds(Math.max(retryAfter, MIN_PAUSE.toSeconds()));
            pause = now.plus(wait);
        }
        saveState(next, pause);
        report.put("complete", stoppedBecause == null);
        if (stoppedBecause != null) {
            report.put("stoppedBecause", stoppedBecause);
        }
        if (pause != null) {
            report.put("pausedUntil", Times.iso(pause));
        }
        ObjectNode ev = report.putObject("events");
        ev.put("pages", events.pages);
        ev.put("applied", events.applied);
        ev.put("duplicates", events.duplicates);
        ev.put("ignored", events.ignored);
        ev.put("keptForReplay", events.keptForReplay);
        report.put("organizationsExamined", examined);
        report.put("organizationsRefreshed", refreshed);
        report.put("refreshFailures", failed);
        report.put("afterOrganization", next);
        LOG.info("sweep: {}", report);
        return report;
    }

    /** The last organization fully handled (the next run starts after it; null: from the first). */
    private String lastDone;

    /** The organizations after {@link #lastDone}, in id order. */
    private void organizations() {
        Map<String, AttributeValue> start = lastDone == null ? null : Map.of(
                Keys.GSI1_PK, Attr.s(Keys.ORGANIZATIONS), Keys.GSI1_SK, Attr.s(lastDone),
                Keys.PK, Attr.s(Keys.orgPk(lastDone)), Keys.SK, Attr.s(Keys.ORG_SK));
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = env.dynamo().query(r -> r.tableName(env.table()).indexName(Keys.GSI1)
                    .keyConditionExpression(Keys.GSI1_PK + " = :orgs")
                    .expressionAttributeValues(Map.of(":orgs", Attr.s(Keys.ORGANIZATIONS)))
                    .projectionExpression("pk, sk, deleted, " + Keys.GSI1_PK + ", " + Keys.GSI1_SK)
                    .limit(ORGANIZATION_PAGE).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                String organizationId = Attr.str(item, Keys.GSI1_SK);
                if (refreshed + failed >= limits.maxRefreshes()) {
                    throw new Stop("refresh_limit");
                }
                checkTime();
                if (!Attr.flag(item, "deleted")) {
                    visit(organizationId);
                }
                lastDone = organizationId;
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /** One organization: refreshed from WorkOS when it needs watching and nobody read WorkOS for it in the last 30 s. */
    private void visit(String organizationId) {
        examined++;
        OrganizationView view = OrganizationView.load(env.dynamo(), env.table(), organizationId).orElse(null);
        if (view == null || !(view.needsWatching() || portalOpenedSince(organizationId, now.minus(PORTAL_WINDOW)))) {
            return;
        }
        if (Refresh.claim(env, organizationId, env.clock().instant()).claim() != Refresh.Claim.CLAIMED) {
            return; // just read (a page's refresh) or gone
        }
        try {
            Refresh.run(env, organizationId);
            refreshed++;
        } catch (RateLimitException e) {
            throw e;
        } catch (WorkOSException e) {
            failed++; // this organization waits for the next run; the others go on
            LOG.warn("sweep: refresh of {} failed: {}", organizationId, OperatorHandler.describe(e));
        }
    }

    /** Whether an Admin Portal link was issued (or refused by WorkOS) since then: one Query of the audit index, one item. */
    private boolean portalOpenedSince(String organizationId, Instant since) {
        return env.dynamo().query(r -> r.tableName(env.table()).indexName(Keys.GSI1)
                .keyConditionExpression(Keys.GSI1_PK + " = :category AND " + Keys.GSI1_SK + " > :since")
                .expressionAttributeValues(Map.of(":category", Attr.s(Keys.auditCategoryPk(organizationId, "portal_link.issued")),
                        ":since", Attr.s(Times.iso(since))))
                .projectionExpression(Keys.PK).limit(1)).count() > 0;
    }

    private void checkTime() {
        if (budget.exhausted()) {
            throw new Stop("time");
        }
    }

    /** Forward only, as reconcile's cursor. */
    private void moveCursor(String eventId) {
        try {
            env.dynamo().updateItem(r -> r.tableName(env.table())
                    .key(Attr.key(Keys.SWEEP_PK, Keys.SWEEP_SK))
                    .updateExpression("SET eventsCursor = :cursor")
                    .conditionExpression("attribute_not_exists(eventsCursor) OR eventsCursor < :cursor")
                    .expressionAttributeValues(Map.of(":cursor", Attr.s(eventId))));
        } catch (ConditionalCheckFailedException alreadyThere) {
            // the cursor is at this event or past it
        }
    }

    private void saveState(String afterOrganization, Instant pausedUntil) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":ran", Attr.s(Times.iso(now)));
        StringBuilder set = new StringBuilder("SET lastRunAt = :ran");
        StringBuilder remove = new StringBuilder();
        if (afterOrganization != null) {
            set.append(", afterOrganization = :after");
            values.put(":after", Attr.s(afterOrganization));
        } else {
            remove.append("afterOrganization");
        }
        if (pausedUntil != null) {
            set.append(", pausedUntil = :pause");
            values.put(":pause", Attr.s(Times.iso(pausedUntil)));
        } else {
            remove.append(remove.isEmpty() ? "" : ", ").append("pausedUntil");
        }
        String expression = set + (remove.isEmpty() ? "" : " REMOVE " + remove);
        env.dynamo().updateItem(r -> r.tableName(env.table())
                .key(Attr.key(Keys.SWEEP_PK, Keys.SWEEP_SK))
                .updateExpression(expression)
                .expressionAttributeValues(values));
    }
}
