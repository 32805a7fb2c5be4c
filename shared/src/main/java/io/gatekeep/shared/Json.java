package io.gatekeep.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The one Jackson mapper: built once per JVM, because building it costs cold-start time. */
public final class Json {
    /**
     * Strict on input: duplicate keys are an error (a signed body with two "event" keys must not be
     * read two ways), so is anything after the document ({@code {"sso":true}garbage}, or two
     * concatenated events: a reader that stops at the first value acts on half of what was sent),
     * nesting is bounded, and numbers/strings have sane limits.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(1_048_576)
                .maxNumberLength(64)
                .build());
    }

    private Json() {}

    /** Parses JSON text; throws {@link IllegalArgumentException} for anything that is not JSON. */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("empty JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The one reading path of every body Gatekeep acts on (API routes, operator events, the
     * webhook): exactly one JSON object, no duplicate key, nothing after it. Anything else is an
     * {@link IllegalArgumentException}, which each caller answers as 400 {@code invalid_request}
     * (or the operator's {@code invalid_event}) before anything is written.
     */
    public static ObjectNode parseObject(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty JSON document");
        }
        JsonNode node = parse(text);
        if (!(node instanceof ObjectNode object)) {
            throw new NotAnObject();
        }
        return object;
    }

    /** Valid JSON, but not an object ({@code []}, {@code "x"}, {@code 1}, {@code null}). */
    public static final class NotAnObject extends IllegalArgumentException {
        NotAnObject() {
            super("the JSON document is not an object");
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Text of a field, or null when absent, null or not textual. */
    public static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }
}
