package dev.mandate.cedar.schema;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads the JSON schema format into {@link Raw}, rejecting members the format does not define. */
final class JsonSchemaReader {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        // Each schema nesting level is one JSON object plus an "attributes"/"element" member.
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(3 * Schema.MAX_NESTING_DEPTH + 8)
                        .build());
    }

    private static final Set<String> NAMESPACE_KEYS = Set.of("entityTypes", "actions", "commonTypes", "annotations");
    private static final Set<String> ENTITY_KEYS = Set.of("memberOfTypes", "shape", "tags", "enum", "annotations");
    private static final Set<String> ACTION_KEYS = Set.of("memberOf", "appliesTo", "annotations");
    private static final Set<String> APPLIES_KEYS = Set.of("principalTypes", "resourceTypes", "context");

    /** Where a type object sits, which decides the members it may carry beside its own. */
    private enum Place {
        ATTRIBUTE,
        COMMON_DECLARATION,
        NESTED;

        Set<String> extraKeys() {
            return switch (this) {
                case ATTRIBUTE -> Set.of("required", "annotations");
                case COMMON_DECLARATION -> Set.of("annotations");
                case NESTED -> Set.of();
            };
        }
    }

    private JsonSchemaReader() {}

    static Raw.Document read(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new SchemaParseException(
                    loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(), e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SchemaParseException(0, 0, "a JSON schema must be an object of namespaces");
        }
        List<Raw.Namespace> namespaces = new ArrayList<>();
        for (Map.Entry<String, JsonNode> ns : fields(root)) {
            namespaces.add(namespace(ns.getKey(), ns.getValue()));
        }
        return new Raw.Document(namespaces);
    }

    private static Raw.Namespace namespace(String name, JsonNode node) {
        String path = name.isEmpty() ? "\"\"" : name;
        Raw.Pos pos = at(path);
        checkName(name, true, pos);
        if (name.equals("__cedar") || name.startsWith("__cedar::")) {
            throw pos.error("namespace `" + name + "` uses the reserved `__cedar` namespace");
        }
        object(node, pos, NAMESPACE_KEYS);
        List<Raw.Entity> entities = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : fields(required(node, "entityTypes", pos))) {
            entities.add(entity(e.getKey(), e.getValue(), path + ".entityTypes." + e.getKey()));
        }
        List<Raw.Action> actions = new ArrayList<>();
        for (Map.Entry<String, JsonNode> a : fields(required(node, "actions", pos))) {
            actions.add(action(a.getKey(), a.getValue(), path + ".actions." + a.getKey()));
        }
        List<Raw.Common> commons = new ArrayList<>();
        JsonNode commonTypes = node.get("commonTypes");
        if (commonTypes != null) {
            for (Map.Entry<String, JsonNode> c : fields(object(commonTypes, at(path + ".commonTypes"), null))) {
                String cpath = path + ".commonTypes." + c.getKey();
                checkName(c.getKey(), false, at(cpath));
                commons.add(
                        new Raw.Common(c.getKey(), type(c.getValue(), cpath, 1, Place.COMMON_DECLARATION), at(cpath)));
            }
        }
        return new Raw.Namespace(name, entities, actions, commons, pos);
    }

    private static Raw.Entity entity(String name, JsonNode node, String path) {
        Raw.Pos pos = at(path);
        checkName(name, false, pos);
        object(node, pos, ENTITY_KEYS);
        List<Raw.Ref> memberOf = new ArrayList<>();
        JsonNode parents = node.get("memberOfTypes");
        if (parents != null) {
            for (String p : strings(parents, path + ".memberOfTypes")) {
                memberOf.add(new Raw.Ref(p, Raw.Kind.ENTITY, at(path + ".memberOfTypes")));
            }
        }
        JsonNode shape = node.get("shape");
        JsonNode tags = node.get("tags");
        JsonNode enumNode = node.get("enum");
        List<String> enumIds = null;
        if (enumNode != null) {
            if (parents != null || shape != null || tags != null) {
                throw pos.error("an enumerated entity type cannot also have memberOfTypes, shape or tags");
            }
            enumIds = strings(enumNode, path + ".enum");
            if (enumIds.isEmpty()) {
                throw at(path + ".enum").error("an enumerated entity type needs at least one id");
            }
        }
        return new Raw.Entity(
                name,
                memberOf,
                shape == null ? null : type(shape, path + ".shape", 1, Place.NESTED),
                tags == null ? null : type(tags, path + ".tags", 1, Place.NESTED),
                enumIds,
                pos);
    }

    private static Raw.Action action(String id, JsonNode node, String path) {
        Raw.Pos pos = at(path);
        if (node.isNull()) {
            return new Raw.Action(id, List.of(), null, pos);
        }
        object(node, pos, ACTION_KEYS);
        List<Raw.ActionRef> memberOf = new ArrayList<>();
        JsonNode parents = node.get("memberOf");
        if (parents != null && !parents.isNull()) {
            if (!parents.isArray()) {
                throw at(path + ".memberOf").error("expected an array of {\"id\": ..., \"type\": ...}");
            }
            for (JsonNode p : parents) {
                Raw.Pos ppos = at(path + ".memberOf");
                object(p, ppos, Set.of("id", "type"));
                String type = p.has("type") ? text(p.get("type"), ppos) : null;
                memberOf.add(new Raw.ActionRef(type, text(required(p, "id", ppos), ppos), ppos));
            }
        }
        Raw.AppliesTo appliesTo = null;
        JsonNode applies = node.get("appliesTo");
        if (applies != null && !applies.isNull()) {
            String apath = path + ".appliesTo";
            object(applies, at(apath), APPLIES_KEYS);
            JsonNode context = applies.get("context");
            appliesTo = new Raw.AppliesTo(
                    entityRefs(applies.get("principalTypes"), apath + ".principalTypes"),
                    entityRefs(applies.get("resourceTypes"), apath + ".resourceTypes"),
                    context == null ? null : type(context, apath + ".context", 1, Place.NESTED));
        }
        return new Raw.Action(id, memberOf, appliesTo, pos);
    }

    private static List<Raw.Ref> entityRefs(@Nullable JsonNode node, String path) {
        List<Raw.Ref> out = new ArrayList<>();
        if (node != null) {
            for (String name : strings(node, path)) {
                out.add(new Raw.Ref(name, Raw.Kind.ENTITY, at(path)));
            }
        }
        return out;
    }

    private static Raw.Type type(JsonNode node, String path, int depth, Place place) {
        Raw.Pos pos = at(path);
        if (depth > Schema.MAX_NESTING_DEPTH) {
            throw pos.error("types are nested more than " + Schema.MAX_NESTING_DEPTH
                    + " levels deep (Schema.MAX_NESTING_DEPTH)");
        }
        object(node, pos, null);
        String type = text(required(node, "type", pos), pos);
        Set<String> own = switch (type) {
            case "Set" -> Set.of("element");
            case "Record" -> Set.of("attributes", "additionalAttributes");
            case "Entity", "EntityOrCommon", "Extension" -> Set.of("name");
            default -> Set.of();
        };
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("type") && !own.contains(key) && !place.extraKeys().contains(key)) {
                throw pos.error("unknown member \"" + key + "\" in a type of kind \"" + type + "\"");
            }
        }
        return switch (type) {
            case "Long" -> new Raw.Builtin(new SchemaType.LongType());
            case "String" -> new Raw.Builtin(new SchemaType.StringType());
            case "Boolean" -> new Raw.Builtin(new SchemaType.BoolType());
            case "Set" ->
                new Raw.SetT(type(required(node, "element", pos), path + ".element", depth + 1, Place.NESTED));
            case "Record" -> {
                Map<String, Raw.Attr> attributes = new LinkedHashMap<>();
                JsonNode attrs = required(node, "attributes", pos);
                for (Map.Entry<String, JsonNode> a : fields(object(attrs, at(path + ".attributes"), null))) {
                    String apath = path + ".attributes." + a.getKey();
                    JsonNode req = a.getValue().get("required");
                    if (req != null && !req.isBoolean()) {
                        throw at(apath + ".required").error("expected true or false");
                    }
                    attributes.put(
                            a.getKey(),
                            new Raw.Attr(
                                    type(a.getValue(), apath, depth + 1, Place.ATTRIBUTE),
                                    req == null || req.booleanValue()));
                }
                JsonNode additional = node.get("additionalAttributes");
                if (additional != null && !additional.isBoolean()) {
                    throw at(path + ".additionalAttributes").error("expected true or false");
                }
                if (additional != null && additional.booleanValue()) {
                    // Cedar 4 refuses open records ("unsupported feature used in schema"); so do we.
                    throw at(path + ".additionalAttributes")
                            .error("\"additionalAttributes\": true is not supported"
                                    + " by Cedar; declare every attribute");
                }
                yield new Raw.RecordT(attributes, false);
            }
            case "Entity" -> new Raw.Ref(text(required(node, "name", pos), pos), Raw.Kind.ENTITY, pos);
            case "EntityOrCommon" -> new Raw.Ref(text(required(node, "name", pos), pos), Raw.Kind.ANY, pos);
            case "Extension" -> {
                String name = text(required(node, "name", pos), pos);
                if (!SchemaType.EXTENSION_NAMES.contains(name)) {
                    throw pos.error("unknown extension type `" + name + "`; expected one of "
                            + String.join(", ", new java.util.TreeSet<>(SchemaType.EXTENSION_NAMES)));
                }
                yield new Raw.Builtin(new SchemaType.ExtensionType(name));
            }
            default -> new Raw.Ref(type, Raw.Kind.COMMON, pos);
        };
    }

    private static JsonNode object(JsonNode node, Raw.Pos pos, @Nullable Set<String> allowed) {
        if (!node.isObject()) {
            throw pos.error(
                    "expected a JSON object, found " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (allowed != null) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    throw pos.error("unknown member \"" + key + "\"; allowed: "
                            + String.join(", ", new java.util.TreeSet<>(allowed)));
                }
            }
        }
        return node;
    }

    private static JsonNode required(JsonNode node, String key, Raw.Pos pos) {
        JsonNode value = node.get(key);
        if (value == null) {
            throw pos.error("missing member \"" + key + "\"");
        }
        return value;
    }

    private static String text(JsonNode node, Raw.Pos pos) {
        if (!node.isTextual()) {
            throw pos.error("expected a string, found " + node);
        }
        return node.textValue();
    }

    private static List<String> strings(JsonNode node, String path) {
        if (!node.isArray()) {
            throw at(path).error("expected an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : node) {
            out.add(text(n, at(path)));
        }
        return out;
    }

    private static Set<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        return node.properties();
    }

    /** Checks an identifier (or {@code ::}-path when {@code path}) the way the Cedar syntax would. */
    private static void checkName(String name, boolean path, Raw.Pos pos) {
        if (path && name.isEmpty()) {
            return;
        }
        for (String part : path ? name.split("::", -1) : new String[] {name}) {
            if (!isIdent(part) || CedarSchemaParser.RESERVED.contains(part)) {
                throw pos.error("`" + name + "` is not a valid " + (path ? "namespace" : "name")
                        + ": each part must be an identifier ([_a-zA-Z][_a-zA-Z0-9]*) and not a reserved word");
            }
        }
    }

    private static boolean isIdent(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean letter = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static Raw.Pos at(String path) {
        return new Raw.Pos(0, 0, path);
    }
}
