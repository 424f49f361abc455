package dev.mandate.cedar.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.cedarpolicy.model.schema.Schema.JsonOrCedar;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential test against the reference (cedar-java): thousands of small generated schemas full of
 * name clashes (namespaces, common and entity types named like builtins or like each other, shadowing,
 * undeclared names, cycles) must be accepted or rejected exactly as the reference does, and when accepted,
 * the reference's JSON rendering must read to the same model.
 */
final class SchemaReferenceTest {
    private static final int SAMPLES = 3000;
    private static final String[] NAMESPACES = {"", "", "N", "M", "N::M"};
    private static final String[] NAMES = {"A", "B", "C", "Long", "ipaddr", "Set", "T", "Action", "in", "Bool"};
    private static final String[] TAME_DECLARED = {"D", "E", "F", "G", "H", "I"};
    private static final String[] TAME_REFERENCED = {"A", "B", "N::C", "N::T", "D", "E", "Long", "ipaddr", "Set"};
    /** Quoted attribute names, valid and not, that exercise the string unescaper. */
    private static final String[] QUOTED = {
        "\"q\"",
        "\"\\x41\"",
        "\"\\x7f\"",
        "\"\\x80\"",
        "\"\\u{1_F600}\"",
        "\"\\u{_1}\"",
        "\"\\u{110000}\"",
        "\"\\u{D800}\"",
        "\"\\q\"",
        "\"\\'\"",
        "\"\\0\"",
        "\"\\*\"",
        "\"a b\"",
        "\"\"",
        "\"\\u{0000041}\"",
        "\"\\u{41}\""
    };
    /** Annotations, valid and not. */
    private static final String[] ANNOTATIONS = {"@doc(\"x\")", "@a", "@a @b(\"\")", "@a @a", "@if", "@a(x)"};

    private static final String[] BUILTINS = {"Long", "String", "Bool", "decimal", "__cedar::Long", "Boolean"};

