package io.gatekeep.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.emulator.DomainSpec;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.emulator.WorkOsEmulator;
import io.gatekeep.localaws.LocalDynamo;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.projection.Projection;
import io.gatekeep.shared.projection.WorkOsEvent;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.webhooks.WebhookSignature;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every benchmark runs against, started once per run on loopback: DynamoDB Local (in memory)
 * with a table made from template.yaml, and the WorkOS emulator with one organization set up the way
 * the dashboard's happy path needs it (verified domain, active SAML connection, linked directory with
 * users, IT contacts, a plan with SSO and Directory Sync), projected into the table from the emulator's own events.
 */
public final class BenchWorld implements AutoCloseable {
    public static final String REGION = LocalDynamo.REGION;
    public static final String ALLOWED_HOST = "app.benchco.example";

    private final DynamoService local;
    private final WorkOsEmulator emulator;
    private final String table;
    private final String organizationId;
    private final String directoryId;
    private final String connectionId;
    private final String webhookSecret;
    private final String cursorKey;
    private final AtomicLong sequence = new AtomicLong();

    private BenchWorld(DynamoService local, WorkOsEmulator emulator, String table, String organizationId, String directoryId,
                       String connectionId, String webhookSecret, String cursorKey) {
        this.connectionId = connectionId;
        this.local = local;
        this.emulator = emulator;
        this.table = table;
        this.organizationId = organizationId;
        this.directoryId = directoryId;
        this.webhookSecret = webhookSecret;
        this.cursorKey = cursorKey;
    }

    /** With DynamoDB Local in this JVM (tests). */
    public static BenchWorld start() {
        return start(DynamoService.inProcess());
    }

    public static BenchWorld start(DynamoService local) {
        String table = local.createTable();
        WorkOsEmulator emulator = WorkOsEmulator.start(0);
        var control = emulator.control();
        var org = control.createOrganization("Benchco", DomainSpec.verified("benchco.example"));
        var connection = control.createConnection(org.id(), "OktaSAML", "Benchco Okta", "active");
        var directory = control.createDirectory(org.id(), "okta scim v2.0", "Benchco directory", "linked");
        control.addUsers(directory.id(), 25);
        SecureRandom random = new SecureRandom();
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        byte[] key = new byte[32];
        random.nextBytes(key);
        BenchWorld world = new BenchWorld(local, emulator, table, org.id(), directory.id(), connection.id(),
                "whsec_bench_" + HexFormat.of().formatHex(secret), HexFormat.of().formatHex(key));
        try (DynamoDbClient client = local.client()) {
            world.project(client, control.events());
            client.updateItem(r -> r.tableName(table)
                    .key(Attr.key(Keys.orgPk(org.id()), Keys.ORG_SK))
                    .updateExpression("SET itContacts = :contacts, entitlementSso = :yes, entitlementDirectorySync = :yes")
                    .expressionAttributeValues(Map.of(
                            ":contacts", Attr.strings(List.of("it@benchco.example")),
                            ":yes", Attr.bool(true))));
        }
        return world;
    }

    /** Applies the emulator's events to the projection, oldest first: what the webhooks would have done. */
    public void project(DynamoDbClient client, List<StoredEvent> events) {
        Projection projection = new Projection(client, table, Clock.systemUTC());
        for (StoredEvent event : events.stream().sorted(Comparator.comparing(StoredEvent::createdAt)).toList()) {
            projection.apply(WorkOsEvent.parse(event.json()));
        }
    }

    public DynamoService local() {
        return local;
    }

    public WorkOsEmulator emulator() {
        return emulator;
    }

    public String table() {
        return table;
    }

    public String organizationId() {
        return organizationId;
    }

    public String directoryId() {
        return directoryId;
    }

    public String webhookSecret() {
        return webhookSecret;
    }

    public DynamoDbClient client(ExecutionInterceptor... interceptors) {
        return local.client(interceptors);
    }

    /** Every setting any function reads, with local values (the same names the template sets in AWS). */
    public Map<String, String> settings() {
        return settings(table);
    }

