package io.gatekeep.emulator;

import static io.gatekeep.emulator.ControlJson.required;
import static io.gatekeep.emulator.ControlJson.str;
import static io.gatekeep.emulator.ControlJson.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.emulator.ControlJson.BadRequest;
import io.gatekeep.emulator.Http.Req;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The HTTP control API under {@code /_emulator/} (JSON, snake_case, no authentication: the emulator binds to
 * 127.0.0.1). It mirrors {@link EmulatorControl}; objects are answered in the WorkOS wire format. Errors are
 * {@code {"error","message"}} with 400 (bad input) or 404 (unknown id or route).
 */
final class ControlHttp {
    private final WorkOsEmulator emu;
    private final EmulatorControl control;
    private final State state;
    private final ControlSeeding seeding;

    ControlHttp(WorkOsEmulator emu, EmulatorControl control, State state) {
        this.emu = emu;
        this.control = control;
        this.state = state;
        this.seeding = new ControlSeeding(control, state);
    }

    void handle(Req r) throws IOException {
        try {
            JsonNode out = route(r, r.segments().subList(1, r.segments().size()));
            if (out == null) {
                Http.send(r.exchange, 204, null, new byte[0], Map.of());
            } else {
                Http.sendJson(r.exchange, 200, out);
            }
        } catch (NoSuchElementException | State.NotFound e) {
            Http.sendJson(r.exchange, 404, ControlJson.error("not_found", e.getMessage()));
        } catch (IllegalArgumentException | BadRequest | NullPointerException e) {
            Http.sendJson(r.exchange, 400, ControlJson.error("invalid_request", String.valueOf(e.getMessage())));
        } catch (Http.ApiError e) {
            Http.sendJson(r.exchange, e.status, ControlJson.error("invalid_request", e.getMessage()));
        }
    }

    private JsonNode route(Req r, List<String> s) {
        String m = r.method;
        int n = s.size();
        String head = n == 0 ? "" : s.get(0);
        String id = n > 1 ? s.get(1) : null;
        switch (head) {
            case "", "health" -> {
                if (m.equals("GET")) {
                    return info().put("ok", true);
                }
            }
            case "reset" -> {
                if (m.equals("POST")) {
                    control.reset();
                    return null;
                }
            }
            case "demo" -> {
                if (m.equals("POST")) {
                    return Json.SNAKE.valueToTree(control.seedDemoWorld());
                }
            }
            case "seed" -> {
                if (m.equals("POST")) {
                    return seeding.seed(r.json());
                }
            }
            case "snapshot" -> {
                if (m.equals("GET")) {
                    return ControlJson.snapshotJson(control.snapshot());
                }
            }
            case "events" -> {
                if (m.equals("GET")) {
                    String names = r.q("events");
                    List<StoredEvent> events = names == null ? control.events() : control.events(names.split(","));
                    ArrayNode arr = Json.arr();
                    events.forEach(e -> arr.add(e.payload()));
                    return arr;
                }
            }
            case "deliveries" -> {
                if (n == 1 && m.equals("GET")) {
                    return Json.MAPPER.valueToTree(control.deliveries().stream().map(ControlJson::deliveryJson).toList());
                }
                if (n == 2 && id.equals("await") && m.equals("POST")) {
                    long ms = r.json().path("timeout_ms").asLong(10_000);
                    return Json.obj().put("idle", control.awaitDeliveries(Duration.ofMillis(ms)));
                }
            }
            case "organizations" -> {
                return organizations(r, s);
            }
            case "domains" -> {
                if (n == 3 && m.equals("POST")) {
                    ObjectNode b = r.json();
                    Snapshot.Domain d = switch (s.get(2)) {
                        case "verify" -> control.verifyDomain(id);
                        case "fail" -> control.failDomain(id, b.path("reason").asText("domain_verification_period_expired"));
                        case "reset" -> control.resetDomain(id);
                        default -> throw new NoSuchElementException("Cannot POST " + r.path);
                    };
                    return state.objects.domain(state.domain(d.id()));
                }
                if (n == 2 && m.equals("DELETE")) {
                    control.deleteDomain(id);
                    return null;
                }
            }
            case "connections" -> {
                return connections(r, s);
            }
            case "directories" -> {
                return directories(r, s);
            }
            case "users" -> {
                if (n == 2 && m.equals("POST")) {
                    ObjectNode b = r.json();
                    Map<String, Object> custom = b.has("custom_attributes")
                            ? Json.MAPPER.convertValue(b.get("custom_attributes"), Json.MAPPER.getTypeFactory()
                                    .constructMapType(LinkedHashMap.class, String.class, Object.class))
                            : null;
                    control.updateUser(id, new UserUpdate(str(b, "first_name"), str(b, "last_name"), str(b, "email"),
                            str(b, "state"), str(b, "job_title"), str(b, "role"), custom));
                    return state.objects.user(state.user(id), true);
                }
                if (n == 2 && m.equals("DELETE")) {
                    control.deleteUser(id);
                    return null;
                }
            }
            case "groups" -> {
                if (n == 2 && m.equals("POST")) {
                    control.renameGroup(id, required(r.json(), "name"));
                    return state.objects.group(state.group(id));
                }
                if (n == 2 && m.equals("DELETE")) {
                    control.deleteGroup(id);
                    return null;
                }
                if (n == 3 && s.get(2).equals("members") && m.equals("POST")) {
                    boolean added = control.addUserToGroup(id, required(r.json(), "user_id"));
                    return Json.obj().put("changed", added);
                }
                if (n == 4 && s.get(2).equals("members") && m.equals("DELETE")) {
                    return Json.obj().put("changed", control.removeUserFromGroup(id, s.get(3)));
                }
            }
            case "webhooks" -> {
                if (n == 1 && m.equals("POST")) {
                    ObjectNode b = r.json();
                    Set<String> events = new LinkedHashSet<>();
                    b.path("events").forEach(e -> events.add(e.asText()));
                    return Json.SNAKE.valueToTree(
                            control.registerWebhook(required(b, "url"), required(b, "secret"), events));
                }
                if (n == 1 && m.equals("GET")) {
                    return Json.SNAKE.valueToTree(control.webhooks());
                }
                if (n == 2 && m.equals("DELETE")) {
                    if (!control.unregisterWebhook(id)) {
                        throw new NoSuchElementException("Webhook endpoint not found: '" + id + "'.");
                    }
                    return null;
                }
            }
            case "tokens" -> {
                if (m.equals("POST")) {
                    ObjectNode b = r.json();
                    long ttl = b.path("ttl").asLong(3600);
                    String token = control.issueToken(required(b, "sub"), str(b, "org_id", "orgId"), str(b, "role"),
                            str(b, "email"), ttl);
                    return Json.obj().put("token", token).put("expires_in", ttl);
                }
            }
            case "portal_links" -> {
                if (m.equals("POST")) {
                    ObjectNode b = r.json();
                    return Json.obj().put("link", control.generatePortalLink(required(b, "organization"), str(b, "intent")));
                }
            }
            case "faults" -> {
                return faults(r, s);
            }
            case "clock" -> {
                if (n == 1 && m.equals("GET")) {
                    return Json.obj().put("now", EmuClock.format(control.now()));
                }
                if (n == 2 && id.equals("advance") && m.equals("POST")) {
                    ObjectNode b = r.json();
                    control.advanceClock(Duration.ofMillis(b.path("millis").asLong(0))
                            .plusSeconds(b.path("seconds").asLong(0))
                            .plusDays(b.path("days").asLong(0)));
                    return Json.obj().put("now", EmuClock.format(control.now()));
                }
            }
            default -> {
                // 404 below
            }
        }
        throw new NoSuchElementException("Cannot " + m + " " + r.path);
    }

