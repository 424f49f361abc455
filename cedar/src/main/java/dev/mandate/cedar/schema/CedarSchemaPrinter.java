package dev.mandate.cedar.schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link Schema} in the human-readable syntax. Every entity and action name is written fully
 * qualified, which is unambiguous because the reference forbids a namespace from shadowing the empty one.
 */
final class CedarSchemaPrinter {
    private final Schema schema;
    private final Set<String> entityBasenames = new HashSet<>();
    private final StringBuilder out = new StringBuilder();

    private CedarSchemaPrinter(Schema schema) {
        this.schema = schema;
        for (String name : schema.entityTypes().keySet()) {
            entityBasenames.add(basename(name));
        }
    }

    static String print(Schema schema) {
        return new CedarSchemaPrinter(schema).run();
    }

    private String run() {
        Map<String, List<Runnable>> byNamespace = new LinkedHashMap<>();
        byNamespace.put("", new ArrayList<>());
        for (EntityTypeDecl e : schema.entityTypes().values()) {
            byNamespace
                    .computeIfAbsent(namespace(e.name()), k -> new ArrayList<>())
                    .add(() -> entity(e));
        }
        for (ActionDecl a : schema.actions().values()) {
            byNamespace
                    .computeIfAbsent(namespace(a.uid().type()), k -> new ArrayList<>())
                    .add(() -> action(a));
        }
        for (Map.Entry<String, List<Runnable>> ns : byNamespace.entrySet()) {
            boolean named = !ns.getKey().isEmpty();
            if (named) {
                out.append("namespace ").append(ns.getKey()).append(" {\n");
            }
            for (Runnable decl : ns.getValue()) {
                out.append(named ? "  " : "");
                decl.run();
                out.append('\n');
            }
            if (named) {
                out.append("}\n");
            }
        }
        return out.toString();
    }

    private void entity(EntityTypeDecl e) {
        out.append("entity ").append(basename(e.name()));
        if (e.enumIds() != null) {
            out.append(" enum [");
            for (int i = 0; i < e.enumIds().size(); i++) {
                out.append(i > 0 ? ", " : "").append(quote(e.enumIds().get(i)));
            }
            out.append("];");
            return;
        }
        if (!e.memberOfTypes().isEmpty()) {
            out.append(" in [").append(String.join(", ", e.memberOfTypes())).append(']');
        }
        if (!e.shape().attributes().isEmpty() || e.shape().additionalAttributes()) {
            out.append(' ');
            type(e.shape());
        }
        if (e.tags() != null) {
            out.append(" tags ");
            type(e.tags());
        }
        out.append(';');
    }

    private void action(ActionDecl a) {
        out.append("action ").append(quote(a.uid().id()));
        if (!a.memberOf().isEmpty()) {
            out.append(" in [");
            int i = 0;
            for (ActionRef parent : a.memberOf()) {
                out.append(i++ > 0 ? ", " : "").append(parent);
            }
            out.append(']');
        }
        boolean applies = !a.principalTypes().isEmpty() || !a.resourceTypes().isEmpty();
        if (applies && (a.principalTypes().isEmpty() || a.resourceTypes().isEmpty())) {
            throw new IllegalStateException("action " + a.uid() + " has principal types " + a.principalTypes()
                    + " and resource types " + a.resourceTypes()
                    + "; the Cedar syntax cannot express an empty list beside a non-empty one");
        }
        if (!applies && !a.context().attributes().isEmpty()) {
            throw new IllegalStateException("action " + a.uid()
                    + " declares a context but no principal or resource types; the Cedar syntax cannot express that");
        }
        if (applies) {
            out.append(" appliesTo { principal: [")
                    .append(String.join(", ", a.principalTypes()))
                    .append("], resource: [")
                    .append(String.join(", ", a.resourceTypes()))
                    .append("], context: ");
            type(a.context());
            out.append(" }");
        }
        out.append(';');
    }

    private void type(SchemaType type) {
        switch (type) {
            case SchemaType.LongType l -> builtin("Long");
            case SchemaType.StringType s -> builtin("String");
            case SchemaType.BoolType b -> builtin("Bool");
            case SchemaType.ExtensionType e -> builtin(e.name());
            case SchemaType.EntityType e -> out.append(e.name());
            case SchemaType.SetType s -> {
                out.append("Set<");
                type(s.element());
                out.append('>');
            }
            case SchemaType.RecordType r -> {
                if (r.additionalAttributes()) {
                    throw new IllegalStateException(
                            "a record with additionalAttributes cannot be written in the Cedar syntax");
                }
                out.append('{');
                int i = 0;
                for (Map.Entry<String, Attribute> a : r.attributes().entrySet()) {
                    out.append(i++ > 0 ? ", " : " ").append(attributeName(a.getKey()));
                    out.append(a.getValue().required() ? ": " : "?: ");
                    type(a.getValue().type());
                }
                out.append(i > 0 ? " }" : "}");
            }
        }
    }

    /** A builtin is written bare unless an entity type of the same basename would capture the name. */
    private void builtin(String name) {
        out.append(entityBasenames.contains(name) ? "__cedar::" + name : name);
    }

    private static String attributeName(String name) {
        boolean ident = !name.isEmpty() && !CedarSchemaParser.RESERVED.contains(name);
        for (int i = 0; i < name.length() && ident; i++) {
            char c = name.charAt(i);
            ident = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
        }
        return ident ? name : quote(name);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0 -> sb.append("\\0");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        sb.append("\\u{").append(Integer.toHexString(cp)).append('}');
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }

    private static String namespace(String qualified) {
        int i = qualified.lastIndexOf("::");
        return i < 0 ? "" : qualified.substring(0, i);
    }

    private static String basename(String qualified) {
        int i = qualified.lastIndexOf("::");
        return i < 0 ? qualified : qualified.substring(i + 2);
    }
}
