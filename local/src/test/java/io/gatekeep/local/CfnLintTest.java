package io.gatekeep.local;

import io.gatekeep.localaws.ProjectFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * cfn-lint, AWS's CloudFormation linter, on {@code template.yaml}: it applies the SAM transform itself
 * (SAM's translator), then checks the result against CloudFormation's resource specifications:
 * sections, resource types, properties and their values, references, conditions, outputs. The
 * template must lint clean, warnings included. {@link TemplateCheck} keeps only the project's own
 * rules; the broken copies below show that cfn-lint reports what TemplateCheck no longer checks.
 *
 * <p>cfn-lint is installed on the development and CI machines ({@code pip install cfn-lint}); where it
 * is not found ({@code CFN_LINT}, the {@code PATH}, then pyenv's and pip's user directories) these
 * tests are skipped with a message saying so, never passed.
 */
class CfnLintTest {
    @TempDir
    static Path work;
    static Optional<Path> cfnLint;
    static String template;
    /** Each linted file's findings ({@code RULE message}), from one cfn-lint run over all of them. */
    static Map<String, List<String>> findings = new LinkedHashMap<>();
    static String output;

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                broken("a !Ref to nothing", "WORKOS_CLIENT_ID: !Ref WorkOsClientId", "WORKOS_CLIENT_ID: !Ref WorkOsClient",
                        "E1020", "'WorkOsClient'"),
                broken("a !GetAtt of nothing", "Resource: !GetAtt IdentityTable.Arn", "Resource: !GetAtt IdentityTabel.Arn",
                        "E1010", "'IdentityTabel'"),
                broken("a !Sub of nothing", "!Sub /${WorkOsApiKeyParameter}", "!Sub /${WorkOsApiKeyParam}",
                        "E1019", "'WorkOsApiKeyParam'"),
                broken("a !Sub of a resource that does not exist", "${HttpApi}.execute-api", "${HttpApis.ApiId}.execute-api",
                        "E", "'HttpApis'"),
                broken("a !Ref in Conditions to a resource", "!Equals [!Ref AlarmEmail, '']", "!Equals [!Ref AlarmTopic, '']",
                        "E1020", "'AlarmTopic'"),
                broken("an undefined condition", "- HasAlarmEmail\n", "- HasAlarmMail\n", "E1028", "'HasAlarmMail'"),
                broken("an unknown top-level section", "\nOutputs:\n", "\nOutput:\n  X: {}\nOutputs:\n", "E1001", "'Output'"),
                broken("a resource without a type", "  AlarmTopic:\n    Type: AWS::SNS::Topic\n", "  AlarmTopic:\n", "E3001", "'Type'"),
                broken("a resource type that does not exist", "Type: AWS::SNS::Topic", "Type: SNS Topic", "E3006", "'SNS Topic'"),
                broken("a DependsOn to nothing", "  AlarmTopic:\n    Type: AWS::SNS::Topic\n",
                        "  AlarmTopic:\n    Type: AWS::SNS::Topic\n    DependsOn: Nothing\n", "E3005", "'Nothing'"),
                broken("a parameter without a type", "  JwtAudience:\n    Type: String\n", "  JwtAudience:\n", "E2001", "'Type'"),
                broken("an output without a value", "    Description: The single DynamoDB table.\n    Value: !Ref IdentityTable\n",
                        "    Description: The single DynamoDB table.\n", "E6002", "'Value'"),
                broken("key attributes that are not the attribute definitions",
                        "        - AttributeName: sk\n          KeyType: RANGE", "        - AttributeName: gsi1sk\n          KeyType: RANGE",
                        "E3039", "AttributeDefinitions"),
                broken("another template format version", "AWSTemplateFormatVersion: '2010-09-09'",
                        "AWSTemplateFormatVersion: '2010-09-10'", "E1001", "'2010-09-10'"),
                broken("a SAM property that does not exist (the SAM transform runs)", "ReservedConcurrentExecutions: 1",
                        "ReservedConcurrentExecution: 1", "E0001", "ReservedConcurrentExecution"),
                broken("a runtime Lambda does not have (SAM's Globals reach every function)", "Runtime: java21",
                        "Runtime: java99", "E3030", "'java99'"),
                broken("an alarm statistic CloudWatch does not have", "      Statistic: Sum", "      Statistic: Total",
                        "E3030", "'Total'"),
                broken("YAML that does not parse", "Resources:\n", "Resources:\n  : : :\n    - [\n", "E0000", ""));
    }

    static Arguments broken(String what, String from, String to, String rule, String mentioning) {
        return Arguments.of(what, from, to, rule, mentioning);
    }

    @BeforeAll
    static void lint() throws Exception {
        cfnLint = CfnLint.find();
        if (cfnLint.isEmpty()) {
            return;
        }
        template = Files.readString(ProjectFiles.template());
        List<Path> files = new ArrayList<>();
        files.add(ProjectFiles.template());
        for (Arguments a : brokenTemplates().toList()) {
            String from = (String) a.get()[1];
            assertTrue(template.contains(from), "the template no longer contains the text a case breaks: " + from);
            Path broken = work.resolve("broken-" + files.size() + ".yaml");
            Files.writeString(broken, template.replace(from, (String) a.get()[2]));
            files.add(broken);
        }
        output = CfnLint.run(cfnLint.get(), files);
        for (Path file : files) {
            findings.put(file.toString(), new ArrayList<>());
        }
        for (String line : output.lines().toList()) {
            // parseable: <file>:<line>:<column>:<end line>:<end column>:<rule>:<message>
            for (Path file : files) {
                String prefix = file + ":";
                if (line.startsWith(prefix)) {
                    String[] rest = line.substring(prefix.length()).split(":", 5);
                    if (rest.length == 5) {
                        findings.get(file.toString()).add(rest[4].replaceFirst(":", " "));
                    }
                }
            }
        }
    }

    @Test
    void theTemplateLintsClean() {
        assumeInstalled();
        assertEquals(List.of(), findings.get(ProjectFiles.template().toString()),
                "cfn-lint's findings on template.yaml (all of its output:\n" + output + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void aBrokenTemplateIsReported(String what, String from, String to, String rule, String mentioning) {
        assumeInstalled();
        int index = brokenTemplates().map(a -> (String) a.get()[0]).toList().indexOf(what) + 1;
        List<String> found = findings.get(work.resolve("broken-" + index + ".yaml").toString());
        assertTrue(found.stream().anyMatch(f -> f.startsWith(rule) && f.contains(mentioning)),
                what + ": expected a finding " + rule + "... mentioning " + mentioning + ", got " + found);
    }

    private static void assumeInstalled() {
        assumeTrue(cfnLint.isPresent(), "cfn-lint is not installed (pip install cfn-lint, or set CFN_LINT): "
                + "template.yaml was NOT linted");
    }

    /** Where cfn-lint is and how it is run. */
    static final class CfnLint {
        private CfnLint() {}

        static Optional<Path> find() {
            List<Path> candidates = new ArrayList<>();
            String configured = System.getenv("CFN_LINT");
            if (configured != null && !configured.isBlank()) {
                candidates.add(Path.of(configured));
            }
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir, "cfn-lint"));
                }
            }
            String home = System.getProperty("user.home");
            candidates.add(Path.of(home, ".pyenv", "shims", "cfn-lint"));
            candidates.add(Path.of(home, ".local", "bin", "cfn-lint"));
            return candidates.stream().filter(Files::isExecutable).findFirst();
        }

        /** cfn-lint's parseable output for {@code files}; exit codes 0 (clean) to 14 (findings) are answers, others failures. */
        static String run(Path cfnLint, List<Path> files) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(cfnLint.toString(), "--format", "parseable", "--"));
            files.forEach(f -> command.add(f.toString()));
            Path out = Files.createTempFile("cfn-lint", ".txt");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("cfn-lint did not finish within 10 minutes");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            // cfn-lint's exit code ORs 2 (errors), 4 (warnings), 8 (informational); 1 is its own failure.
            if ((process.exitValue() & 1) != 0 || process.exitValue() > 14) {
                throw new AssertionError("cfn-lint failed (exit " + process.exitValue() + "):\n" + text);
            }
            return text;
        }
    }
}
