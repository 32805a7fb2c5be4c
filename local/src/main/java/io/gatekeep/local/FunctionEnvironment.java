package io.gatekeep.local;

import io.gatekeep.localaws.SamTemplate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment a function gets in AWS, made from the template (Globals, then the function's own
 * variables) with local values: parameters and the table resolve to their local values, and every
 * {@code X_PARAMETER} (the name of an SSM SecureString) becomes the direct variable {@code X} with
 * the local secret, because there is no Parameter Store here. A function therefore sees locally
 * exactly the variables the template gives it in AWS, no more: if it reads one the template does
 * not set, it fails here as it would there.
 */
public final class FunctionEnvironment {
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");
    public static final String PARAMETER_SUFFIX = "_PARAMETER";

    private final Map<String, String> parameters;
    private final Map<String, String> resources;
    private final Map<String, String> secrets;
    private final Map<String, String> runtime;

    /**
     * @param parameters template parameter name to local value (e.g. WorkOsApiBaseUrl to the emulator's URL)
     * @param resources  logical id to what {@code !Ref} gives (the table's name)
     * @param secrets    direct secret variable (e.g. WORKOS_API_KEY) to its local value
     * @param runtime    variables the runtime or the local machine adds (DynamoDB endpoint, region, retry settings)
     */
    public FunctionEnvironment(Map<String, String> parameters, Map<String, String> resources, Map<String, String> secrets,
                               Map<String, String> runtime) {
        this.parameters = Map.copyOf(parameters);
        this.resources = Map.copyOf(resources);
        this.secrets = Map.copyOf(secrets);
        this.runtime = Map.copyOf(runtime);
    }

    public record Resolved(Map<String, String> variables, List<String> warnings) {}

    @SuppressWarnings("unchecked")
    public Resolved resolve(SamTemplate template, SamTemplate.Function function) {
        Map<String, Object> declared = new LinkedHashMap<>();
        var globalEnv = (Map<String, Object>) template.globalsFunction().getOrDefault("Environment", Map.of());
        declared.putAll((Map<String, Object>) globalEnv.getOrDefault("Variables", Map.of()));
        var ownEnv = (Map<String, Object>) function.properties().getOrDefault("Environment", Map.of());
        declared.putAll((Map<String, Object>) ownEnv.getOrDefault("Variables", Map.of()));

        Map<String, String> variables = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (var entry : declared.entrySet()) {
            String name = entry.getKey();
            if (name.endsWith(PARAMETER_SUFFIX)) {
                String direct = name.substring(0, name.length() - PARAMETER_SUFFIX.length());
                String secret = secrets.get(direct);
                if (secret == null) {
                    warnings.add(function.logicalId() + ": no local value for " + direct + " (the template's " + name + ")");
                } else {
                    variables.put(direct, secret);
                }
                continue;
            }
            String value = value(entry.getValue());
            if (value == null) {
                warnings.add(function.logicalId() + ": cannot resolve " + name + " = " + entry.getValue() + " locally");
            } else {
                variables.put(name, value);
            }
        }
        variables.putAll(runtime);
        return new Resolved(Map.copyOf(variables), List.copyOf(warnings));
    }

    private String value(Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        if (!(value instanceof Map<?, ?> m) || m.size() != 1) {
            return null;
        }
        Object ref = m.get("Ref");
        if (ref != null) {
            return ref(String.valueOf(ref));
        }
        Object getAtt = m.get("Fn::GetAtt");
        if (getAtt instanceof List<?> l && l.size() == 2) {
            return getAtt(String.valueOf(l.get(0)), String.valueOf(l.get(1)));
        }
        if (m.get("Fn::Sub") instanceof String sub) {
            Matcher matcher = SUB_VARIABLE.matcher(sub);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String variable = matcher.group(1).trim();
                int dot = variable.indexOf('.');
                String resolved = dot > 0 && !variable.startsWith("AWS::")
                        ? getAtt(variable.substring(0, dot), variable.substring(dot + 1))
                        : ref(variable);
                if (resolved == null) {
                    return null;
                }
                matcher.appendReplacement(out, Matcher.quoteReplacement(resolved));
            }
            matcher.appendTail(out);
            return out.toString().replace("${!", "${");
        }
        return null;
    }

    private String ref(String name) {
        return switch (name) {
            case "AWS::Region" -> runtime.getOrDefault("AWS_REGION", "us-east-1");
            case "AWS::AccountId" -> "000000000000";
            case "AWS::Partition" -> "aws";
            case "AWS::URLSuffix" -> "amazonaws.com";
            case "AWS::StackName" -> "gatekeep-local";
            default -> parameters.containsKey(name) ? parameters.get(name) : resources.get(name);
        };
    }

    private String getAtt(String resource, String attribute) {
        String name = resources.get(resource);
        if (name == null) {
            return null;
        }
        return switch (attribute) {
            case "Arn" -> "arn:aws:dynamodb:" + ref("AWS::Region") + ":000000000000:table/" + name;
            default -> null;
        };
    }
}
