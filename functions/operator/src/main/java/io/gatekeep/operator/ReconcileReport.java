package io.gatekeep.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.shared.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a reconcile run answers: counts in total and per kind, the events applied and the cursor
 * before and after, deletion checks, time per phase, and for a stopped run why and where to resume
 * ({@code resumeFrom}, and {@code next}: the request that resumes it); plus its one audit line.
 */
final class ReconcileReport {
    private final String organizationId;
    long eventsApplied;
    long eventsDuplicate;
    long eventsIgnored;
    long eventsKeptForReplay;
    String cursorBefore;
    String cursorAfter;
    /** Milliseconds per phase ({@link ReconcilePosition.Phase#wire}), in the order the phases ran. */
    final Map<String, Long> phaseMillis = new LinkedHashMap<>();
    /** Null when the run completed. */
    String stoppedBecause;
    Long retryAfterSeconds;

    ReconcileReport(String organizationId) {
        this.organizationId = organizationId;
    }

    ObjectNode toJson(ObjectMerge objects, long durationMs, ReconcilePosition position) {
        Counts total = total(objects);
        ObjectNode report = Json.object();
        report.put("action", "reconcile");
        report.put("organizationId", organizationId);
        report.put("complete", stoppedBecause == null);
        report.put("created", total.created);
        report.put("updated", total.updated);
        report.put("deleted", total.deleted);
        report.put("unchanged", total.unchanged);
        ObjectNode events = report.putObject("events");
        events.put("applied", eventsApplied);
        events.put("duplicates", eventsDuplicate);
        events.put("ignored", eventsIgnored);
        events.put("keptForReplay", eventsKeptForReplay);
        events.put("cursorBefore", cursorBefore);
        events.put("cursorAfter", cursorAfter);
        ObjectNode byKind = report.putObject("byKind");
        objects.counts.forEach((kind, c) -> byKind.set(kind, c.toJson()));
        report.put("deletionChecks", objects.verifications);
        report.put("durationMs", durationMs);
        ObjectNode phases = report.putObject("phaseMs");
        phaseMillis.forEach(phases::put);
        if (stoppedBecause != null) {
            report.put("stoppedBecause", stoppedBecause);
            if (retryAfterSeconds != null) {
                report.put("retryAfterSeconds", retryAfterSeconds);
            }
            ObjectNode resumeFrom = position.toJson();
            report.set("resumeFrom", resumeFrom);
            ObjectNode next = report.putObject("next");
            next.put("action", "reconcile");
            next.put("organizationId", organizationId);
            next.set("resumeFrom", resumeFrom.deepCopy());
        }
        return report;
    }

    /** The audit entry's summary. */
    String summary(ObjectMerge objects) {
        Counts total = total(objects);
        return "Reconcile " + (stoppedBecause == null ? "complete" : "stopped (" + stoppedBecause + ")")
                + ": " + total.created + " created, " + total.updated + " updated, " + total.deleted + " deleted, "
                + total.unchanged + " unchanged; " + eventsApplied + " events applied, " + eventsDuplicate + " duplicates.";
    }

    private static Counts total(ObjectMerge objects) {
        Counts total = new Counts();
        objects.counts.values().forEach(total::add);
        return total;
    }
}