    @Test
    void generatedSchemasAreAcceptedAndReadExactlyAsByTheReference() {
        Random random = new Random(424242);
        List<String> disagreements = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < SAMPLES; i++) {
            String text =
                    random.nextBoolean() ? new Gen(random.nextBoolean()).schema(random) : new Tame(random).schema();
            String mine = outcome(text);
            String reference;
            String referenceJson = null;
            try {
                referenceJson = com.cedarpolicy.model.schema.Schema.parse(JsonOrCedar.Cedar, text)
                        .toJsonFormat()
                        .toString();
                reference = "ok";
            } catch (Exception e) {
                reference = "error: " + e.getMessage();
            }
            if (mine.equals("ok") != reference.equals("ok")) {
                disagreements.add(text + "\n  mine: " + mine + "\n  reference: " + reference);
            } else if (referenceJson != null) {
                accepted++;
                Schema fromCedar = Schema.parseCedar(text);
                String entities = ReferenceEntities.disagreement(text, fromCedar);
                if (entities != null) {
                    disagreements.add(text + "\n  " + entities);
                }
                if (!Schema.parseJson(referenceJson).equals(fromCedar)) {
                    disagreements.add(text + "\n  the reference's JSON form reads to a different model");
                }
                if (!Schema.parseCedar(fromCedar.toCedar()).equals(fromCedar)) {
                    disagreements.add(text + "\n  toCedar() does not read back:\n" + fromCedar.toCedar());
                }
            }
        }
        System.out.println("generated schemas: " + SAMPLES + ", accepted by both: " + accepted);
        assertThat(disagreements).isEmpty();
        assertThat(accepted).isBetween(SAMPLES / 20, SAMPLES - SAMPLES / 10);
    }

    private static String outcome(String text) {
        try {
            Schema.parseCedar(text);
            return "ok";
        } catch (SchemaParseException e) {
            return "error: " + e.getMessage();
        }
    }

    /** Generates one schema; a "tame" generator draws names mostly from what the common base declares. */
    private static final class Gen {
        private final boolean tame;
        private final String[] names;

        Gen(boolean tame) {
            this.tame = tame;
            this.names = tame ? TAME_DECLARED : NAMES;
        }

        String schema(Random r) {
            StringBuilder sb = new StringBuilder();
            // A common base of declarations so that most references resolve and the interesting rules get hit.
            if (tame || r.nextInt(5) < 3) {
                sb.append("entity A, B;\nnamespace N { entity C; type T = Long; }\n");
            }
            int namespaces = 1 + r.nextInt(3);
            for (int n = 0; n < namespaces; n++) {
                String ns = NAMESPACES[r.nextInt(NAMESPACES.length)];
                if (!ns.isEmpty()) {
                    sb.append("namespace ").append(ns).append(" {\n");
                }
                int decls = 1 + r.nextInt(4);
                for (int d = 0; d < decls; d++) {
                    switch (r.nextInt(5)) {
                        case 0, 1 -> entity(r, sb);
                        case 2 ->
                            sb.append("type ")
                                    .append(pick(r, names))
                                    .append(" = ")
                                    .append(type(r, 0))
                                    .append(";\n");
                        default -> action(r, sb);
                    }
                }
                if (!ns.isEmpty()) {
                    sb.append("}\n");
                }
            }
            return sb.toString();
        }

        void entity(Random r, StringBuilder sb) {
            sb.append("entity ").append(pick(r, names));
            if (r.nextInt(4) == 0) {
                sb.append(", ").append(pick(r, names));
            }
            if (r.nextInt(6) == 0) {
                sb.append(" enum [\"x\", \"y\"];\n");
                return;
            }
            if (r.nextInt(3) == 0) {
                sb.append(" in [").append(name(r)).append(']');
            }
            if (r.nextBoolean()) {
                sb.append(' ').append(record(r, 0));
            }
            if (r.nextInt(5) == 0) {
                sb.append(" tags ").append(type(r, 0));
            }
            sb.append(";\n");
        }

        void action(Random r, StringBuilder sb) {
            sb.append("action ").append(r.nextBoolean() ? "\"a" + r.nextInt(3) + "\"" : "a" + r.nextInt(3));
            if (r.nextInt(3) == 0) {
                sb.append(" in [")
                        .append(
                                switch (r.nextInt(3)) {
                                    case 0 -> "\"a" + r.nextInt(3) + "\"";
                                    case 1 -> "Action::\"a" + r.nextInt(3) + "\"";
                                    default ->
                                        pick(r, NAMESPACES).isEmpty()
                                                ? "a" + r.nextInt(3)
                                                : "N::Action::\"a" + r.nextInt(3) + "\"";
                                })
                        .append(']');
            }
            if (r.nextInt(3) != 0) {
                sb.append(" appliesTo { principal: [")
                        .append(name(r))
                        .append("], resource: ")
                        .append(name(r));
                if (r.nextBoolean()) {
                    sb.append(", context: ").append(r.nextBoolean() ? record(r, 0) : name(r));
                }
                sb.append(" }");
            }
            sb.append(";\n");
        }

        String type(Random r, int depth) {
            int k = r.nextInt(depth > 2 ? 2 : 5);
            return switch (k) {
                case 0 -> name(r);
                case 1 -> pick(r, BUILTINS);
                case 2 -> "Set<" + type(r, depth + 1) + ">";
                default -> record(r, depth + 1);
            };
        }

        String record(Random r, int depth) {
            StringBuilder sb = new StringBuilder("{");
            int n = r.nextInt(3);
            for (int i = 0; i < n; i++) {
                sb.append(i > 0 ? ", " : " ")
                        .append(r.nextInt(6) == 0 ? "// c\n" : "")
                        .append(r.nextInt(6) == 0 ? pick(r, ANNOTATIONS) + " " : "")
                        .append(r.nextInt(4) == 0 ? pick(r, QUOTED) : "f" + r.nextInt(3))
                        .append(r.nextBoolean() ? "?" : "")
                        .append(": ")
                        .append(type(r, depth + 1));
            }
            return sb.append(" }").toString();
        }

        String name(Random r) {
            if (tame) {
                return pick(r, TAME_REFERENCED);
            }
            String base = pick(r, names);
            return switch (r.nextInt(6)) {
                case 0 -> "N::" + base;
                case 1 -> "N::M::" + base;
                default -> base;
            };
        }

        String pick(Random r, String[] options) {
            return options[r.nextInt(options.length)];
        }
    }

    /**
     * Generates mostly valid schemas dense in legal name clashes: an entity type and a common type of one name,
     * types named like builtins, the same basename in two namespaces, references qualified or not.
     */
    static final class Tame {
        private static final String[] NS = {"", "M", "P::Q"};
        private static final String[] POOL = {"D", "E", "Long", "ipaddr", "Set", "String", "decimal"};

        private final Random r;
        private final List<String> visibleNames = new ArrayList<>();
        private final java.util.Set<String> emptyNamespaceNames = new java.util.HashSet<>();
        private final List<String> actionIds = new ArrayList<>();

        Tame(Random r) {
            this.r = r;
        }

        String schema() {
            StringBuilder sb = new StringBuilder();
            List<String> namespaces = new ArrayList<>(List.of(NS));
            java.util.Collections.shuffle(namespaces.subList(1, namespaces.size()), r);
            int count = 1 + r.nextInt(3);
            for (String ns : namespaces.subList(0, count)) {
                StringBuilder body = new StringBuilder();
                java.util.Set<String> entities = new java.util.HashSet<>();
                java.util.Set<String> commons = new java.util.HashSet<>();
                for (int d = 0; d < 2 + r.nextInt(5); d++) {
                    String name = POOL[r.nextInt(POOL.length)];
                    if (!ns.isEmpty() && emptyNamespaceNames.contains(name)) {
                        continue;
                    }
                    boolean entity = r.nextInt(3) > 0 || RESERVED_COMMON.contains(name);
                    if (!(entity ? entities : commons).add(name)) {
                        continue;
                    }
                    if (ns.isEmpty()) {
                        emptyNamespaceNames.add(name);
                    }
                    visibleNames.add(ns.isEmpty() ? name : ns + "::" + name);
                    if (entity) {
                        body.append("entity ")
                                .append(name)
                                .append(' ')
                                .append(record(0))
                                .append(";\n");
                    } else {
                        body.append("type ")
                                .append(name)
                                .append(" = ")
                                .append(type(0))
                                .append(";\n");
                    }
                }
                for (int a = 0; a < r.nextInt(3); a++) {
                    String id = "a" + actionIds.size();
                    body.append("action ").append(id);
                    if (!actionIds.isEmpty() && r.nextBoolean()) {
                        body.append(" in [\"")
                                .append(actionIds.get(r.nextInt(actionIds.size())))
                                .append("\"]");
                    }
                    actionIds.add(id);
                    if (r.nextBoolean()) {
                        body.append(" appliesTo { principal: ")
                                .append(ref())
                                .append(", resource: [")
                                .append(ref())
                                .append(", ")
                                .append(ref())
                                .append("], context: ")
                                .append(record(0))
                                .append(" }");
                    }
                    body.append(";\n");
                }
                sb.append(ns.isEmpty() ? body : "namespace " + ns + " {\n" + body + "}\n");
            }
            return sb.toString();
        }

        private String ref() {
            if (visibleNames.isEmpty() || r.nextInt(8) == 0) {
                return POOL[r.nextInt(POOL.length)];
            }
            String name = visibleNames.get(r.nextInt(visibleNames.size()));
            int sep = name.lastIndexOf("::");
            return sep >= 0 && r.nextBoolean() ? name.substring(sep + 2) : name;
        }

        private String type(int depth) {
            return switch (r.nextInt(depth > 2 ? 2 : 5)) {
                case 0 -> ref();
                case 1 -> BUILTINS[r.nextInt(BUILTINS.length)];
                case 2 -> "Set<" + type(depth + 1) + ">";
                default -> record(depth + 1);
            };
        }

        private String record(int depth) {
            StringBuilder sb = new StringBuilder("{");
            int n = depth > 2 ? 0 : r.nextInt(4);
            for (int i = 0; i < n; i++) {
                sb.append(i > 0 ? ", " : " ")
                        .append("f")
                        .append(i)
                        .append(r.nextInt(4) == 0 ? "?" : "")
                        .append(": ")
                        .append(type(depth + 1));
            }
            return sb.append(" }").toString();
        }
    }

    private static final java.util.Set<String> RESERVED_COMMON = java.util.Set.of("Long", "Set", "String");
}
