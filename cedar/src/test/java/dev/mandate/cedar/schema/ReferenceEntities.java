package dev.mandate.cedar.schema;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.EntityValidationRequest;
import com.cedarpolicy.model.entity.Entity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An independent check of name resolution: from our resolved model, build one entity per entity type whose
 * attributes and tags hold values of exactly the types we resolved, and ask the reference (cedar-java's entity
 * validation against the original schema text) whether they conform; then break one attribute's type and check
 * the reference notices. If we resolved a name differently (say {@code Long} to the builtin where the reference
 * sees an entity type {@code Long}), the reference rejects our entities.
 */
final class ReferenceEntities {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceEntities() {}

    /** Returns null when the reference agrees with our model, else what went wrong. */
    static @Nullable String disagreement(String cedarText, Schema mine) {
        try {
            return disagreement(
                    com.cedarpolicy.model.schema.Schema.parse(
                            com.cedarpolicy.model.schema.Schema.JsonOrCedar.Cedar, cedarText),
                    mine);
        } catch (Exception e) {
            return "reference failure: " + e;
        }
    }

    /** Returns null when the reference agrees with our model, else what went wrong. */
    static @Nullable String disagreement(com.cedarpolicy.model.schema.Schema reference, Schema mine) {
        try {
            List<ObjectNode> entities = new ArrayList<>();
            for (EntityTypeDecl decl : mine.entityTypes().values()) {
                entities.add(entity(mine, decl));
            }
            String conforming = validate(reference, entities);
            if (conforming != null) {
                return "entities typed by our model do not conform for the reference: " + conforming;
            }
            for (int i = 0; i < entities.size(); i++) {
                ObjectNode attrs = (ObjectNode) entities.get(i).get("attrs");
                if (attrs.isEmpty()) {
                    continue;
                }
                String attribute = attrs.fieldNames().next();
                Attribute declared = List.copyOf(mine.entityTypes().values())
                        .get(i)
                        .shape()
                        .attributes()
                        .get(attribute);
                if (declared == null) {
                    return "internal: no attribute " + attribute;
                }
                SchemaType type = declared.type();
                attrs.set(attribute, wrongValue(type));
                if (validate(reference, entities) == null) {
                    return "the reference accepts a wrongly typed value for attribute `" + attribute + "` of "
                            + entities.get(i).get("uid");
                }
                return null;
            }
            return null;
        } catch (Exception e) {
            return "reference failure: " + e;
        }
    }

    private static @Nullable String validate(com.cedarpolicy.model.schema.Schema schema, List<ObjectNode> entities)
            throws Exception {
        List<Entity> parsed = new ArrayList<>();
        for (ObjectNode e : entities) {
            parsed.add(Entity.parse(JSON.writeValueAsString(e)));
        }
        try {
            new BasicAuthorizationEngine().validateEntities(new EntityValidationRequest(schema, parsed));
            return null;
        } catch (com.cedarpolicy.model.exception.BadRequestException e) {
            return e.getMessage();
        }
    }

    private static ObjectNode entity(Schema schema, EntityTypeDecl decl) {
        ObjectNode e = JSON.createObjectNode();
        e.set("uid", uid(schema, decl.name()));
        ObjectNode attrs = e.putObject("attrs");
        for (Map.Entry<String, Attribute> a : decl.shape().attributes().entrySet()) {
            attrs.set(a.getKey(), value(schema, a.getValue().type()));
        }
        e.putArray("parents");
        if (decl.tags() != null) {
            e.putObject("tags").set("t", value(schema, decl.tags()));
        }
        return e;
    }

    private static ObjectNode uid(Schema schema, String type) {
        ObjectNode uid = JSON.createObjectNode();
        uid.put("type", type);
        EntityTypeDecl decl = schema.entityTypes().get(type);
        String id = "e";
        if (decl != null && decl.enumIds() != null) {
            id = decl.enumIds().get(0);
        } else if (decl == null) {
            for (ActionRef action : schema.actions().keySet()) {
                if (action.type().equals(type)) {
                    id = action.id();
                    break;
                }
            }
        }
        uid.put("id", id);
        return uid;
    }

    private static JsonNode value(Schema schema, SchemaType type) {
        return switch (type) {
            case SchemaType.LongType l -> JSON.getNodeFactory().numberNode(1);
            case SchemaType.StringType s -> JSON.getNodeFactory().textNode("s");
            case SchemaType.BoolType b -> JSON.getNodeFactory().booleanNode(true);
            case SchemaType.SetType s -> {
                ArrayNode array = JSON.createArrayNode();
                array.add(value(schema, s.element()));
                yield array;
            }
            case SchemaType.RecordType r -> {
                ObjectNode record = JSON.createObjectNode();
                for (Map.Entry<String, Attribute> a : r.attributes().entrySet()) {
                    record.set(a.getKey(), value(schema, a.getValue().type()));
                }
                yield record;
            }
            case SchemaType.EntityType e -> {
                ObjectNode ref = JSON.createObjectNode();
                ref.set("__entity", uid(schema, e.name()));
                yield ref;
            }
            case SchemaType.ExtensionType x -> {
                ObjectNode ext = JSON.createObjectNode();
                ObjectNode call = ext.putObject("__extn");
                switch (x.name()) {
                    case "ipaddr" -> call.put("fn", "ip").put("arg", "10.0.0.1");
                    case "decimal" -> call.put("fn", "decimal").put("arg", "1.5");
                    case "datetime" -> call.put("fn", "datetime").put("arg", "2024-01-01");
                    default -> call.put("fn", "duration").put("arg", "1h");
                }
                yield ext;
            }
        };
    }

    private static JsonNode wrongValue(SchemaType type) {
        return type instanceof SchemaType.LongType
                ? JSON.getNodeFactory().textNode("s")
                : JSON.getNodeFactory().numberNode(1);
    }
}
