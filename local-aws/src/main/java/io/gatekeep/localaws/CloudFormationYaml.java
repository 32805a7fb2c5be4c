package io.gatekeep.localaws;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads a CloudFormation/SAM template, short tags included: {@code !Ref X} becomes
 * {@code {"Ref": "X"}}, {@code !GetAtt A.B} becomes {@code {"Fn::GetAtt": ["A", "B"]}} and any
 * other {@code !Tag v} becomes {@code {"Fn::Tag": v}}, as CloudFormation itself reads them.
 */
public final class CloudFormationYaml {
    private CloudFormationYaml() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(Path path) {
        try (Reader reader = Files.newBufferedReader(path)) {
            return (Map<String, Object>) new Yaml(new IntrinsicConstructor()).load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    private static final class IntrinsicConstructor extends SafeConstructor {
        IntrinsicConstructor() {
            super(new LoaderOptions());
            this.yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue();
                    if (!tag.startsWith("!")) {
                        throw new IllegalArgumentException("unexpected YAML tag " + tag + " at " + node.getStartMark());
                    }
                    String name = tag.substring(1);
                    Object value = switch (node) {
                        case ScalarNode scalar -> constructScalar(scalar);
                        case SequenceNode sequence -> constructSequence(sequence);
                        case MappingNode mapping -> constructMapping(mapping);
                        default -> throw new IllegalArgumentException("unexpected node " + node);
                    };
                    if (name.equals("Ref") || name.equals("Condition")) {
                        return Map.of(name, value);
                    }
                    if (name.equals("GetAtt") && value instanceof String s) {
                        int dot = s.indexOf('.');
                        value = dot < 0 ? List.of(s) : Arrays.asList(s.substring(0, dot), s.substring(dot + 1));
                    }
                    return Map.of("Fn::" + name, value);
                }
            });
        }
    }
}
