package io.gatekeep.directoryroles;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.gatekeep.shared.Ids;
import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.projection.RoleJobs;
import io.gatekeep.shared.projection.RoleMappings;
import io.gatekeep.shared.table.Dynamo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The role-jobs function: every minute (an EventBridge schedule) it runs the queued directory-role
 * re-derivations ({@link RoleJobs}: mapping changes the PUT did not finish, deleted groups, deleted
 * directories) until 30 s before its deadline. Invoked with {@code {"organizationId": "org_..."}} it
 * first writes the copies of its role mapping that hot memberships check (a mapping saved before they
 * existed has none) and queues a walk of that organization (once after deploying: its existing users get
 * listed and their roles derived). Answers what it did; a run that failed leaves its job queued.
 */
public final class RoleJobsHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    static final long MARGIN_MS = 30_000;
    private static final Logger LOG = LoggerFactory.getLogger(RoleJobsHandler.class);

    private final RoleJobs jobs;
    private final RoleMappings mappings;

    public RoleJobsHandler() {
        this(Config.fromEnvironment());
    }

    private RoleJobsHandler(Config config) {
        this(config, Dynamo.client(config), Clock.systemUTC());
        RoleMappingsPriming.registerRoleJobs(config);
    }

    public RoleJobsHandler(Config config, DynamoDbClient dynamo, Clock clock) {
        this.jobs = new RoleJobs(dynamo, config.tableName(), clock);
        this.mappings = new RoleMappings(dynamo, config.tableName(), clock);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        if (context == null) {
            return run(event, null);
        }
        return PowertoolsLogging.withLogging(context, () -> run(event, context));
    }

    private Map<String, Object> run(Map<String, Object> event, Context context) {
        Map<String, Object> report = new LinkedHashMap<>();
        Object organizationId = event == null ? null : event.get("organizationId");
        if (organizationId != null) {
            if (!(organizationId instanceof String id) || !Ids.isWorkOsId(id)) {
                report.put("error", "invalid_event");
                report.put("message", "\"organizationId\" must be an organization id (org_...).");
                return report;
            }
            report.put("mappingCopied", mappings.writeCopies(id)); // a mapping saved before its copies existed
            jobs.enqueue(id);
        }
        long budget = context == null ? 60_000 : Math.max(0, context.getRemainingTimeInMillis() - MARGIN_MS);
        List<RoleJobs.Result> results = jobs.runPending(System.nanoTime() + budget * 1_000_000);
        report.put("jobs", results.stream().map(r -> {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("organizationId", r.organizationId());
            job.put("status", r.complete() ? "complete" : "in_progress");
            job.put("usersChecked", r.usersChecked());
            job.put("usersChanged", r.usersChanged());
            return job;
        }).toList());
        results.forEach(r -> LOG.info("role job {}: {}, {} users checked, {} changed", r.organizationId(),
                r.complete() ? "complete" : "in progress", r.usersChecked(), r.usersChanged()));
        return report;
    }
}
