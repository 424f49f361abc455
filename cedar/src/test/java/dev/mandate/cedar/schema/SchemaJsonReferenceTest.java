package dev.mandate.cedar.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.cedarpolicy.model.schema.Schema.JsonOrCedar;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential test of the JSON form: the reference's JSON rendering of generated schemas, with each type
 * reference randomly rewritten into the JSON-only forms ({@code {"type": "Entity", "name": ...}}, a bare
 * common-type reference {@code {"type": name}}, the {@code Long}/{@code String}/{@code Boolean} keywords), must
 * be accepted or rejected as the reference does, and accepted ones must type entities as the reference does.
 */
final class SchemaJsonReferenceTest {
    private static final int SAMPLES = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rewrittenJsonSchemasAreReadExactlyAsByTheReference() throws Exception {
        Random random = new Random(99);
        List<String> disagreements = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < SAMPLES; i++) {
            String cedar = new SchemaReferenceTest.Tame(random).schema();
            JsonNode json;
            try {
                json = com.cedarpolicy.model.schema.Schema.parse(JsonOrCedar.Cedar, cedar)
                        .toJsonFormat();
            } catch (Exception e) {
                continue;
            }
            rewrite(json, random);
            String text = JSON.writeValueAsString(json);
            String mine;
            Schema parsed = null;
            try {
                parsed = Schema.parseJson(text);
                mine = "ok";
            } catch (SchemaParseException e) {
                mine = "error: " + e.getMessage();
            }
            com.cedarpolicy.model.schema.Schema reference = null;
            String theirs;
            try {
                reference = com.cedarpolicy.model.schema.Schema.parse(JsonOrCedar.Json, text);
                reference.toJsonFormat();
                theirs = "ok";
            } catch (Exception e) {
                theirs = "error: " + e.getMessage();
            }
            if (mine.equals("ok") != theirs.equals("ok")) {
                disagreements.add(text + "\n  mine: " + mine + "\n  reference: " + theirs);
            } else if (parsed != null && reference != null) {
                accepted++;
                String entities = ReferenceEntities.disagreement(reference, parsed);
                if (entities != null) {
                    disagreements.add(text + "\n  " + entities);
                }
            }
        }
        System.out.println("JSON schemas: " + SAMPLES + ", accepted by both: " + accepted);
        assertThat(disagreements).isEmpty();
        assertThat(accepted).isGreaterThan(SAMPLES / 20);
    }

    /** Rewrites every {@code EntityOrCommon} reference, at random, into another JSON form of the same name. */
    private static void rewrite(JsonNode node, Random random) {
        if (node instanceof ObjectNode object) {
            JsonNode type = object.get("type");
            JsonNode name = object.get("name");
            if (type != null && type.asText().equals("EntityOrCommon") && name != null) {
                String n = name.asText();
                switch (random.nextInt(5)) {
                    case 0 -> object.put("type", "Entity");
                    case 1 -> {
                        object.remove("name");
                        object.put("type", n);
                    }
                    case 2 -> {
                        object.remove("name");
                        object.put(
                                "type",
                                switch (n) {
                                    case "Long", "__cedar::Long" -> "Long";
                                    case "String", "__cedar::String" -> "String";
                                    case "Bool", "__cedar::Bool" -> "Boolean";
                                    default -> n;
                                });
                    }
                    case 3 -> {
                        if (n.equals("ipaddr") || n.equals("decimal")) {
                            object.put("type", "Extension");
                        }
                    }
                    default -> {}
                }
            }
            for (Map.Entry<String, JsonNode> child : object.properties()) {
                rewrite(child.getValue(), random);
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                rewrite(child, random);
            }
        }
    }
}
