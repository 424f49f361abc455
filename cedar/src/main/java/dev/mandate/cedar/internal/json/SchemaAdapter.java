package dev.mandate.cedar.internal.json;

import dev.mandate.cedar.CedarException;
import dev.mandate.cedar.Entity;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.Request;
import dev.mandate.cedar.Value;
import dev.mandate.cedar.schema.ActionRef;
import dev.mandate.cedar.schema.Attribute;
import dev.mandate.cedar.schema.EntityTypeDecl;
import dev.mandate.cedar.schema.Schema;
import dev.mandate.cedar.schema.SchemaType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Presents a parsed {@link Schema} as the {@link SchemaView} the JSON reader and request validation use. */
public final class SchemaAdapter implements SchemaView {
    private final Map<String, EntityDecl> entityTypes = new HashMap<>();
    private final Map<EntityUid, SchemaView.ActionDecl> actions = new HashMap<>();
    private final List<Entity> actionEntities = new ArrayList<>();

    /**
     * Converts a schema once.
     *
     * @param schema the schema
     */
    public SchemaAdapter(Schema schema) {
        for (Map.Entry<String, EntityTypeDecl> e : schema.entityTypes().entrySet()) {
            EntityTypeDecl d = e.getValue();
            SchemaType tags = d.tags();
            entityTypes.put(
                    e.getKey(), new EntityDecl(record(d.shape()), tags == null ? null : type(tags), d.enumIds()));
        }
        for (Map.Entry<ActionRef, dev.mandate.cedar.schema.ActionDecl> e :
                schema.actions().entrySet()) {
            dev.mandate.cedar.schema.ActionDecl a = e.getValue();
            EntityUid uid = uid(e.getKey());
            actions.put(uid, new SchemaView.ActionDecl(a.principalTypes(), a.resourceTypes(), record(a.context())));
            Set<EntityUid> parents = new HashSet<>();
            for (ActionRef p : a.memberOf()) {
                parents.add(uid(p));
            }
            actionEntities.add(new Entity(uid, Map.of(), parents, Map.of()));
        }
    }

    private static EntityUid uid(ActionRef r) {
        return new EntityUid(r.type(), r.id());
    }

    private static Type.RecordT record(SchemaType.RecordType r) {
        Map<String, Type.Attr> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, Attribute> a : r.attributes().entrySet()) {
            attrs.put(
                    a.getKey(),
                    new Type.Attr(type(a.getValue().type()), a.getValue().required()));
        }
        return new Type.RecordT(attrs, r.additionalAttributes());
    }

    private static Type type(SchemaType t) {
        return switch (t) {
            case SchemaType.LongType l -> new Type.LongT();
            case SchemaType.StringType s -> new Type.StringT();
            case SchemaType.BoolType b -> new Type.BoolT();
            case SchemaType.SetType s -> new Type.SetT(type(s.element()));
            case SchemaType.RecordType r -> record(r);
            case SchemaType.EntityType e -> new Type.EntityT(e.name());
            case SchemaType.ExtensionType x -> new Type.ExtT(x.name());
        };
    }

    @Override
    public @Nullable EntityDecl entityType(String type) {
        return entityTypes.get(type);
    }

    @Override
    public SchemaView.@Nullable ActionDecl action(EntityUid action) {
        return actions.get(action);
    }

    @Override
    public Collection<Entity> actionEntities() {
        return actionEntities;
    }

    /**
     * Checks a request against the action's {@code appliesTo} and context type, as the reference does when
     * request validation is on.
     *
     * @param request the request
     * @throws CedarException naming what does not match
     */
    public void validate(Request request) {
        SchemaView.ActionDecl a = actions.get(request.action());
        if (a == null) {
            throw new CedarException("request action " + request.action() + " is not declared in the schema");
        }
        checkEntity("principal", request.principal(), a.principalTypes(), request.action());
        checkEntity("resource", request.resource(), a.resourceTypes(), request.action());
        checkValue(request.context(), a.context(), "context");
    }

    private void checkEntity(String role, EntityUid uid, Set<String> allowed, EntityUid action) {
        if (!allowed.contains(uid.type())) {
            throw new CedarException(
                    "request " + role + " " + uid + " is not of a type action " + action + " applies to: " + allowed);
        }
        EntityDecl d = entityTypes.get(uid.type());
        if (d != null && d.enumIds() != null && !d.enumIds().contains(uid.id())) {
            throw new CedarException(
                    "request " + role + " " + uid + " is not one of the enumerated ids " + d.enumIds());
        }
    }

    private void checkValue(Value v, Type t, String where) {
        boolean ok = switch (t) {
            case Type.LongT l -> v instanceof dev.mandate.cedar.LongValue;
            case Type.StringT s -> v instanceof dev.mandate.cedar.StringValue;
            case Type.BoolT b -> v instanceof dev.mandate.cedar.BoolValue;
            case Type.ExtT x ->
                v instanceof dev.mandate.cedar.ExtensionValue ev
                        && ev.typeName().equals(x.name());
            case Type.EntityT e -> {
                if (!(v instanceof EntityUid u) || !u.type().equals(e.name())) {
                    yield false;
                }
                EntityDecl d = entityTypes.get(e.name());
                yield d == null || d.enumIds() == null || d.enumIds().contains(u.id());
            }
            case Type.SetT s -> {
                if (!(v instanceof dev.mandate.cedar.SetValue sv)) {
                    yield false;
                }
                for (Value e : sv.elements()) {
                    checkValue(e, s.element(), where + " element");
                }
                yield true;
            }
            case Type.RecordT r -> {
                if (!(v instanceof dev.mandate.cedar.RecordValue rv)) {
                    yield false;
                }
                for (Map.Entry<String, Type.Attr> a : r.attributes().entrySet()) {
                    Value av = rv.attributes().get(a.getKey());
                    if (av == null) {
                        if (a.getValue().required()) {
                            throw new CedarException(where + " lacks the required attribute \"" + a.getKey() + "\"");
                        }
                    } else {
                        checkValue(av, a.getValue().type(), where + "." + a.getKey());
                    }
                }
                if (!r.additional()) {
                    for (String k : rv.attributes().keySet()) {
                        if (!r.attributes().containsKey(k)) {
                            throw new CedarException(
                                    where + " has attribute \"" + k + "\" that the schema does not declare");
                        }
                    }
                }
                yield true;
            }
        };
        if (!ok) {
            throw new CedarException(where + " is a " + v.typeName() + ", which does not match the schema type");
        }
    }
}
