package dev.mandate.cedar.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.cedar.schema.SchemaType.RecordType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link Schema#toCedar()} writes text that {@link Schema#parseCedar} reads back to an equal model. */
final class SchemaPrinterTest {
    private static final List<String> NAMESPACES = List.of("", "NS", "A::B");
    private static final List<String> BASENAMES = List.of("User", "Group", "Long", "Set", "ipaddr", "Doc", "String");
    private static final List<String> ATTRIBUTE_NAMES =
            List.of("a", "in", "if", "", "two words", "quote\"back\\slash", "tab\tnew\nline", "\u0001", "é", "_x1");

    @Property(tries = 300)
    void toCedarReadsBackToAnEqualSchema(@ForAll("schemas") Schema schema) {
        String text = schema.toCedar();
        assertThat(Schema.parseCedar(text)).as(text).isEqualTo(schema);
    }

    @Provide
    Arbitrary<Schema> schemas() {
        return Arbitraries.randomValue(random -> {
            // Each basename lives in exactly one namespace, as the no-shadowing rule requires.
            List<String> entityNames = new ArrayList<>();
            for (String base : BASENAMES) {
                if (random.nextInt(3) > 0) {
                    String ns = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
                    entityNames.add(ns.isEmpty() ? base : ns + "::" + base);
                }
            }
            Map<String, EntityTypeDecl> entities = new LinkedHashMap<>();
            for (String name : entityNames) {
                if (random.nextInt(5) == 0) {
                    entities.put(name, new EntityTypeDecl(name, Set.of(), RecordType.EMPTY, null, List.of("x", "y\n")));
                    continue;
                }
                Set<String> parents = new LinkedHashSet<>();
                for (String other : entityNames) {
                    if (random.nextInt(4) == 0) {
                        parents.add(other);
                    }
                }
                SchemaType tags = random.nextInt(3) == 0 ? type(random, entityNames, 0) : null;
                entities.put(name, new EntityTypeDecl(name, parents, record(random, entityNames, 0), tags, null));
            }
            Map<ActionRef, ActionDecl> actions = new LinkedHashMap<>();
            List<ActionRef> declared = new ArrayList<>();
            for (int i = 0; i < random.nextInt(5); i++) {
                String ns = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
                // Ids are unique across namespaces, again for the no-shadowing rule.
                ActionRef uid = new ActionRef(ns.isEmpty() ? "Action" : ns + "::Action", "act \"" + i + "\"");
                Set<ActionRef> parents = new LinkedHashSet<>();
                for (ActionRef earlier : declared) {
                    if (random.nextBoolean()) {
                        parents.add(earlier);
                    }
                }
                Set<String> principals = new LinkedHashSet<>();
                Set<String> resources = new LinkedHashSet<>();
                RecordType context = RecordType.EMPTY;
                if (!entityNames.isEmpty() && random.nextBoolean()) {
                    principals.add(entityNames.get(random.nextInt(entityNames.size())));
                    resources.add(entityNames.get(random.nextInt(entityNames.size())));
                    resources.add(entityNames.get(random.nextInt(entityNames.size())));
                    context = record(random, entityNames, 0);
                }
                actions.put(uid, new ActionDecl(uid, parents, principals, resources, context));
                declared.add(uid);
            }
            return new Schema(entities, actions);
        });
    }

    private static RecordType record(java.util.Random random, List<String> entities, int depth) {
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        int n = depth > 2 ? 0 : random.nextInt(4);
        for (int i = 0; i < n; i++) {
            attributes.put(
                    ATTRIBUTE_NAMES.get(random.nextInt(ATTRIBUTE_NAMES.size())),
                    new Attribute(type(random, entities, depth + 1), random.nextBoolean()));
        }
        return new RecordType(attributes, false);
    }

    private static SchemaType type(java.util.Random random, List<String> entities, int depth) {
        return switch (random.nextInt(depth > 2 ? 4 : 7)) {
            case 0 -> new SchemaType.LongType();
            case 1 -> new SchemaType.StringType();
            case 2 -> new SchemaType.BoolType();
            case 3 ->
                new SchemaType.ExtensionType(List.copyOf(new java.util.TreeSet<>(SchemaType.EXTENSION_NAMES))
                        .get(random.nextInt(SchemaType.EXTENSION_NAMES.size())));
            case 4 ->
                entities.isEmpty()
                        ? new SchemaType.LongType()
                        : new SchemaType.EntityType(entities.get(random.nextInt(entities.size())));
            case 5 -> new SchemaType.SetType(type(random, entities, depth + 1));
            default -> record(random, entities, depth + 1);
        };
    }
}
