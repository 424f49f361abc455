package dev.mandate.cedar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.cedar.internal.json.JsonReader;
import dev.mandate.cedar.internal.json.SchemaAdapter;
import dev.mandate.cedar.internal.json.SchemaView;
import dev.mandate.cedar.schema.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The Cedar JSON formats: entities ({@code [{"uid", "attrs", "parents", "tags"}]}), values (with the
 * {@code __entity} and {@code __extn} escapes), contexts and requests. Not on the decision path: parse once,
 * then authorize many times.
 */
public final class CedarJson {
    private CedarJson() {}

    /**
     * Reads an entities document without a schema.
     *
     * @param json a JSON array of entities
     * @return the store
     * @throws CedarException if the JSON is malformed
     */
    public static Entities entities(String json) {
        return entities(json, (SchemaView) null, Limits.DEFAULTS);
    }

    /**
     * Reads an entities document against a schema, as the reference does: attribute values are read by their
     * declared types (so extension values may be plain strings and entity references {@code {type, id}}),
     * entities must conform to their declared types, and the action entities and their groups come from the
     * schema.
     *
     * @param json a JSON array of entities
     * @param schema the schema
     * @return the store
     * @throws CedarException if the JSON is malformed or does not conform to the schema
     */
    public static Entities entities(String json, Schema schema) {
        return entities(json, new SchemaAdapter(schema), Limits.DEFAULTS);
    }

    /**
     * Reads an entities document against a schema with explicit limits.
     *
     * @param json a JSON array of entities
     * @param schema the schema
     * @param limits the limits; {@link Limits#maxEntityHierarchyDepth()} applies
     * @return the store
     * @throws CedarException if the JSON is malformed, does not conform, or breaks a limit
     */
    public static Entities entities(String json, Schema schema, Limits limits) {
        return entities(json, new SchemaAdapter(schema), limits);
    }

    static Entities entities(String json, @Nullable SchemaView schema, Limits limits) {
        JsonNode tree = JsonReader.tree(json, "entities document");
        return Entities.of(new JsonReader(schema).entities(tree), limits);
    }

    /**
     * Reads one value without a schema.
     *
     * @param json the value in Cedar JSON
     * @return the value
     * @throws CedarException if the JSON is malformed
     */
    public static Value value(String json) {
        return new JsonReader(null).value(JsonReader.tree(json, "value"), null, "value");
    }

    /**
     * Reads a context record without a schema.
     *
     * @param json a JSON object
     * @return the record
     * @throws CedarException if the JSON is malformed or not an object
     */
    public static RecordValue context(String json) {
        return context(JsonReader.tree(json, "context"), null, null);
    }

    /**
     * Reads a context record against the context type the schema declares for an action.
     *
     * @param json a JSON object
     * @param schema the schema
     * @param action the request's action
     * @return the record
     * @throws CedarException if the JSON is malformed, the action undeclared, or the context does not conform
     */
    public static RecordValue context(String json, Schema schema, EntityUid action) {
        return context(JsonReader.tree(json, "context"), new SchemaAdapter(schema), action);
    }

    static RecordValue context(JsonNode tree, @Nullable SchemaView schema, @Nullable EntityUid action) {
        if (!tree.isObject()) {
            throw new CedarException("context must be a JSON object, found " + tree.getNodeType());
        }
        SchemaView.ActionDecl decl = null;
        if (schema != null && action != null) {
            decl = schema.action(action);
            if (decl == null) {
                throw new CedarException("action " + action + " is not declared in the schema");
            }
        }
        Value v = new JsonReader(schema).value(tree, decl == null ? null : decl.context(), "context");
        if (!(v instanceof RecordValue r)) {
            throw new CedarException("context must be a record");
        }
        return r;
    }

    /**
     * Reads an entity reference {@code {"type": .., "id": ..}} (or the {@code __entity} form).
     *
     * @param json the reference
     * @return the uid
     * @throws CedarException if malformed
     */
    public static EntityUid entityUid(String json) {
        return JsonReader.uid(JsonReader.tree(json, "entity reference"), "entity reference");
    }

    static EntityUid entityUid(JsonNode node, String where) {
        return JsonReader.uid(node, where);
    }
}
