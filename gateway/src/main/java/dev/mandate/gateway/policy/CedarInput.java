package dev.mandate.gateway.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.cedar.BoolValue;
import dev.mandate.cedar.ExtensionValue;
import dev.mandate.cedar.LongValue;
import dev.mandate.cedar.RecordValue;
import dev.mandate.cedar.SetValue;
import dev.mandate.cedar.StringValue;
import dev.mandate.cedar.Value;
import dev.mandate.cedar.schema.Attribute;
import dev.mandate.cedar.schema.SchemaType;
import dev.mandate.cedar.schema.SchemaType.RecordType;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * MCP JSON into Cedar: a tool's {@code inputSchema} into the type of {@code context.input}, the way cedar-for-agents
 * maps it (string → String, integer → Long, number → decimal, boolean → Bool, array → Set, object → record, members
 * not in {@code required} optional, anything else left out), and call arguments into a record value of that shape.
 */
public final class CedarInput {
    /** The deepest nesting of arguments converted; deeper values are left out. */
    public static final int MAX_DEPTH = 16;
    /** The most members or elements converted per object or array; the rest are left out. */
    public static final int MAX_MEMBERS = 256;

    private static final SchemaType STRING = new SchemaType.StringType();

    private CedarInput() {}

    /**
     * Maps an {@code inputSchema} to a record type.
     *
     * @param inputSchema the tool's JSON Schema, or a missing node
     * @return the record type, or null when the schema is not an object schema
     */
    public static @Nullable RecordType inputType(JsonNode inputSchema) {
        SchemaType t = type(inputSchema, 0);
        return t instanceof RecordType r ? r : null;
    }

    private static @Nullable SchemaType type(JsonNode schema, int depth) {
        if (depth > MAX_DEPTH || !schema.isObject()) {
            return null;
        }
        String type = typeName(schema.path("type"));
        if (type == null) {
            return schema.has("properties") ? record(schema, depth) : null;
        }
        return switch (type) {
            case "string" -> STRING;
            case "integer" -> new SchemaType.LongType();
            case "number" -> new SchemaType.ExtensionType("decimal");
            case "boolean" -> new SchemaType.BoolType();
            case "array" -> {
                SchemaType element = type(schema.path("items"), depth + 1);
                yield element == null ? null : new SchemaType.SetType(element);
            }
            case "object" -> record(schema, depth);
            default -> null;
        };
    }

    /** The one non-null type name: {@code "string"} or {@code ["string", "null"]}; null otherwise. */
    private static @Nullable String typeName(JsonNode type) {
        if (type.isTextual()) {
            return type.asText();
        }
        if (type.isArray()) {
            String found = null;
            for (JsonNode t : type) {
                if (t.isTextual() && !t.asText().equals("null")) {
                    if (found != null) {
                        return null;
                    }
                    found = t.asText();
                }
            }
            return found;
        }
        return null;
    }

    private static RecordType record(JsonNode schema, int depth) {
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it =
                schema.path("properties").properties().iterator();
        while (it.hasNext() && attributes.size() < MAX_MEMBERS) {
            Map.Entry<String, JsonNode> p = it.next();
            SchemaType t = type(p.getValue(), depth + 1);
            if (t != null) {
                boolean nullable = p.getValue().path("type").isArray();
                attributes.put(p.getKey(), new Attribute(t, required.contains(p.getKey()) && !nullable));
            }
        }
        return new RecordType(attributes, false);
    }

    /**
     * Converts call arguments into {@code context.input}. With a type, members are converted as declared (a JSON
     * number declared {@code decimal} becomes a decimal; a member that does not fit its type, or is not declared, is
     * left out, so a policy testing it sees it missing); without one, by the JSON's own shape.
     *
     * @param arguments the arguments object
     * @param type the declared type, or null
     * @return the record
     */
    public static RecordValue input(JsonNode arguments, @Nullable RecordType type) {
        Value v = type == null ? untyped(arguments, 0) : typed(arguments, type, 0);
        return v instanceof RecordValue r ? r : RecordValue.EMPTY;
    }

