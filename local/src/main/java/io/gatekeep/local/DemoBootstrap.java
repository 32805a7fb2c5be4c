package io.gatekeep.local;

import io.gatekeep.emulator.DemoWorld;
import io.gatekeep.emulator.EmulatorControl;
import io.gatekeep.emulator.StoredEvent;
import io.gatekeep.local.LocalSystem.DemoLoad;
import io.gatekeep.local.LocalSystem.DevToken;
import io.gatekeep.local.LocalSystem.Reconciled;
import io.gatekeep.shared.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the table learns the emulator's demo world on a first start, as it learns anything from WorkOS:
 * each of its events pushed, signed, to the webhook route ({@link #pushEvents}), then what an operator
 * does after onboarding ({@link #reconcile}); and the demo world's dev tokens ({@link #devToken}).
 */
final class DemoBootstrap {
    private final LambdaFunctions functions;
    private final DemoWorld demo;

    DemoBootstrap(LambdaFunctions functions, DemoWorld demo) {
        this.functions = functions;
        this.demo = demo;
    }

    /** The demo organizations by name: Acme, Globex, Initech. */
    static Map<String, String> organizations(DemoWorld demo) {
        Map<String, String> orgs = new LinkedHashMap<>();
        orgs.put("Acme", demo.acmeOrganizationId());
        orgs.put("Globex", demo.globexOrganizationId());
        orgs.put("Initech", demo.initechOrganizationId());
        return orgs;
    }

    /** A dev token of the demo world ({@code sub user_<org>_<role>}, {@code email <role>@<org>.com}), from the emulator. */
    static DevToken devToken(EmulatorControl emulator, String organizationName, String organizationId, String role, long ttlSeconds) {
        String slug = organizationName.toLowerCase(Locale.ROOT);
        String sub = "user_" + slug + "_" + role;
        String email = role + "@" + slug + ".com";
        return new DevToken(organizationName, organizationId, role, sub, email,
                emulator.issueToken(sub, organizationId, role, email, ttlSeconds));
    }

    /** Each stored event, exactly as the emulator delivers it: the same body, signed with the endpoint's secret. */
    DemoLoad pushEvents(List<StoredEvent> events, URI webhookUrl, String webhookSecret) {
        var webhooks = functions.all().stream()
                .filter(f -> f.function().routes().stream().anyMatch(r -> r.path().equals(TemplateCheck.WEBHOOK_PATH)))
                .findFirst();
        if (webhooks.isEmpty() || !webhooks.get().available()) {
            return new DemoLoad(false, events.size(), 0, Map.of(),
                    "not loaded: the webhook function is not available yet; it will be loaded at the next start", 0);
        }
        long started = System.nanoTime();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, Integer> statuses = new TreeMap<>();
        int accepted = 0;
        for (StoredEvent event : events.stream().sorted(Comparator.comparing(StoredEvent::createdAt)).toList()) {
            long t = System.currentTimeMillis();
            int status;
            try {
                status = http.send(HttpRequest.newBuilder(webhookUrl)
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .header("User-Agent", "Gatekeep-Local-Runner")
                                .header("WorkOS-Signature", "t=" + t + ", v1=" + hmac(t + "." + event.json(), webhookSecret))
                                .POST(HttpRequest.BodyPublishers.ofString(event.json(), StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = -1;
            }
            statuses.merge(status, 1, Integer::sum);
            if (status >= 200 && status < 300) {
                accepted++;
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        String note = accepted == events.size()
                ? "pushed as signed webhooks and loaded into the table in " + String.format(Locale.ROOT, "%.1f s", millis / 1000.0)
                : "partly loaded (" + accepted + " of " + events.size() + " accepted, statuses " + statuses
                  + "); all are pushed again at the next start";
        return new DemoLoad(false, events.size(), accepted, statuses, note, millis);
    }

    /**
     * What an operator does after onboarding: reconcile each demo organization with WorkOS. No webhook
     * announces a connection that is still a draft (Globex's), so only a reconcile brings it into the
     * table; for the rest it finds everything unchanged.
     */
    List<Reconciled> reconcile() {
        var operator = functions.get(LocalSystem.OPERATOR_FUNCTION).filter(LambdaFunctions.Deployed::available);
        List<Reconciled> results = new ArrayList<>();
        for (var org : organizations(demo).entrySet()) {
            if (operator.isEmpty()) {
                results.add(new Reconciled(org.getKey(), org.getValue(), false, LocalSystem.OPERATOR_FUNCTION + " is not available"));
                continue;
            }
            String event = Json.write(Map.of("action", "reconcile", "organizationId", org.getValue()));
            try {
                if (org.getKey().equals("Acme") || org.getKey().equals("Globex")) {
                    // Acme is the "fully set up" demo: its IT contact and a plan with SSO and Directory Sync, kept
                    // by the product (not WorkOS), set the way an operator onboards an existing organization.
                    // Globex's plan has SSO only (its Directory Sync section shows the account-manager note);
                    // Initech's has nothing yet.
                    boolean acme = org.getKey().equals("Acme");
                    Map<String, Object> fields = new LinkedHashMap<>(Map.of("action", "onboard", "organizationId", org.getValue(),
                            "sso", true, "directorySync", acme, "actor", "local runner"));
                    if (acme) {
                        fields.put("itContacts", List.of("it@acme.com"));
                    }
                    String onboard = Json.write(fields);
                    var onboarded = Json.parse(new String(
                            functions.invokeJson(operator.get(), onboard.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
                    if (onboarded.has("error")) {
                        results.add(new Reconciled(org.getKey(), org.getValue(), false,
                                "onboard " + onboarded.path("error").asText() + ": " + onboarded.path("message").asText("")));
                        continue;
                    }
                }
                var report = Json.parse(new String(
                        functions.invokeJson(operator.get(), event.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
                boolean ok = !report.has("error") && report.path("complete").asBoolean(true);
                String summary = ok
                        ? report.path("created").asInt() + " created, " + report.path("updated").asInt() + " updated, "
                          + report.path("deleted").asInt() + " deleted, " + report.path("unchanged").asInt() + " unchanged"
                        : report.path("error").asText("incomplete") + ": " + report.path("message").asText("");
                results.add(new Reconciled(org.getKey(), org.getValue(), ok, summary));
            } catch (LambdaFunctions.FunctionError | IllegalArgumentException e) {
                results.add(new Reconciled(org.getKey(), org.getValue(), false, e.getMessage()));
            }
        }
        return List.copyOf(results);
    }

    private static String hmac(String payload, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
