package io.gatekeep.bench;

import io.gatekeep.localaws.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DynamoDB request budget of every API operation, as the benchmark counts it (same code:
 * {@link RequestCounts}), checked in the normal suite: an operation that makes more requests than its
 * budget fails here, not only in a benchmark nobody runs. Budgets: health 1, audit later page 1 (first
 * page GetItem + Query by design), settings 1, webhook common path 1, duplicate 1, worst paths 2, portal
 * link 2, providers 0; sign-ins: a failure 1, a success 2 (its role is read first), a membership 1 (2 when a
 * sign-in waited for its role); in a burst, a conflict on the directory item 2 (the cancelled call, then the
 * one on the writer's counter shard), and that writer's next event 1 (it stays on its shard); the notices
 * function: a change that opens an item 3, one without a transition 1, a notice's delivery 4 (with one
 * EventBridge event and one SES email).
 */
class RequestBudgetTest {
    static BenchWorld world;
    static Map<String, RequestCounts.Count> counts;

    @BeforeAll
    static void measure() {
        world = BenchWorld.start();
        counts = RequestCounts.measure(world).stream()
                .collect(Collectors.toMap(RequestCounts.Count::operation, Function.identity()));
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    private static void assertBudget(String operation, int budget, List<String> expectedCalls) {
        RequestCounts.Count c = counts.get(operation);
        assertTrue(c != null, "not measured: " + operation + " (measured: " + counts.keySet() + ")");
        assertTrue(c.requests() <= budget, operation + " made " + c.requests() + " DynamoDB requests " + c.calls()
                + ", over its budget of " + budget);
        if (expectedCalls != null) {
            assertEquals(expectedCalls, c.calls(), operation);
        }
        assertTrue(c.withinBudget(), operation + ": " + c);
    }

    @Test
    void identityHealthIsOneQuery() {
        assertBudget("identity health", 1, List.of("Query"));
    }

    @Test
    void auditLogLaterPagesAreOneQueryAndTheFirstPageAlsoChecksTheOrganization() {
        assertBudget("audit log, later page", 1, List.of("Query"));
        assertBudget("audit log, first page", 2, List.of("GetItem", "Query"));
    }

    @Test
    void settingsAreOneTransaction() {
        assertBudget("settings: PUT it-contacts", 1, List.of("TransactWriteItems"));
    }

    @Test
    void aPortalLinkIsAtMostTwoRequests() {
        assertBudget("portal link issued", 2, null);
    }

    @Test
    void providersNeverTouchTheTable() {
        assertBudget("providers", 0, List.of());
    }

    @Test
    void aWebhookOnItsCommonPathIsOneTransactionAndADuplicateToo() {
        assertBudget("webhook: common path (dsync.user.created)", 1, List.of("TransactWriteItems"));
        assertBudget("webhook: duplicate delivery", 1, List.of("TransactWriteItems"));
    }

    @Test
    void signInsAndMembershipsStayWithinTheirBudget() {
        assertBudget("webhook: membership (organization_membership.created)", 1, List.of("TransactWriteItems"));
        assertBudget("webhook: SSO sign-in (authentication.sso_succeeded)", 2, List.of("TransactGetItems", "TransactWriteItems"));
        assertBudget("webhook: failed SSO sign-in (authentication.sso_failed)", 1, List.of("TransactWriteItems"));
        assertBudget("webhook: worst path (membership after its user's sign-in)", 2, List.of("TransactWriteItems", "TransactWriteItems"));
    }

    @Test
    void aWebhookOnItsWorstPathsIsAtMostTwoRequests() {
        assertBudget("webhook: worst path (updated before created)", 2, null);
        assertBudget("webhook: worst path (stale update)", 2, null);
        assertBudget("webhook: worst path (out of order: older than the last sync)", 2, null);
        assertBudget("webhook: worst path (no organization_id)", 2, null);
    }

    /** The page's refresh: a few list calls to WorkOS and a handful of requests; a throttled one a single UpdateItem. */
    @Test
    void aRefreshReadsWorkOsWithThreeCallsAndAThrottledOneIsOneRequest() {
        assertBudget("refresh: WorkOS read", RequestCounts.REFRESH_BUDGET, null);
        assertTrue(counts.get("refresh: WorkOS read").note().endsWith("WorkOS: [GET /organizations/" + world.organizationId()
                + ", GET /connections, GET /directories]"), counts.get("refresh: WorkOS read").note());
        assertBudget("refresh: within 30 s", 1, List.of("UpdateItem"));
        assertTrue(counts.get("refresh: within 30 s").note().endsWith("[]"), "no WorkOS call");
    }

    @Test
    void aSweepRunForOneOrganizationIsBounded() {
        assertBudget("sweep run: one organization refreshed", RequestCounts.SWEEP_BUDGET, null);
        assertTrue(counts.get("sweep run: one organization refreshed").note().endsWith("WorkOS: [GET /events, GET /organizations/"
                + world.organizationId() + ", GET /connections, GET /directories]"), counts.get("sweep run: one organization refreshed").note());
    }

    @Test
    void inABurstAConflictCostsOneCallAndTheWriterThenStaysOnItsShard() {
        assertBudget("webhook: a conflict on the directory item (burst)", 2,
                List.of("TransactWriteItems (cancelled)", "TransactWriteItems"));
        assertBudget("webhook: the next event of that writer (burst, on its shard)", 1, List.of("TransactWriteItems"));
    }

    /** Evaluating an organization reads it once; a transition is one transaction with its notice and audit entry. */
    @Test
    void aNoticeOpensInOneTransactionAndAnEvaluationWithoutOneIsOneQuery() {
        assertBudget("notices: a change that opens an item", RequestCounts.NOTICE_OPEN_BUDGET,
                List.of("Query", "TransactWriteItems", "PutItem"));
        assertBudget("notices: a change with nothing to tell", 1, List.of("Query"));
    }

    /** Delivering a notice: four requests on its outbox item, one EventBridge event and one email, read back from moto. */
    @Test
    void aNoticeIsDeliveredWithFourRequestsOneEventAndOneEmail() {
        Assumptions.assumeTrue(MotoServer.find().isPresent(), MotoServer.MISSING);
        assertBudget("notices: one notice delivered", RequestCounts.NOTICE_DELIVERY_BUDGET,
                List.of("UpdateItem", "UpdateItem", "UpdateItem", "DeleteItem"));
        String note = counts.get("notices: one notice delivered").note();
        assertTrue(note.endsWith("read back from moto: 1 EventBridge event, 1 SES templated email"), note);
    }
}
