package io.gatekeep.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pushes every stored event to the registered endpoints the way WorkOS does: POST of the raw event JSON with
 * {@code WorkOS-Signature: t=<unix ms>, v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}, retried with
 * exponential backoff until a 2xx arrives or the attempts run out. Deliveries run on one background thread,
 * so without faults they arrive in event order; retries are scheduled, never blocking later events.
 *
 * <p>Fault modes (all applied per endpoint): drop a fraction (seeded Random; the event stays in the Events
 * API), deliver each event k times, shuffle within windows of n deliveries, delay each delivery.
 */
final class WebhookDispatcher implements AutoCloseable {
    static final String SIGNATURE_HEADER = "WorkOS-Signature";
    private static final long SHUFFLE_LINGER_MS = 100;

    private final List<WebhookEndpoint> endpoints = new CopyOnWriteArrayList<>();
    private final List<DeliveryAttempt> log = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final Ids ids;
    private final Object lock = new Object();

    // guarded by lock
    private int pending;
    private final List<Job> shuffleBuffer = new ArrayList<>();
    private ScheduledFuture<?> lingerFlush;
    private WebhookFaults faults = WebhookFaults.NONE;
    private Random faultRandom = new Random(WebhookFaults.NONE.seed());
    private int maxAttempts;
    private long initialBackoffMs;
    private long maxBackoffMs;

    private record Job(StoredEvent event, WebhookEndpoint endpoint, int copy, int attempt) {}

    WebhookDispatcher(Ids ids, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this.ids = ids;
        this.maxAttempts = maxAttempts;
        this.initialBackoffMs = initialBackoff.toMillis();
        this.maxBackoffMs = maxBackoff.toMillis();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "workos-emulator-webhooks");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    WebhookEndpoint register(String url, String secret, Set<String> events) {
        URI uri = URI.create(url);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("url must be http(s)");
        }
        State.requireText(secret, "secret");
        WebhookEndpoint e = new WebhookEndpoint(ids.next("we_", System.currentTimeMillis()), url, secret,
                events == null ? Set.of() : Set.copyOf(events));
        endpoints.add(e);
        return e;
    }

    boolean unregister(String id) {
        return endpoints.removeIf(e -> e.id().equals(id));
    }

    List<WebhookEndpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    List<DeliveryAttempt> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    void clearLog() {
        log.clear();
    }

    WebhookFaults faults() {
        synchronized (lock) {
            return faults;
        }
    }

    /** Applies these fault modes from the next delivery on; resets the Random behind drops and shuffles to their seed. */
    void faults(WebhookFaults faults) {
        synchronized (lock) {
            this.faults = faults;
            this.faultRandom = new Random(faults.seed());
        }
    }

    void configureRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        synchronized (lock) {
            this.maxAttempts = maxAttempts;
            this.initialBackoffMs = initialBackoff.toMillis();
            this.maxBackoffMs = maxBackoff.toMillis();
        }
    }

    /** Called (under the state lock) for each new event, in event order. */
    void enqueue(StoredEvent event) {
        synchronized (lock) {
            for (WebhookEndpoint ep : endpoints) {
                if (!ep.events().isEmpty() && !ep.events().contains(event.event())) {
                    continue;
                }
                if (faults.dropFraction() > 0 && faultRandom.nextDouble() < faults.dropFraction()) {
                    log.add(new DeliveryAttempt(event.id(), event.event(), ep.id(), ep.url(), 1, 0, -1, "dropped",
                            null, Instant.now()));
                    continue;
                }
                for (int copy = 1; copy <= faults.duplicates(); copy++) {
                    Job job = new Job(event, ep, copy, 1);
                    pending++;
                    if (faults.shuffleWindow() > 1) {
                        shuffleBuffer.add(job);
                        if (shuffleBuffer.size() >= faults.shuffleWindow()) {
                            flushShuffleLocked();
                        } else if (lingerFlush == null) {
                            lingerFlush = scheduler.schedule(this::flushShuffle, SHUFFLE_LINGER_MS, TimeUnit.MILLISECONDS);
                        }
                    } else {
                        schedule(job, faults.delayMs());
                    }
                }
            }
        }
    }

    private void flushShuffle() {
        synchronized (lock) {
            flushShuffleLocked();
        }
    }

    private void flushShuffleLocked() {
        if (lingerFlush != null) {
            lingerFlush.cancel(false);
            lingerFlush = null;
        }
        if (shuffleBuffer.isEmpty()) {
            return;
        }
        List<Job> batch = new ArrayList<>(shuffleBuffer);
        shuffleBuffer.clear();
        Collections.shuffle(batch, faultRandom);
        for (Job j : batch) {
            schedule(j, faults.delayMs());
        }
    }

    private void schedule(Job job, long delay) {
        try {
            scheduler.schedule(() -> deliver(job), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            done();
        }
    }

    private void deliver(Job job) {
        int status = -1;
        String error = null;
        try {
            long t = System.currentTimeMillis();
            String header = signatureHeader(t, job.event().json(), job.endpoint().secret());
            HttpRequest req = HttpRequest.newBuilder(URI.create(job.endpoint().url()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "WorkOS-Emulator-Webhooks/1.0")
                    .header(SIGNATURE_HEADER, header)
                    .POST(HttpRequest.BodyPublishers.ofString(job.event().json(), StandardCharsets.UTF_8))
                    .build();
            HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
            status = resp.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        boolean ok = status >= 200 && status < 300;
        int max;
        long backoff;
        synchronized (lock) {
            max = maxAttempts;
            backoff = Math.min(maxBackoffMs, initialBackoffMs * (1L << Math.min(20, job.attempt() - 1)));
        }
        String outcome = ok ? "delivered" : (job.attempt() < max ? "retrying" : "gave_up");
        log.add(new DeliveryAttempt(job.event().id(), job.event().event(), job.endpoint().id(), job.endpoint().url(),
                job.copy(), job.attempt(), status, outcome, error, Instant.now()));
        if ("retrying".equals(outcome) && endpoints.contains(job.endpoint())) {
            schedule(new Job(job.event(), job.endpoint(), job.copy(), job.attempt() + 1), backoff);
        } else {
            done();
        }
    }

    private void done() {
        synchronized (lock) {
            pending--;
            lock.notifyAll();
        }
    }

    /** Waits until no delivery is pending (retries included); flushes a partial shuffle window first. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            flushShuffleLocked();
            while (pending > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                lock.wait(left);
            }
            return true;
        }
    }

    static String signatureHeader(long timestampMillis, String body, String secret) {
        return "t=" + timestampMillis + ", v1=" + sign(timestampMillis + "." + body, secret);
    }

    static String sign(String payload, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        http.close();
    }
}