    public Map<String, String> settings(String tableName) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(Config.TABLE_NAME, tableName);
        s.put(Config.AWS_ENDPOINT_URL_DYNAMODB, local.endpoint().toString());
        s.put(Config.WORKOS_API_BASE_URL, emulator.baseUrl());
        s.put(Config.WORKOS_API_KEY, emulator.apiKey());
        s.put(Config.WORKOS_CLIENT_ID, emulator.clientId());
        s.put(Config.WORKOS_WEBHOOK_SECRET, webhookSecret);
        s.put(Config.CURSOR_KEY, cursorKey);
        s.put(Config.PORTAL_REDIRECT_ALLOWED_HOSTS, ALLOWED_HOST);
        s.put(Config.WORKOS_MAX_RETRIES, "0");
        s.put("NOTICE_BUS_NAME", "gatekeep-bench-notices"); // the notices' bus (email off, as the template's default)
        return s;
    }

    public Config config() {
        return new Config(settings());
    }

    public Config config(String tableName) {
        return new Config(settings(tableName));
    }

    // ------------------------------------------------------------------ requests

    private Map<String, String> admin() {
        return Map.of("sub", "user_bench_admin", "org_id", organizationId, "role", "admin", "email", "admin@benchco.example");
    }

    private HttpCall orgCall(String method, String route, String body) {
        Map<String, String> headers = body == null ? Map.of() : Map.of("content-type", "application/json");
        return new HttpCall(method, route, Map.of("organizationId", organizationId), Map.of(), headers, admin(), body);
    }

    public HttpCall health() {
        return orgCall("GET", "/organizations/{organizationId}/identity-health", null);
    }

    public HttpCall refresh() {
        return orgCall("POST", "/organizations/{organizationId}/identity-health/refresh", null);
    }

    public HttpCall auditFirstPage() {
        return orgCall("GET", "/organizations/{organizationId}/audit-events", null).withQuery("limit", "10");
    }

    public HttpCall itContacts() {
        return orgCall("PUT", "/organizations/{organizationId}/it-contacts", "{\"emails\":[\"it@benchco.example\"]}");
    }

    public HttpCall portalLink(String intent) {
        return orgCall("POST", "/organizations/{organizationId}/portal-links",
                "{\"intent\":\"" + intent + "\",\"returnUrl\":\"https://" + ALLOWED_HOST + "/settings/identity\"}");
    }

    public HttpCall roleMappings() {
        return orgCall("PUT", "/organizations/{organizationId}/role-mappings", "{\"mappings\":[],\"defaultRole\":\"member\"}");
    }

    public HttpCall directoryUsers() {
        return orgCall("GET", "/organizations/{organizationId}/directory-users", null);
    }

    /**
     * A route of the template this class has no specific request for: the bench organization in the path,
     * its admin as the caller, {@code {}} as the body of a PUT or POST.
     */
    public HttpCall generic(String method, String routeTemplate) {
        Map<String, String> path = routeTemplate.contains("{organizationId}") ? Map.of("organizationId", organizationId) : Map.of();
        String body = method.equals("PUT") || method.equals("POST") ? "{}" : null;
        return new HttpCall(method, routeTemplate, path, Map.of(),
                body == null ? Map.of() : Map.of("content-type", "application/json"), admin(), body);
    }

    /** The vendor's back office sets the bench organization's plan: an IAM caller, no tenant token. */
    public HttpCall entitlements() {
        return new HttpCall("PUT", "/internal/organizations/{organizationId}/entitlements", Map.of("organizationId", organizationId),
                Map.of(), Map.of("content-type", "application/json"), Map.of(), "{\"sso\":true,\"directorySync\":true}",
                "arn:aws:sts::000000000000:assumed-role/gatekeep-bench/back-office");
    }

    public HttpCall providers() {
        return new HttpCall("GET", "/providers", Map.of(), Map.of(), Map.of(), admin(), null);
    }

    /** A webhook delivery of this body, signed now with the world's secret, as WorkOS sends it. */
    public HttpCall webhook(String body) {
        String signature = WebhookSignature.sign(webhookSecret, System.currentTimeMillis(), body.getBytes(StandardCharsets.UTF_8));
        return new HttpCall("POST", "/webhooks/workos", Map.of(), Map.of(),
                Map.of("content-type", "application/json", "user-agent", "WorkOS", "workos-signature", signature), Map.of(), body);
    }

    // ------------------------------------------------------------------ WorkOS event bodies

    private final AtomicLong lastInstant = new AtomicLong();

    /**
     * Event times as WorkOS stamps a burst of events: increasing (a millisecond apart at least) and never
     * before now, so never before the directory's last sync. (An event older than the directory's
     * lastSyncAt fails that condition and takes the webhook's two-transaction path: that is the
     * out-of-order case, measured as a worst path.)
     */
    public Instant nextInstant() {
        return Instant.ofEpochMilli(lastInstant.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis())));
    }

    public String nextId(String prefix) {
        return prefix + "_bench" + String.format("%020d", sequence.incrementAndGet());
    }

    /** {@code dsync.user.created} for a new user of {@code directoryId} (the webhook's common path: one transaction). */
    public String userCreated(String directoryId, String userId, Instant at) {
        return userEvent("dsync.user.created", directoryId, organizationId, userId, at);
    }

    public String userEvent(String name, String directoryId, String organizationId, String userId, Instant at) {
        ObjectNode user = Json.object();
        user.put("object", "directory_user");
        user.put("id", userId);
        user.put("directory_id", directoryId);
        if (organizationId != null) {
            user.put("organization_id", organizationId);
        }
        user.put("idp_id", userId.substring(Math.max(0, userId.length() - 8)));
        user.put("email", userId + "@benchco.example");
        user.put("first_name", "Bench");
        user.put("last_name", "User");
        ArrayNode emails = user.putArray("emails");
        emails.addObject().put("primary", true).put("type", "work").put("value", userId + "@benchco.example");
        user.put("state", "active");
        user.putObject("raw_attributes");
        user.putObject("custom_attributes").put("department", "Engineering");
        user.put("created_at", Times.iso(at));
        user.put("updated_at", Times.iso(at));
        return event(name, user, at);
    }

    /** {@code organization_membership.created} of a user with a role (WorkOS's OrganizationMembership shape). */
    public String membershipCreated(String userId, String role, Instant at) {
        ObjectNode m = Json.object();
        m.put("object", "organization_membership");
        m.put("id", "om_" + userId);
        m.put("user_id", userId);
        m.put("organization_id", organizationId);
        m.put("status", "active");
        m.putObject("role").put("slug", role);
        m.putArray("roles").addObject().put("slug", role);
        m.putObject("custom_attributes");
        m.put("directory_managed", false);
        m.put("created_at", Times.iso(at));
        m.put("updated_at", Times.iso(at));
        return event("organization_membership.created", m, at);
    }

    /** {@code authentication.sso_succeeded} (no error) or {@code sso_failed} (with this error message) through the connection. */
    public String signIn(String userId, Instant at, String failure) {
        ObjectNode d = Json.object();
        d.put("type", "sso");
        d.put("status", failure == null ? "succeeded" : "failed");
        d.put("ip_address", "203.0.113.42");
        d.put("user_agent", "Mozilla/5.0");
        d.put("user_id", userId);
        d.put("email", userId + "@benchco.example");
        d.putObject("sso").put("organization_id", organizationId).put("connection_id", connectionId).put("session_id", "sess_" + userId);
        if (failure != null) {
            d.putObject("error").put("code", "sso_failed").put("message", failure);
        }
        return event(failure == null ? "authentication.sso_succeeded" : "authentication.sso_failed", d, at);
    }

    public String organizationUpdated(String organizationId, String name, Instant at) {
        ObjectNode org = Json.object();
        org.put("object", "organization");
        org.put("id", organizationId);
        org.put("name", name);
        org.putArray("domains");
        org.put("created_at", Times.iso(at.minusSeconds(86_400)));
        org.put("updated_at", Times.iso(at));
        return event("organization.updated", org, at);
    }

    public String event(String name, ObjectNode data, Instant at) {
        ObjectNode event = Json.object();
        event.put("object", "event");
        event.put("id", nextId("event"));
        event.put("event", name);
        event.set("data", data);
        event.put("created_at", Times.iso(at));
        return Json.write(event);
    }

    @Override
    public void close() {
        emulator.close();
        local.close();
    }
}
