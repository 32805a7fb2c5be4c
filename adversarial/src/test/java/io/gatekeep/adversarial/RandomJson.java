package io.gatekeep.adversarial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Random;

/** Random JSON values from a seeded {@link Random}: the same seed, the same documents. */
final class RandomJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] STRINGS = {"", " ", "null", "true", "0", "-1", "ü", "組織", "😀", "\u202E", "\u0000", "\r\n",
            "<script>", "' OR 1=1 --", "${jndi:x}", "%00", "../../", "sso", "it@acme.com", "https://evil.example"};

    private RandomJson() {}

    static JsonNode value(Random random, int depth) {
        int kind = random.nextInt(depth <= 0 ? 6 : 8);
        return switch (kind) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(random.nextBoolean());
            case 2 -> F.numberNode(random.nextLong());
            case 3 -> F.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(20) - 10));
            case 4 -> F.textNode(STRINGS[random.nextInt(STRINGS.length)]);
            case 5 -> F.textNode("x".repeat(random.nextInt(3) == 0 ? 5000 : random.nextInt(20)));
            case 6 -> {
                ArrayNode a = F.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(value(random, depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = F.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set("k" + random.nextInt(100), value(random, depth - 1));
                }
                yield o;
            }
        };
    }
}