    private static @Nullable Value untyped(JsonNode node, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        if (node.isTextual()) {
            return new StringValue(node.asText());
        }
        if (node.isBoolean()) {
            return BoolValue.of(node.booleanValue());
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? new LongValue(node.longValue()) : new StringValue(node.asText());
        }
        if (node.isNumber()) {
            Value d = decimal(node);
            return d == null ? new StringValue(node.asText()) : d;
        }
        if (node.isArray()) {
            List<Value> out = new ArrayList<>();
            for (JsonNode e : node) {
                Value v = untyped(e, depth + 1);
                if (v != null && out.size() < MAX_MEMBERS) {
                    out.add(v);
                }
            }
            return SetValue.of(out);
        }
        if (node.isObject()) {
            Map<String, Value> out = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext() && out.size() < MAX_MEMBERS) {
                Map.Entry<String, JsonNode> e = it.next();
                Value v = untyped(e.getValue(), depth + 1);
                if (v != null) {
                    out.put(e.getKey(), v);
                }
            }
            return new RecordValue(out);
        }
        return null;
    }

    private static @Nullable Value typed(JsonNode node, SchemaType type, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        return switch (type) {
            case SchemaType.StringType s -> node.isTextual() ? new StringValue(node.asText()) : null;
            case SchemaType.LongType l ->
                node.isIntegralNumber() && node.canConvertToLong() ? new LongValue(node.longValue()) : null;
            case SchemaType.BoolType b -> node.isBoolean() ? BoolValue.of(node.booleanValue()) : null;
            case SchemaType.ExtensionType e -> e.name().equals("decimal") && node.isNumber() ? decimal(node) : null;
            case SchemaType.EntityType e -> null;
            case SchemaType.SetType s -> {
                if (!node.isArray()) {
                    yield null;
                }
                List<Value> out = new ArrayList<>();
                for (JsonNode e : node) {
                    Value v = typed(e, s.element(), depth + 1);
                    if (v != null && out.size() < MAX_MEMBERS) {
                        out.add(v);
                    }
                }
                yield SetValue.of(out);
            }
            case RecordType r -> {
                if (!node.isObject()) {
                    yield null;
                }
                Map<String, Value> out = new LinkedHashMap<>();
                for (Map.Entry<String, Attribute> a : r.attributes().entrySet()) {
                    JsonNode member = node.get(a.getKey());
                    Value v = member == null ? null : typed(member, a.getValue().type(), depth + 1);
                    if (v != null) {
                        out.put(a.getKey(), v);
                    }
                }
                yield new RecordValue(out);
            }
        };
    }

    /** A decimal with at most four fraction digits, or null when the number has more or is out of range. */
    private static @Nullable Value decimal(JsonNode node) {
        try {
            BigDecimal d = node.decimalValue().stripTrailingZeros();
            String text = d.scale() <= 0 ? d.toBigIntegerExact() + ".0" : d.toPlainString();
            return ExtensionValue.parse("decimal", text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Finds where data would be sent: the host of the first of {@code url}, {@code uri}, {@code endpoint},
     * {@code destination} that is an absolute URI.
     *
     * @param arguments the arguments object
     * @return the host in lower case, or empty
     */
    public static String destinationHost(JsonNode arguments) {
        for (String field : List.of("url", "uri", "endpoint", "destination")) {
            JsonNode v = arguments.get(field);
            if (v != null && v.isTextual() && v.asText().length() <= 4096) {
                try {
                    String host = URI.create(v.asText()).getHost();
                    if (host != null) {
                        return host.toLowerCase(Locale.ROOT);
                    }
                } catch (IllegalArgumentException e) {
                    // not a URI: try the next field
                }
            }
        }
        return "";
    }
}
