package io.gatekeep.local;

import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local run's JVM has two {@code log4j2.xml} on its classpath, shared's and DynamoDB Local's, and Log4j
 * takes the first. When DynamoDB Local's came first (the adversarial suite's classpath, once its modules
 * were reordered), the functions logged plain lines and DynamoDB Local's own requests were dropped before
 * they reached the runner's log file. Each check runs on a private Log4j context, not the JVM's.
 */
class LocalLogsTest {

    @Test
    void bothConfigurationsAreOnTheClasspathSoOrderCannotDecide() throws Exception {
        List<URL> all = Collections.list(LocalLogs.class.getClassLoader().getResources("log4j2.xml"));
        assertTrue(all.size() >= 2, "expected shared's and DynamoDB Local's log4j2.xml: " + all);
        assertTrue(all.stream().anyMatch(u -> u.toString().contains("DynamoDBLocal")), all.toString());
        assertTrue(all.contains(LocalLogs.functionsConfiguration()), all.toString());
        assertTrue(!LocalLogs.functionsConfiguration().toString().contains("DynamoDBLocal"), LocalLogs.functionsConfiguration().toString());
    }

    @Test
    void theFunctionsConfigurationWinsOverDynamoDbLocalsWhicheverComesFirst() throws Exception {
        URL dynamo = Collections.list(LocalLogs.class.getClassLoader().getResources("log4j2.xml")).stream()
                .filter(u -> u.toString().contains("DynamoDBLocal")).findFirst().orElseThrow();
        LoggerContext context = new LoggerContext("dynamodb-local-first", null, dynamo.toURI());
        context.start();
        try {
            assertEquals(dynamo.toString(), context.getConfiguration().getConfigurationSource().getURL().toString());

            LocalLogs.useTheFunctionsConfiguration(context);

            assertEquals(LocalLogs.functionsConfiguration().toString(), context.getConfiguration().getConfigurationSource().getURL().toString());
            // The functions' JSON appender on their logger, as shared's log4j2.xml has it.
            var functions = context.getConfiguration().getLoggerConfig(LocalLogs.FUNCTIONS_LOGGER);
            assertEquals(LocalLogs.FUNCTIONS_LOGGER, functions.getName());
            var appender = functions.getAppenders().get("JsonAppender");
            assertTrue(appender instanceof ConsoleAppender, functions.getAppenders().toString());
            assertTrue(appender.getLayout().getClass().getSimpleName().equals("JsonTemplateLayout"), appender.getLayout().toString());

            // Already in force: nothing is reloaded (another LocalLogs' appenders would be dropped with it).
            var before = context.getConfiguration();
            LocalLogs.useTheFunctionsConfiguration(context);
            assertTrue(before == context.getConfiguration(), "the configuration was reloaded");
        } finally {
            context.stop();
        }
    }
}