    ObjectNode info() {
        ObjectNode n = Json.obj();
        n.put("base_url", emu.baseUrl());
        n.put("api_key", emu.apiKey());
        n.put("client_id", emu.clientId());
        n.put("issuer", emu.issuer());
        n.put("jwks_url", emu.jwksUrl());
        return n;
    }

    private JsonNode organizations(Req r, List<String> s) {
        String m = r.method;
        int n = s.size();
        if (n == 1 && m.equals("POST")) {
            ObjectNode b = r.json();
            Snapshot.Organization o = seeding.createOrganization(b);
            return state.objects.organization(state.org(o.id()));
        }
        if (n == 1 && m.equals("GET")) {
            ArrayNode arr = Json.arr();
            synchronized (state) {
                state.orgs.values().forEach(o -> arr.add(state.objects.organization(o)));
            }
            return arr;
        }
        String id = s.get(1);
        if (n == 2 && m.equals("GET")) {
            return state.objects.organization(state.org(id));
        }
        if (n == 2 && (m.equals("POST") || m.equals("PUT"))) {
            control.updateOrganization(id, required(r.json(), "name"));
            return state.objects.organization(state.org(id));
        }
        if (n == 2 && m.equals("DELETE")) {
            control.deleteOrganization(id);
            return null;
        }
        if (n == 3 && s.get(2).equals("domains") && m.equals("POST")) {
            ObjectNode b = r.json();
            Snapshot.Domain d = control.addDomain(id, required(b, "domain"), b.path("state").asText("pending"));
            return state.objects.domain(state.domain(d.id()));
        }
        if (n == 4 && s.get(2).equals("memberships") && m.equals("DELETE")) {
            return control.deleteMembership(id, s.get(3)).payload();
        }
        throw new NoSuchElementException("Cannot " + m + " " + r.path);
    }

