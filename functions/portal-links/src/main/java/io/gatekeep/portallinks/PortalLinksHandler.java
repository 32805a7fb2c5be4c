package io.gatekeep.portallinks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.workos.WorkOS;
import com.workos.common.exceptions.GenericServerException;
import com.workos.common.exceptions.RateLimitException;
import com.workos.common.exceptions.TransportException;
import com.workos.common.exceptions.WorkOSException;
import com.workos.common.http.RequestOptions;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.audit.AuditEntry;
import io.gatekeep.shared.auth.Caller;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.config.Secrets;
import io.gatekeep.shared.http.ApiException;
import io.gatekeep.shared.http.HttpFunction;
import io.gatekeep.shared.http.HttpRequest;
import io.gatekeep.shared.http.HttpResponses;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.table.Dynamo;
import io.gatekeep.shared.workos.WorkOsClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /organizations/{organizationId}/portal-links}: opens the WorkOS Admin Portal for the
 * caller's organization, behind the contract's gates, checked in the contract's order:
 *
 * <ol>
 *   <li>401 {@code unauthenticated}: no verified claims (API Gateway refuses such requests first);</li>
 *   <li>400 {@code organization_required}: no organization in the path or in the session;</li>
 *   <li>400 {@code invalid_request} / {@code invalid_intent} / {@code invalid_url}: the body;</li>
 *   <li>403 {@code forbidden}: the session is on another organization, or not an owner/admin;</li>
 *   <li>403 {@code plan_excludes_sso} / {@code plan_excludes_directory_sync} (the entitlement the intent
 *       needs, see {@link Intent}), 404 {@code organization_not_found},
 *       409 {@code domain_verification_required}, 409 {@code it_contact_required}: from one Query;</li>
 *   <li>429 {@code rate_limited} / 502 {@code workos_unavailable}: WorkOS's answer.</li>
 * </ol>
 *
 * DynamoDB: one Query (the gates) and one PutItem (the audit entry of the outcome, issued or failed).
 * The link goes to the caller only: it is never logged, stored or put in the audit entry.
 */
