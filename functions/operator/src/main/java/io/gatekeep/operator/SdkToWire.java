package io.gatekeep.operator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.kotlin.ExtensionsKt;

import java.io.IOException;

/**
 * Turns the SDK's typed models back into WorkOS wire JSON (snake_case, ISO timestamps), the shape
 * the projection takes from webhooks, so that reconcile applies objects through the same code.
 * The SDK's own annotations drive the names. One difference from the SDK's mapper: a value the SDK
 * did not recognise (its {@code Unknown} sentinel, e.g. a connection type newer than the SDK) is
 * written as null instead of failing the whole reconcile; the projection then keeps what it knows.
 */
final class SdkToWire {
    private static final ObjectMapper MAPPER = ExtensionsKt.jacksonMapperBuilder()
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule().setSerializerModifier(new BeanSerializerModifier() {
                // The SDK's enums carry @JsonValue, whose serializer comes through modifySerializer.
                @Override
                @SuppressWarnings("unchecked")
                public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription description,
                                                          JsonSerializer<?> serializer) {
                    return description.getBeanClass().isEnum() ? new UnknownAsNull((JsonSerializer<Object>) serializer) : serializer;
                }

                @Override
                @SuppressWarnings("unchecked")
                public JsonSerializer<?> modifyEnumSerializer(SerializationConfig config,
                        com.fasterxml.jackson.databind.JavaType valueType, BeanDescription description,
                        JsonSerializer<?> serializer) {
                    return new UnknownAsNull((JsonSerializer<Object>) serializer);
                }
            }))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private SdkToWire() {}

    static ObjectNode tree(Object sdkModel) {
        return MAPPER.valueToTree(sdkModel);
    }

    /** The wire text of one SDK enum value (e.g. {@code pending}), null for the SDK's Unknown sentinel. */
    static String text(Object value) {
        com.fasterxml.jackson.databind.JsonNode node = MAPPER.valueToTree(value);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static final class UnknownAsNull extends JsonSerializer<Object> {
        private final JsonSerializer<Object> delegate;

        UnknownAsNull(JsonSerializer<Object> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            if (value instanceof Enum<?> e && e.name().equals("Unknown")) {
                gen.writeNull();
            } else {
                delegate.serialize(value, gen, serializers);
            }
        }
    }
}