    private JsonNode connections(Req r, List<String> s) {
        String m = r.method;
        int n = s.size();
        if (n == 1 && m.equals("POST")) {
            return seeding.createConnection(r.json(), null);
        }
        String id = n > 1 ? s.get(1) : null;
        if (n == 2 && m.equals("GET")) {
            return state.objects.connection(state.conn(id));
        }
        if (n == 2 && m.equals("DELETE")) {
            control.deleteConnection(id);
            return null;
        }
        if (n == 3 && s.get(2).equals("state") && m.equals("POST")) {
            control.setConnectionState(id, required(r.json(), "state"));
            return state.objects.connection(state.conn(id));
        }
        if (n == 3 && s.get(2).equals("sign_ins") && m.equals("POST")) {
            ObjectNode b = r.json();
            ArrayNode events = Json.arr();
            control.signIn(id, required(b, "email"), str(b, "role"), b.path("outcome").asText("succeeded"), str(b, "reason"))
                    .forEach(e -> events.add(e.payload()));
            ObjectNode out = Json.obj();
            out.set("events", events);
            return out;
        }
        if (n >= 3 && s.get(2).equals("certificate") && m.equals("POST")) {
            ObjectNode b = r.json();
            if (n == 3) {
                control.setCertificate(id, str(b, "certificate_type"), time(required(b, "expiry_date")));
                return seeding.connectionWithCertificate(id);
            }
            if (s.get(3).equals("renewal_required")) {
                return control.emitCertificateRenewalRequired(id).payload();
            }
            if (s.get(3).equals("renew")) {
                String expiry = str(b, "expiry_date");
                control.renewCertificate(id, expiry == null ? null : time(expiry));
                return seeding.connectionWithCertificate(id);
            }
        }
        throw new NoSuchElementException("Cannot " + m + " " + r.path);
    }

    private JsonNode directories(Req r, List<String> s) {
        String m = r.method;
        int n = s.size();
        if (n == 1 && m.equals("POST")) {
            return seeding.createDirectory(r.json(), null);
        }
        String id = n > 1 ? s.get(1) : null;
        if (n == 2 && m.equals("GET")) {
            return state.objects.directory(state.dir(id));
        }
        if (n == 2 && m.equals("DELETE")) {
            control.deleteDirectory(id);
            return null;
        }
        if (n == 3 && s.get(2).equals("state") && m.equals("POST")) {
            control.setDirectoryState(id, required(r.json(), "state"));
            return state.objects.directory(state.dir(id));
        }
        if (n == 3 && s.get(2).equals("users") && m.equals("POST")) {
            ObjectNode b = r.json();
            ArrayNode arr = Json.arr();
            if (b.has("email")) {
                Snapshot.User u = control.createUser(id, required(b, "email"), str(b, "first_name"), str(b, "last_name"));
                arr.add(state.objects.user(state.user(u.id()), false));
            } else {
                for (Snapshot.User u : control.addUsers(id, b.path("count").asInt(1))) {
                    arr.add(state.objects.user(state.user(u.id()), false));
                }
            }
            return arr;
        }
        if (n == 3 && s.get(2).equals("groups") && m.equals("POST")) {
            Snapshot.Group g = control.createGroup(id, required(r.json(), "name"));
            return state.objects.group(state.group(g.id()));
        }
        throw new NoSuchElementException("Cannot " + m + " " + r.path);
    }

    private JsonNode faults(Req r, List<String> s) {
        String m = r.method;
        if (s.size() == 1 && m.equals("DELETE")) {
            control.clearFaults();
            return null;
        }
        if (s.size() == 1 && m.equals("POST")) {
            ObjectNode b = r.json();
            if (b.has("duplicates")) {
                control.webhookDuplicates(b.get("duplicates").asInt());
            }
            if (b.has("shuffle_window")) {
                control.webhookShuffleWindow(b.get("shuffle_window").asInt());
            }
            if (b.has("delay_ms")) {
                control.webhookDelay(Duration.ofMillis(b.get("delay_ms").asLong()));
            }
            if (b.has("drop_fraction")) {
                control.webhookDropFraction(b.get("drop_fraction").asDouble());
            }
            if (b.has("seed")) {
                control.faultSeed(b.get("seed").asLong());
            }
            if (b.has("api_latency_ms")) {
                control.apiLatency(Duration.ofMillis(b.get("api_latency_ms").asLong()));
            }
            if (b.has("event_visibility_lag_ms")) {
                control.eventVisibilityLag(Duration.ofMillis(b.get("event_visibility_lag_ms").asLong()));
            }
            JsonNode retry = b.path("retry");
            if (retry.isObject()) {
                control.webhookRetry(retry.path("max_attempts").asInt(8),
                        Duration.ofMillis(retry.path("initial_backoff_ms").asLong(1000)),
                        Duration.ofMillis(retry.path("max_backoff_ms").asLong(60_000)));
            }
            return Json.obj().put("ok", true);
        }
        if (s.size() == 2 && s.get(1).equals("fail_next") && m.equals("POST")) {
            ObjectNode b = r.json();
            control.failNext(b.path("count").asInt(1), b.path("status").asInt(429),
                    b.hasNonNull("retry_after") ? b.get("retry_after").asInt() : null, str(b, "path_prefix"));
            return Json.obj().put("ok", true);
        }
        throw new NoSuchElementException("Cannot " + m + " " + r.path);
    }

}
