package io.gatekeep.emulator;

import io.gatekeep.emulator.Http.ApiError;
import io.gatekeep.emulator.Http.Req;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The WorkOS REST API subset the product uses, in the WorkOS wire format: a request's way in (the log of
 * requests received, injected {@link ApiFaults}, the API key, idempotent replay, errors in WorkOS's shape);
 * what each route does is {@link ApiRoutes}'.
 */
final class WorkOsApi {
    final ApiFaults faults = new ApiFaults();
    private final String apiKey;
    private final ApiRoutes routes;

    private record Cached(int status, byte[] body) {}

    private final Map<String, Cached> idempotency = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > 1000;
        }
    };

    WorkOsApi(State state, String apiKey, Function<String, String> portalUrl) {
        this.apiKey = apiKey;
        this.routes = new ApiRoutes(state, portalUrl, faults);
    }

    // ---------------------------------------------------------------- entry

    /** Every API request received ("GET /connections"), oldest first: what tests and budgets count. */
    private final Deque<String> received = new ConcurrentLinkedDeque<>();
    private final AtomicInteger receivedCount = new AtomicInteger();

    List<String> received() {
        return List.copyOf(received);
    }

    void clearReceived() {
        received.clear();
        receivedCount.set(0);
    }

    void handle(Req r) throws IOException {
        received.add(r.method + " " + r.path);
        if (receivedCount.incrementAndGet() > 10_000 && received.pollFirst() != null) {
            receivedCount.decrementAndGet();
        }
        faults.delay();
        Runnable before = faults.takeBefore(r.path);
        if (before != null) {
            before.run(); // a change made meanwhile by someone else: the request sees it
        }
        ApiError fault = faults.next(r.path);
        if (fault != null) {
            Http.sendError(r.exchange, fault);
            return;
        }
        String auth = r.header("Authorization");
        if (auth == null || !auth.equals("Bearer " + apiKey)) {
            Http.sendError(r.exchange, ApiError.unauthorized());
            return;
        }
        // Only operations whose spec declares the Idempotency-Key header replay an earlier answer;
        // every other POST (generate_link included) does its work again, as documented.
        String idemKey = State.CATALOGUE.idempotentOperations().contains(r.method + " " + r.path)
                ? r.header("Idempotency-Key") : null;
        String cacheKey = idemKey == null ? null : r.method + " " + r.path + " " + idemKey;
        if (cacheKey != null) {
            Cached c;
            synchronized (idempotency) {
                c = idempotency.get(cacheKey);
            }
            if (c != null) {
                Http.send(r.exchange, c.status(), "application/json; charset=utf-8", c.body(), Map.of());
                return;
            }
        }
        ApiRoutes.Result res;
        try {
            res = routes.route(r);
        } catch (ApiError e) {
            Http.sendError(r.exchange, e);
            return;
        } catch (State.NotFound nf) {
            Http.sendError(r.exchange, ApiError.notFound(nf));
            return;
        } catch (IllegalArgumentException e) {
            Http.sendError(r.exchange, ApiError.validation(fieldOf(e.getMessage()), e.getMessage()));
            return;
        }
        byte[] body = res.body() == null ? new byte[0] : Json.write(res.body()).getBytes(StandardCharsets.UTF_8);
        if (cacheKey != null) {
            synchronized (idempotency) {
                idempotency.put(cacheKey, new Cached(res.status(), body));
            }
        }
        Http.send(r.exchange, res.status(), res.body() == null ? null : "application/json; charset=utf-8", body,
                Map.of());
    }

    private static String fieldOf(String message) {
        if (message == null) {
            return null;
        }
        int i = message.indexOf(':');
        int j = message.indexOf(' ');
        int cut = i > 0 && (j < 0 || i < j) ? i : j;
        return cut > 0 ? message.substring(0, cut) : message;
    }
}
