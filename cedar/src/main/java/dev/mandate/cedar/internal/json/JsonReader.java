package dev.mandate.cedar.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mandate.cedar.BoolValue;
import dev.mandate.cedar.CedarException;
import dev.mandate.cedar.Entity;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.ExtensionValue;
import dev.mandate.cedar.LongValue;
import dev.mandate.cedar.RecordValue;
import dev.mandate.cedar.SetValue;
import dev.mandate.cedar.StringValue;
import dev.mandate.cedar.Value;
import dev.mandate.cedar.internal.eval.Extensions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads the Cedar JSON formats into values and entities, guided by a schema when one is given. */
public final class JsonReader {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(200).build());
    }

    private final @Nullable SchemaView schema;

    /**
     * Creates a reader.
     *
     * @param schema the schema, or null to read without one
     */
    public JsonReader(@Nullable SchemaView schema) {
        this.schema = schema;
    }

    /**
     * Parses JSON text into a tree.
     *
     * @param json the text
     * @param what what the document is, for the error message
     * @return the tree
     * @throws CedarException if the text is not JSON
     */
    public static JsonNode tree(String json, String what) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CedarException(what + " is not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        }
    }

    /**
     * Reads an entity array; with a schema, action entities come from the schema.
     *
     * @param array the JSON array
     * @return the entities
     * @throws CedarException on malformed or (with a schema) non-conforming entities
     */
    public List<Entity> entities(JsonNode array) {
        if (!array.isArray()) {
            throw new CedarException("entities must be a JSON array, found " + array.getNodeType());
        }
        List<Entity> out = new ArrayList<>();
        Set<EntityUid> fromSchema = new HashSet<>();
        if (schema != null) {
            for (Entity a : schema.actionEntities()) {
                out.add(a);
                fromSchema.add(a.uid());
            }
        }
        for (JsonNode n : array) {
            JsonNode uidNode = n.isObject() ? n.get("uid") : null;
            if (uidNode != null && fromSchema.contains(uid(uidNode, "entity uid"))) {
                continue; // The schema defines action entities and their groups.
            }
            out.add(entity(n));
        }
        return out;
    }

    private Entity entity(JsonNode n) {
        if (!n.isObject()) {
            throw new CedarException("an entity must be a JSON object, found " + n.getNodeType());
        }
        JsonNode uidNode = n.get("uid");
        if (uidNode == null) {
            throw new CedarException("entity has no \"uid\": " + abbreviate(n));
        }
        EntityUid uid = uid(uidNode, "entity uid");
        String where = "entity " + uid;
        SchemaView.EntityDecl decl = null;
        if (schema != null) {
            decl = schema.entityType(uid.type());
            if (decl == null) {
                if (isActionType(uid.type())) {
                    throw new CedarException(where + " is an action the schema does not declare");
                }
                throw new CedarException(where + " has a type the schema does not declare");
            }
            if (decl.enumIds() != null && !decl.enumIds().contains(uid.id())) {
                throw new CedarException(where + " is not one of the enumerated ids " + decl.enumIds());
            }
        }
        Map<String, Value> attrs = new LinkedHashMap<>();
        JsonNode a = n.get("attrs");
        if (a != null && !a.isNull()) {
            Value v = value(a, decl == null ? null : decl.shape(), where + " attributes");
            if (!(v instanceof RecordValue rv)) {
                throw new CedarException(where + ": \"attrs\" must be an object");
            }
            attrs.putAll(rv.attributes());
        } else if (decl != null) {
            checkRequired(decl.shape(), Map.of(), where + " attributes");
        }
        Set<EntityUid> parents = new HashSet<>();
        JsonNode p = n.get("parents");
        if (p != null && !p.isNull()) {
            if (!p.isArray()) {
                throw new CedarException(where + ": \"parents\" must be an array");
            }
            for (JsonNode pn : p) {
                parents.add(uid(pn, where + " parent"));
            }
        }
        Map<String, Value> tags = new LinkedHashMap<>();
        JsonNode t = n.get("tags");
        if (t != null && !t.isNull()) {
            if (!t.isObject()) {
                throw new CedarException(where + ": \"tags\" must be an object");
            }
            Type tagType = decl == null ? null : decl.tags();
            if (decl != null && tagType == null && t.size() > 0) {
                throw new CedarException(where + " has tags but its type declares none");
            }
            for (Map.Entry<String, JsonNode> f : t.properties()) {
                tags.put(f.getKey(), value(f.getValue(), tagType, where + " tag " + f.getKey()));
            }
        }
        return new Entity(uid, attrs, parents, tags);
    }

    private static boolean isActionType(String type) {
        return type.equals("Action") || type.endsWith("::Action");
    }

    /**
     * Reads an entity reference: {@code {"type": .., "id": ..}} or {@code {"__entity": {...}}}.
     *
     * @param n the node
     * @param where what is being read, for errors
     * @return the uid
     * @throws CedarException if malformed
     */
    public static EntityUid uid(JsonNode n, String where) {
        JsonNode inner = n.isObject() && n.has("__entity") ? n.get("__entity") : n;
        if (inner == null || !inner.isObject()) {
            throw new CedarException(where + " must be an object {\"type\": ..., \"id\": ...}, found " + abbreviate(n));
        }
        JsonNode type = inner.get("type");
        JsonNode id = inner.get("id");
        if (type == null || !type.isTextual() || id == null || !id.isTextual()) {
            throw new CedarException(where + " must have string fields \"type\" and \"id\", found " + abbreviate(n));
        }
        try {
            return new EntityUid(dev.mandate.cedar.internal.parse.Parser.parseName(type.asText()), id.asText());
        } catch (CedarException e) {
            throw new CedarException(
                    where + " has an invalid entity type \"" + type.asText() + "\": " + e.getMessage());
        }
    }

    /**
     * Reads a value, guided by a type when given.
     *
     * @param n the node
     * @param expected the schema type, or null
     * @param where what is being read, for errors
     * @return the value
     * @throws CedarException if malformed or not of the expected type
     */
    public Value value(JsonNode n, @Nullable Type expected, String where) {
        if (expected == null) {
            return untyped(n, where);
        }
        return switch (expected) {
            case Type.LongT l -> {
                Value v = untyped(n, where);
                if (!(v instanceof LongValue)) {
                    throw mismatch(where, "Long", n);
                }
                yield v;
            }
            case Type.StringT s -> {
                if (!n.isTextual()) {
                    throw mismatch(where, "String", n);
                }
                yield new StringValue(n.asText());
            }
            case Type.BoolT b -> {
                if (!n.isBoolean()) {
                    throw mismatch(where, "Bool", n);
                }
                yield BoolValue.of(n.asBoolean());
            }
            case Type.SetT s -> {
                if (!n.isArray()) {
                    throw mismatch(where, "Set", n);
                }
                List<Value> vals = new ArrayList<>();
                for (JsonNode e : n) {
                    vals.add(value(e, s.element(), where + " element"));
                }
                yield SetValue.of(vals);
            }
            case Type.EntityT e -> {
                EntityUid uid = uid(n, where);
                if (!uid.type().equals(e.name())) {
                    throw new CedarException(where + ": expected an entity of type " + e.name() + ", found " + uid);
                }
                yield uid;
            }
            case Type.ExtT x -> {
                Value v;
                if (n.isTextual()) {
                    v = ExtensionValue.parse(constructorOf(x.name()), n.asText());
                } else {
                    v = untyped(n, where);
                }
                if (!(v instanceof ExtensionValue ev) || !ev.typeName().equals(x.name())) {
                    throw mismatch(where, x.name(), n);
                }
                yield v;
            }
            case Type.RecordT r -> {
                if (!n.isObject() || n.has("__entity") || n.has("__extn")) {
                    throw mismatch(where, "Record", n);
                }
                Map<String, Value> attrs = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> f : n.properties()) {
                    Type.Attr decl = r.attributes().get(f.getKey());
                    if (decl == null && !r.additional()) {
                        throw new CedarException(
                                where + " has attribute \"" + f.getKey() + "\" that the schema does not declare");
                    }
                    attrs.put(
                            f.getKey(),
                            value(f.getValue(), decl == null ? null : decl.type(), where + "." + f.getKey()));
                }
                checkRequired(r, attrs, where);
                yield new RecordValue(attrs);
            }
        };
    }

    private static void checkRequired(Type.RecordT r, Map<String, Value> attrs, String where) {
        for (Map.Entry<String, Type.Attr> a : r.attributes().entrySet()) {
            if (a.getValue().required() && !attrs.containsKey(a.getKey())) {
                throw new CedarException(where + " lacks the required attribute \"" + a.getKey() + "\"");
            }
        }
    }

    private static String constructorOf(String extType) {
        return extType.equals("ipaddr") ? "ip" : extType;
    }

    private Value untyped(JsonNode n, String where) {
        if (n.isBoolean()) {
            return BoolValue.of(n.asBoolean());
        }
        if (n.isIntegralNumber()) {
            if (!n.canConvertToLong()) {
                throw new CedarException(where + ": integer " + n.asText() + " is out of the 64-bit range");
            }
            return new LongValue(n.asLong());
        }
        if (n.isTextual()) {
            return new StringValue(n.asText());
        }
        if (n.isArray()) {
            List<Value> vals = new ArrayList<>();
            for (JsonNode e : n) {
                vals.add(untyped(e, where + " element"));
            }
            return SetValue.of(vals);
        }
        if (n.isObject()) {
            if (n.has("__entity")) {
                return uid(n, where);
            }
            if (n.has("__extn")) {
                JsonNode x = n.get("__extn");
                JsonNode fn = x.get("fn");
                if (fn == null || !fn.isTextual()) {
                    throw new CedarException(where + ": __extn needs a string field \"fn\", found " + abbreviate(n));
                }
                List<Value> args = new ArrayList<>();
                if (x.has("arg")) {
                    args.add(untyped(x.get("arg"), where));
                } else if (x.has("args") && x.get("args").isArray()) {
                    for (JsonNode a : x.get("args")) {
                        args.add(untyped(a, where));
                    }
                } else {
                    throw new CedarException(where + ": __extn needs \"arg\" or \"args\", found " + abbreviate(n));
                }
                Value v = Extensions.apply(fn.asText(), args);
                if (!(v instanceof ExtensionValue)) {
                    throw new CedarException(
                            where + ": __extn function " + fn.asText() + " does not make an extension value");
                }
                return v;
            }
            Map<String, Value> attrs = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : n.properties()) {
                attrs.put(f.getKey(), untyped(f.getValue(), where + "." + f.getKey()));
            }
            return new RecordValue(attrs);
        }
        throw new CedarException(where + ": " + n.getNodeType() + " is not a Cedar value");
    }

    private static CedarException mismatch(String where, String type, JsonNode n) {
        return new CedarException(where + ": expected " + type + ", found " + abbreviate(n));
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