public final class PortalLinksHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    public static final String ROUTE = "POST /organizations/{organizationId}/portal-links";
    /** A link made through the API expires 5 minutes after it is issued (WorkOS's rule). */
    public static final Duration LINK_LIFETIME = Duration.ofMinutes(5);
    public static final String AUDIT_ISSUED = "portal_link.issued";
    public static final String AUDIT_FAILED = "portal_link.failed";

    private static final Logger LOG = LoggerFactory.getLogger(PortalLinksHandler.class);

    private final Config config;
    private final DynamoDbClient dynamo;
    private final Clock clock;
    private final String table;
    private final RedirectUrls redirects;
    private WorkOS workos;

    public PortalLinksHandler() {
        this(Config.fromEnvironment());
    }

    private PortalLinksHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        PortalLinksPriming.register(config);
    }

    public PortalLinksHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.config = config;
        this.dynamo = dynamo;
        this.clock = clock;
        this.table = config.tableName();
        this.redirects = RedirectUrls.from(config);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpFunction.run(event, context, this::handle);
    }

    /** The response body of a 201. */
    public record PortalLink(String link, String intent, String organizationId, String expiresAt, String action) {}

    private APIGatewayV2HTTPResponse handle(HttpRequest request) {
        if (!ROUTE.equals(request.routeKey())) {
            throw ApiException.noSuchRoute();
        }
        Caller caller = Caller.of(request);                                    // 401
        String organizationId = caller.organizationIn(request);               // 400 organization_required, invalid_request
        LinkRequest body = LinkRequest.parse(request.jsonBody(), redirects);   // 400 invalid_request/intent/url
        caller.requireAdminOf(organizationId);                                 // 403 forbidden

        Optional<OrganizationView> found = OrganizationView.load(dynamo, table, organizationId);
        OrganizationView view = checkGates(body.intent(), found);              // 403, 404, 409, 409
        return issue(request, caller, view, body);                             // 201, 429, 502
    }

    /**
     * The gates that need the organization's data, in the contract's order.
     *
     * <p>Decision: the contract lists 403 {@code plan_excludes_sso} before 404
     * {@code organization_not_found}, but the plan is part of the organization: an organization the
     * backend does not know has no plan to exclude anything. So the 403 checks that need no data
     * (role, session) come first; then, when the organization is unknown (or deleted), the answer is
     * 404 for every intent; for a known organization the plan gate is checked before the domain and
     * IT-contact gates, as listed.
     */
    static OrganizationView checkGates(Intent intent, Optional<OrganizationView> found) {
        if (found.isEmpty()) {
            throw ApiException.organizationNotFound();
        }
        OrganizationView view = found.get();
        var excluded = intent.entitlement().filter(e -> !view.organization().entitlements().includes(e));
        if (excluded.isPresent()) {
            throw new ApiException(403, excluded.get().errorCode(), excluded.get().message());
        }
        if (intent.requiresVerifiedDomain() && !view.hasVerifiedDomain()) {
            throw ApiException.conflict("domain_verification_required",
                    "You need a verified domain first. Verify your domain in WorkOS, then try again.");
        }
        if (intent.requiresItContact() && !view.hasItContact()) {
            throw ApiException.conflict("it_contact_required",
                    "Add at least one IT contact before opening the Admin Portal.");
        }
        return view;
    }

    private APIGatewayV2HTTPResponse issue(HttpRequest request, Caller caller, OrganizationView view, LinkRequest body) {
        String organizationId = view.organization().id();
        Intent intent = body.intent();
        OrganizationView.SetupAction action = intent.action(view);
        WorkOS client = workos(); // a configuration or SSM failure is ours: 500, not a WorkOS failure
        String link;
        try {
            // The WorkOS organization id is ours: the projection keys organizations by it. The IT
            // contacts on file are the people the portal is opened for.
            link = client.getAdminPortal().generateLink(organizationId, body.returnUrl(), body.successUrl(),
                    intent.sdkIntent(), view.organization().itContacts(), callOptions()).getLink();
            if (link == null || link.isBlank()) {
                throw new IllegalStateException("no link in WorkOS's answer");
            }
        } catch (Exception e) {
            return refuse(request, caller, organizationId, intent, Failure.of(e));
        }
        Instant issuedAt = clock.instant();
        Instant expiresAt = issuedAt.plus(LINK_LIFETIME);
        // Written before the link is handed out: if the audit entry cannot be written, the caller
        // gets a 500 and no link: every link a caller receives has its audit entry.
        audit(request, caller, organizationId, issuedAt, AUDIT_ISSUED,
                "Admin Portal link issued " + purpose(intent.wireName(), action.wireName()) + "; it expires at "
                        + CLOCK_TIME.format(expiresAt) + " UTC.");
        LOG.info("portal link issued: intent {}, action {}", intent.wireName(), action.wireName());
        return HttpResponses.created(new PortalLink(link, intent.wireName(), organizationId, Times.iso(expiresAt),
                action.wireName()));
    }

    /** A failed WorkOS call: audited, logged without WorkOS's details, answered 429 or 502. */
    private APIGatewayV2HTTPResponse refuse(HttpRequest request, Caller caller, String organizationId, Intent intent,
                                            Failure failure) {
        LOG.warn("WorkOS generate_link failed: {} (status {}, WorkOS request id {})",
                failure.kind(), failure.status(), failure.workosRequestId());
        try {
            audit(request, caller, organizationId, clock.instant(), AUDIT_FAILED,
                    "Admin Portal link " + purpose(intent.wireName(), null) + " not issued: " + failure.summary() + ".");
        } catch (RuntimeException auditFailure) {
            // The caller's answer is WorkOS's failure either way; the log keeps the gap visible.
            LOG.error("audit entry for a failed portal link not written: {}", auditFailure.getClass().getName());
        }
        ApiException error = failure.rateLimited()
                ? new ApiException(429, "rate_limited", "Too many requests to WorkOS. Wait a moment and try again.")
                : new ApiException(502, "workos_unavailable", "Unable to open the WorkOS Admin Portal.");
        APIGatewayV2HTTPResponse response = HttpResponses.error(error);
        if (failure.retryAfterSeconds() != null) {
            var headers = new HashMap<>(response.getHeaders());
            headers.put("Retry-After", Long.toString(failure.retryAfterSeconds()));
            response.setHeaders(headers);
        }
        return response;
    }

    /** What went wrong with WorkOS, in words safe for a log and an audit entry (no WorkOS message or body). */
    record Failure(String kind, Integer status, String workosRequestId, Long retryAfterSeconds) {
        static Failure of(Exception e) {
            return switch (e) {
                case RateLimitException r -> new Failure("rate_limited", 429, r.requestId, r.retryAfterSeconds);
                case TransportException t -> new Failure(
                        t.getCause() instanceof java.io.InterruptedIOException ? "timeout" : "transport", null, null, null);
                case GenericServerException s -> new Failure("server_error", s.status, s.requestId, null);
                case WorkOSException w -> new Failure("refused", w.status, w.requestId, null);
                default -> new Failure("unreadable_answer", null, null, null);
            };
        }

        boolean rateLimited() {
            return kind.equals("rate_limited");
        }

        String summary() {
            return switch (kind) {
                case "rate_limited" -> "WorkOS rate limited the request";
                case "timeout" -> "WorkOS did not answer in time";
                case "transport" -> "WorkOS could not be reached";
                case "server_error", "refused" -> "WorkOS answered " + status;
                default -> "WorkOS's answer could not be read";
            };
        }
    }

    static final java.time.format.DateTimeFormatter CLOCK_TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(java.time.ZoneOffset.UTC);

    /**
     * What a link was for, in the words of the page's buttons, for the audit log a person reads
     * ("Admin Portal link issued to continue SSO setup"); {@code action} may be null (not known).
     */
    static String purpose(String intent, String action) {
        String step = action == null ? "" : action;
        return switch (intent) {
            case "sso" -> switch (step) {
                case "configure" -> "to configure SSO";
                case "continue" -> "to continue SSO setup";
                default -> "for Single Sign-On";
            };
            case "dsync" -> switch (step) {
                case "configure" -> "to connect a directory provider";
                case "continue" -> "to continue Directory Sync setup";
                default -> "for Directory Sync";
            };
            case "domain_verification" -> "to verify a domain";
            case "certificate_renewal" -> "to renew the SAML certificate";
            case "audit_logs" -> "for audit logs";
            case "log_streams" -> "for log streams";
            default -> "for " + intent.replace('_', ' ');
        };
    }

    private void audit(HttpRequest request, Caller caller, String organizationId, Instant at, String type, String summary) {
        AuditEntry entry = AuditEntry.gatekeep(organizationId, type, at, caller.actor(), summary, request.requestId());
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(entry.toItem()).build());
    }

    /**
     * The whole call, retries included, stays within the configured timeout budget: the SDK gives
     * each attempt that much and retries only while the budget lasts (so at worst about twice the
     * budget, well under the function's timeout).
     *
     * <p>A fresh Idempotency-Key per click: the SDK would otherwise derive one from the request, so
     * two clicks for the same intent could be answered with the same (soon expired) link wherever
     * the key is honoured. The SDK's own retries of this call reuse the key, so a retried request
     * never makes a second link. WorkOS does not document the key for generate_link: this is right
     * whether it honours it or not.
     */
    private RequestOptions callOptions() {
        return RequestOptions.builder().timeoutMillis(config.workosTimeout().toMillis())
                .idempotencyKey("gatekeep-portal-link-" + UUID.randomUUID()).build();
    }

    /** Built on first use, once per function instance: the SDK's Kotlin classes cost cold-start time. */
    private synchronized WorkOS workos() {
        if (workos == null) {
            workos = WorkOsClients.create(config, Secrets.fromSsm(config));
        }
        return workos;
    }
}
