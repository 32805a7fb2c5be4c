package io.gatekeep.local;

import io.gatekeep.shared.Json;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.filter.ThresholdFilter;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where the local run's logs go besides the console. DynamoDB Local logs two lines for every request it
 * serves and a WARN stack trace for every transaction it cancels (which the webhook path expects: a
 * duplicate delivery fails its condition): all of that goes to {@value #DYNAMODB_LOG} in the data
 * directory. While the runner loads the demo world (a few hundred signed webhooks, then a reconcile),
 * the functions' INFO lines are held back from the console ({@link #quietly}); their warnings and errors
 * still show, and the banner says how the load went.
 *
 * <p>The functions log through Log4j as in Lambda (shared's {@code log4j2.xml}, Powertools' JSON
 * layout); this only adds a file appender for DynamoDB Local's loggers and, for the load, a threshold
 * filter on the functions' logger. {@link #close} takes both away again.
 */
final class LocalLogs implements AutoCloseable {
    static final String DYNAMODB_LOG = "dynamodb-local.log";
    private static final String CONFIGURATION = "log4j2.xml";
    /** DynamoDB Local's loggers (its server, and the embedded engine's older package). */
    static final List<String> DYNAMODB_LOGGERS = List.of("software.amazon.dynamodb", "com.amazonaws.services.dynamodbv2");
    /** The functions', the emulator's and the runner's own logger. */
    static final String FUNCTIONS_LOGGER = "io.gatekeep";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private record Attached(LoggerConfig logger, boolean created, boolean additive, Level level) {}

    private final LoggerContext context;
    private final FileAppender dynamoFile;
    private final List<Attached> attached = new ArrayList<>();

    private LocalLogs(LoggerContext context, FileAppender dynamoFile) {
        this.context = context;
        this.dynamoFile = dynamoFile;
    }

    /** From now on DynamoDB Local's log lines go to {@code dataDir/}{@value #DYNAMODB_LOG} (appended), not the console. */
    static LocalLogs start(Path dataDir) {
        LoggerContext context = LoggerContext.getContext(false);
        useTheFunctionsConfiguration(context);
        Configuration config = context.getConfiguration();
        FileAppender file = FileAppender.newBuilder()
                .setName("dynamodb-local-" + INSTANCES.incrementAndGet())
                .withFileName(dataDir.resolve(DYNAMODB_LOG).toString())
                .withAppend(true)
                .setLayout(PatternLayout.newBuilder().withConfiguration(config)
                        .withPattern("%d{ISO8601}{UTC}Z %-5level %logger{1} %msg%n%throwable").build())
                .setConfiguration(config)
                .build();
        file.start();
        config.addAppender(file);
        LocalLogs logs = new LocalLogs(context, file);
        for (String name : DYNAMODB_LOGGERS) {
            LoggerConfig existing = config.getLoggers().get(name);
            LoggerConfig logger = existing != null ? existing
                    : LoggerConfig.newBuilder().withLoggerName(name).withLevel(Level.INFO).withConfig(config).build();
            logs.attached.add(new Attached(logger, existing == null, logger.isAdditive(), logger.getLevel()));
            // Its own requests at INFO, as the console showed them (Powertools sets every level to the
            // functions' LOG_LEVEL when a function starts, so the file gets the same lines either way).
            logger.setLevel(Level.INFO);
            logger.setAdditive(false);
            logger.addAppender(file, null, null);
            if (existing == null) {
                config.addLogger(name, logger);
            }
        }
        context.updateLoggers();
        return logs;
    }

    /**
     * Makes shared's {@code log4j2.xml} (the functions' JSON layout, as in Lambda) the configuration in force.
     * DynamoDB Local's jar holds a {@code log4j2.xml} too (plain lines, its own loggers at WARN), and Log4j
     * takes whichever comes first on the classpath, which depends on how a module orders its dependencies;
     * so the one beside the shared code is chosen by where it is, not by order.
     */
    static void useTheFunctionsConfiguration(LoggerContext context) {
        URL wanted = functionsConfiguration();
        ConfigurationSource current = context.getConfiguration().getConfigurationSource();
        if (current == null || current.getURL() == null || !current.getURL().toString().equals(wanted.toString())) {
            try {
                context.setConfigLocation(wanted.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("shared's log4j2.xml at " + wanted, e);
            }
        }
    }

    /** shared's {@code log4j2.xml}: the one in the jar or directory the shared code was loaded from. */
    static URL functionsConfiguration() {
        String code = Json.class.getProtectionDomain().getCodeSource().getLocation().toString();
        try {
            for (URL url : Collections.list(Json.class.getClassLoader().getResources(CONFIGURATION))) {
                String at = url.toString();
                if (at.equals("jar:" + code + "!/" + CONFIGURATION) || at.equals(code + CONFIGURATION)) {
                    return url;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + CONFIGURATION + " beside the shared code at " + code);
    }

    /** Runs {@code work} with the functions' INFO lines (and below) kept off the console; warnings and errors still show. */
    <T> T quietly(Supplier<T> work) {
        LoggerConfig functions = context.getConfiguration().getLoggerConfig(FUNCTIONS_LOGGER);
        Filter belowWarn = ThresholdFilter.createFilter(Level.WARN, Filter.Result.NEUTRAL, Filter.Result.DENY);
        functions.addFilter(belowWarn);
        try {
            return work.get();
        } finally {
            functions.removeFilter(belowWarn);
        }
    }

    Path dynamoLog() {
        return Path.of(dynamoFile.getFileName());
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        for (Attached a : attached) {
            a.logger().removeAppender(dynamoFile.getName());
            if (a.logger().getAppenders().isEmpty()) {
                a.logger().setAdditive(a.additive());
                a.logger().setLevel(a.level());
                if (a.created()) {
                    config.removeLogger(a.logger().getName());
                }
            }
        }
        attached.clear();
        config.getAppenders().remove(dynamoFile.getName());
        context.updateLoggers();
        dynamoFile.stop();
    }
}
