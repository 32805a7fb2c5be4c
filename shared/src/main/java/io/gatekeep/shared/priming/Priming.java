package io.gatekeep.shared.priming;

import io.gatekeep.shared.config.Config;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SnapStart priming of one function's success path: a CRaC {@link Resource} registered by the
 * handler's public no-arg constructor (the one Lambda calls). Lambda runs {@code beforeCheckpoint}
 * once, when it publishes a version, and snapshots the JVM after it; every instance restored from
 * that snapshot starts with the classes of the success path loaded, initialised and run once
 * (AWS Lambda developer guide, "Lambda SnapStart runtime hooks for Java").
 *
 * <p>The function's {@link Work} sends a synthetic request through a twin of the real handler,
 * built on a {@link PrimingSession}: DynamoDB and WorkOS are stand-ins on loopback endpoints of
 * this process, serving {@link StandInOrganization}. So priming writes nothing to the table,
 * needs neither the table nor WorkOS nor SSM to exist, and leaves no connection open: the session
 * is closed before the snapshot is taken. The handler's own clients are not touched (they have
 * made no call during Init), so there is nothing stale to drop after a restore; {@code afterRestore}
 * only closes a session a failed checkpoint left open, and calls nothing.
 *
 * <p>A priming failure is logged and swallowed: the function still serves, its first request is
 * only as slow as without priming, and a publish must not fail for it. Tests read {@link Outcome}.
 */
public final class Priming implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);
    /**
     * Strong references, one per function (CRaC contexts may hold resources weakly), in
     * registration order; a second handler of the same function replaces the first.
     */
    private static final Map<String, Priming> REGISTERED = new LinkedHashMap<>();

    /** The success-path work of one function, on the stand-ins of {@code session}. */
    @FunctionalInterface
    public interface Work {
        void prime(PrimingSession session) throws Exception;
    }

    /** What one priming did: whether it ran its whole success path, in how long, and why not. */
    public record Outcome(String function, boolean primed, long millis, int standInWrites, String failure) {}

    private final String function;
    private final Config config;
    private final Work work;
    private PrimingSession open;

    private Priming(String function, Config config, Work work) {
        this.function = function;
        this.config = config;
        this.work = work;
    }

    /** Registers {@code work} as {@code function}'s priming with CRaC's global context. */
    public static Priming register(String function, Config config, Work work) {
        Priming priming = new Priming(function, config, work);
        synchronized (REGISTERED) {
            REGISTERED.remove(function);
            REGISTERED.put(function, priming);
        }
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        closeSession();
    }

    /** Runs the function's success path once on the stand-ins. */
    public Outcome prime() {
        long start = System.nanoTime();
        int writes = 0;
        try {
            synchronized (this) {
                open = new PrimingSession(function, config, Clock.systemUTC());
            }
            work.prime(open);
            writes = open.standInWrites();
        } catch (Exception | LinkageError e) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.warn("priming {} failed after {} ms: {}: {}", function, millis, e.getClass().getName(), e.getMessage());
            return new Outcome(function, false, millis, writes, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            closeSession();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.info("primed {} in {} ms: success path served by stand-ins (stand-in writes: {}; table: none)",
                function, millis, writes);
        return new Outcome(function, true, millis, writes, null);
    }

    private synchronized void closeSession() {
        if (open != null) {
            try {
                open.close();
            } finally {
                open = null;
            }
        }
    }

    /**
     * What Lambda's CRaC context does around a snapshot, for a JVM without one (tests, the
     * benchmark's cold starts): {@code beforeCheckpoint} of every registered priming in reverse
     * order of registration, then {@code afterRestore} in order, as the SnapStart runtime-hooks
     * guide describes.
     */
    public static List<Outcome> checkpointAndRestore() {
        List<Priming> registered;
        synchronized (REGISTERED) {
            registered = new ArrayList<>(REGISTERED.values());
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = registered.size() - 1; i >= 0; i--) {
            outcomes.add(0, registered.get(i).prime());
        }
        registered.forEach(p -> p.afterRestore(null));
        return outcomes;
    }

    /** Forgets every registered priming (tests that construct handlers one after another). */
    public static void forgetRegistered() {
        synchronized (REGISTERED) {
            REGISTERED.clear();
        }
    }
}
