package dev.mandate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class CanonicalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void theDigestIsTheSha256OfTheSortedCompactJson() throws Exception {
        // sha256 of {"a":[1,2.5,"é\n"],"b":{"c":null,"d":true}} in UTF-8, computed outside Java.
        assertThat(Canonical.digest(
                        JSON.readTree("{ \"b\": {\"d\": true, \"c\": null}, \"a\": [1, 2.5, \"\\u00e9\\n\"] }")))
                .isEqualTo("sha256:5427179366cc6189deeab806e4863664335c97dcd505815e994df81be13c91fb");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "[]",
                "null",
                "\"text\"",
                "{\"z\":1,\"a\":2,\"m\":{\"y\":[3,{\"b\":4,\"a\":5}],\"x\":\"\"}}",
                "{\"quote\":\"\\\" \\\\ / \\b \\f \\n \\r \\t \\u0001 \\u001f \\u007f\"}",
                "{\"unicode\":\"\\u00e9 \\u4e2d \\ud83d\\ude00 \\u2028\",\"\\u00e9\":1,\"e\":2,\"E\":3}",
                "{\"numbers\":[0,-1,2147483647,2147483648,-9223372036854775808,9223372036854775808]}",
                "{\"numbers\":[123456789012345678901234567890,0.1,-2.5e-10,1e300,1.0,1E2,4.9e-324]}",
                "{\"lone\":\"\\ud800 alone\"}",
                "{\"deep\":[[[[[[[[[[{\"k\":[]}]]]]]]]]]]}",
            })
    void everyParsedArgumentDigestsAsTheSortedReserialisationDid(String arguments) throws Exception {
        JsonNode tree = JSON.readTree(arguments);
        assertThat(Canonical.digest(tree)).isEqualTo(Canonical.sortedCopy(tree));
    }

    @ParameterizedTest
    @MethodSource("randomTrees")
    void randomTreesDigestAsTheSortedReserialisationDid(JsonNode tree) {
        assertThat(Canonical.digest(tree)).isEqualTo(Canonical.sortedCopy(tree));
    }

    @Test
    void decimalAndFloatNodesDigestAsTheSortedReserialisationDid() {
        ObjectNode tree = NODES.objectNode();
        tree.put("decimal", new BigDecimal("1.50"));
        tree.put("float", 0.1f);
        tree.put("big", new BigInteger("99999999999999999999"));
        assertThat(Canonical.digest(tree)).isEqualTo(Canonical.sortedCopy(tree));
    }

    /** Trees from a fixed seed, so a failure can be replayed. */
    static Stream<JsonNode> randomTrees() {
        Random random = new Random(20261203L);
        return IntStream.range(0, 300).mapToObj(i -> tree(random, 0));
    }

    private static JsonNode tree(Random random, int depth) {
        int kind = depth > 4 ? 2 + random.nextInt(7) : random.nextInt(9);
        return switch (kind) {
            case 0 -> {
                ObjectNode o = NODES.objectNode();
                int n = random.nextInt(6);
                for (int i = 0; i < n; i++) {
                    o.set(text(random), tree(random, depth + 1));
                }
                yield o;
            }
            case 1 -> {
                ArrayNode a = NODES.arrayNode();
                int n = random.nextInt(6);
                for (int i = 0; i < n; i++) {
                    a.add(tree(random, depth + 1));
                }
                yield a;
            }
            case 2 -> NODES.textNode(text(random));
            case 3 -> NODES.numberNode(random.nextInt());
            case 4 -> NODES.numberNode(random.nextLong());
            case 5 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 6 -> NODES.numberNode(BigInteger.valueOf(random.nextLong()).shiftLeft(64));
            case 7 -> NODES.booleanNode(random.nextBoolean());
            default -> NODES.nullNode();
        };
    }

    private static String text(Random random) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
            b.append(
                    switch (random.nextInt(5)) {
                        case 0 -> String.valueOf((char) random.nextInt(0x20)); // controls
                        case 1 -> String.valueOf((char) (0x20 + random.nextInt(0x60))); // ASCII
                        case 2 -> String.valueOf((char) (0xa0 + random.nextInt(0x2000))); // Latin, Greek, ...
                        case 3 -> new String(Character.toChars(0x1F600)); // a surrogate pair
                        default -> "\"\\/";
                    });
        }
        return b.toString();
    }
}
