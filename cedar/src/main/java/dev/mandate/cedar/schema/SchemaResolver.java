package dev.mandate.cedar.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link Raw.Document} into the resolved model with the reference implementation's rules: an unqualified
 * name {@code X} inside namespace {@code NS} means {@code NS::X} if declared there, else {@code X} in the empty
 * namespace, else the builtin {@code __cedar::X}; at each step a common type wins over an entity type.
 * Declarations in a namespace may not shadow ones in the empty namespace; common types may not form cycles.
 */
final class SchemaResolver {
    /** Names a common type may not have. */
    static final Set<String> RESERVED_TYPE_NAMES =
            Set.of("Bool", "Boolean", "Entity", "Extension", "Long", "Record", "Set", "String");

    private static final String ACTION = "Action";

    private final Map<String, Raw.Common> commons = new LinkedHashMap<>();
    private final Map<String, String> commonNamespace = new HashMap<>();
    private final Map<String, SchemaType> resolvedCommons = new HashMap<>();
    private final Set<String> resolving = new LinkedHashSet<>();
    private final Map<String, Raw.Entity> entities = new LinkedHashMap<>();
    private final Map<String, String> entityNamespace = new HashMap<>();
    private final Map<ActionRef, Raw.Action> actions = new LinkedHashMap<>();
    private final Map<ActionRef, String> actionNamespace = new HashMap<>();
    private final Set<String> actionTypes = new HashSet<>();

    private SchemaResolver() {}

    static Schema resolve(Raw.Document raw) {
        return new SchemaResolver().run(raw);
    }

    private Schema run(Raw.Document raw) {
        declare(raw);
        checkShadowing();
        for (String name : commons.keySet()) {
            resolveCommon(name);
        }
        Map<String, EntityTypeDecl> entityDecls = new LinkedHashMap<>();
        for (Map.Entry<String, Raw.Entity> e : entities.entrySet()) {
            entityDecls.put(e.getKey(), entity(e.getKey(), e.getValue(), get(entityNamespace, e.getKey())));
        }
        Map<ActionRef, ActionDecl> actionDecls = new LinkedHashMap<>();
        for (Map.Entry<ActionRef, Raw.Action> e : actions.entrySet()) {
            actionDecls.put(e.getKey(), action(e.getKey(), e.getValue(), get(actionNamespace, e.getKey())));
        }
        checkActionCycles(actionDecls);
        return new Schema(entityDecls, actionDecls);
    }

    private void declare(Raw.Document raw) {
        Set<String> namespaces = new HashSet<>();
        for (Raw.Namespace ns : raw.namespaces()) {
            if (!ns.name().isEmpty() && !namespaces.add(ns.name())) {
                throw ns.pos().error("namespace `" + ns.name() + "` is declared more than once");
            }
            for (Raw.Common c : ns.commons()) {
                String name = qualify(ns.name(), c.name());
                if (RESERVED_TYPE_NAMES.contains(c.name())) {
                    throw c.pos()
                            .error("common type name `" + c.name() + "` is a reserved schema keyword ("
                                    + String.join(", ", new java.util.TreeSet<>(RESERVED_TYPE_NAMES)) + ")");
                }
                if (commons.put(name, c) != null) {
                    throw c.pos().error("common type `" + name + "` is declared more than once");
                }
                commonNamespace.put(name, ns.name());
            }
            for (Raw.Entity e : ns.entities()) {
                String name = qualify(ns.name(), e.name());
                if (e.name().equals(ACTION)) {
                    throw e.pos()
                            .error("entity type `" + name + "` cannot be declared: `" + ACTION
                                    + "` is the type of the namespace's actions");
                }
                if (entities.put(name, e) != null) {
                    throw e.pos().error("entity type `" + name + "` is declared more than once");
                }
                entityNamespace.put(name, ns.name());
            }
            for (Raw.Action a : ns.actions()) {
                ActionRef uid = new ActionRef(qualify(ns.name(), ACTION), a.id());
                if (actions.put(uid, a) != null) {
                    throw a.pos().error("action " + uid + " is declared more than once");
                }
                actionNamespace.put(uid, ns.name());
                actionTypes.add(uid.type());
            }
        }
    }

    /** A declaration in a namespace may not hide one of the same basename in the empty namespace. */
    private void checkShadowing() {
        for (Map.Entry<String, Raw.Common> c : commons.entrySet()) {
            checkShadow(
                    c.getKey(),
                    c.getValue().name(),
                    commonNamespace.get(c.getKey()),
                    c.getValue().pos());
        }
        for (Map.Entry<String, Raw.Entity> e : entities.entrySet()) {
            checkShadow(
                    e.getKey(),
                    e.getValue().name(),
                    entityNamespace.get(e.getKey()),
                    e.getValue().pos());
        }
        for (Map.Entry<ActionRef, Raw.Action> a : actions.entrySet()) {
            ActionRef root = new ActionRef(ACTION, a.getKey().id());
            if (!a.getKey().type().equals(ACTION) && actions.containsKey(root)) {
                throw a.getValue()
                        .pos()
                        .error("action " + a.getKey() + " shadows " + root
                                + " in the empty namespace; rename one of them");
            }
        }
    }

    private void checkShadow(String name, String basename, @Nullable String ns, Raw.Pos pos) {
        if (ns != null && !ns.isEmpty() && (commons.containsKey(basename) || entities.containsKey(basename))) {
            throw pos.error("`" + name + "` shadows `" + basename + "` declared in the empty namespace; rename one"
                    + " of them");
        }
    }

    private EntityTypeDecl entity(String name, Raw.Entity raw, String ns) {
        Set<String> memberOf = new LinkedHashSet<>();
        for (Raw.Ref ref : raw.memberOf()) {
            memberOf.add(entityName(ref, ns));
        }
        SchemaType.RecordType shape = SchemaType.RecordType.EMPTY;
        if (raw.shape() != null) {
            SchemaType type = type(raw.shape(), ns);
            if (!(type instanceof SchemaType.RecordType record)) {
                throw posOf(raw.shape(), raw.pos())
                        .error("the shape of entity type `" + name + "` must be a record, not " + describe(type));
            }
            shape = record;
        }
        SchemaType tags = raw.tags() == null ? null : type(raw.tags(), ns);
        return new EntityTypeDecl(name, memberOf, shape, tags, raw.enumIds());
    }

    private ActionDecl action(ActionRef uid, Raw.Action raw, String ns) {
        Set<ActionRef> memberOf = new LinkedHashSet<>();
        for (Raw.ActionRef ref : raw.memberOf()) {
            memberOf.add(actionRef(ref, ns));
        }
        Set<String> principals = new LinkedHashSet<>();
        Set<String> resources = new LinkedHashSet<>();
        SchemaType.RecordType context = SchemaType.RecordType.EMPTY;
        Raw.AppliesTo applies = raw.appliesTo();
        if (applies != null) {
            for (Raw.Ref ref : applies.principals()) {
                principals.add(entityName(ref, ns));
            }
            for (Raw.Ref ref : applies.resources()) {
                resources.add(entityName(ref, ns));
            }
            if (applies.context() != null) {
                SchemaType type = type(applies.context(), ns);
                if (!(type instanceof SchemaType.RecordType record)) {
                    throw posOf(applies.context(), raw.pos())
                            .error("the context of action " + uid + " must be a record, not " + describe(type));
                }
                context = record;
            }
        }
        return new ActionDecl(uid, memberOf, principals, resources, context);
    }

    private ActionRef actionRef(Raw.ActionRef ref, String ns) {
        String type = ref.type() == null ? ACTION : ref.type();
        for (String candidate : candidates(type, ns)) {
            ActionRef uid = new ActionRef(candidate, ref.id());
            if (actions.containsKey(uid)) {
                return uid;
            }
        }
        throw ref.pos()
                .error("undeclared action " + new ActionRef(qualify(ns, type), ref.id())
                        + " in `in` list; declare it or fix the name");
    }

    private void checkActionCycles(Map<ActionRef, ActionDecl> decls) {
        Map<ActionRef, Integer> state = new HashMap<>();
        for (ActionRef start : decls.keySet()) {
            visitAction(start, decls, state);
        }
    }

    private void visitAction(ActionRef uid, Map<ActionRef, ActionDecl> decls, Map<ActionRef, Integer> state) {
        Integer s = state.get(uid);
        if (s != null) {
            if (s == 1) {
                throw get(actions, uid).pos().error("cycle in the action hierarchy containing " + uid);
            }
            return;
        }
        state.put(uid, 1);
        for (ActionRef parent : get(decls, uid).memberOf()) {
            visitAction(parent, decls, state);
        }
        state.put(uid, 2);
    }

    private String entityName(Raw.Ref ref, String ns) {
        for (String candidate : candidates(ref.name(), ns)) {
            if (entities.containsKey(candidate)) {
                return candidate;
            }
        }
        throw ref.pos()
                .error("undefined entity type `" + ref.name() + "`"
                        + (ns.isEmpty() || ref.name().contains("::")
                                ? ""
                                : " (looked for `" + ns + "::" + ref.name() + "` and `" + ref.name() + "`)"));
    }

    private SchemaType type(Raw.Type raw, String ns) {
        return switch (raw) {
            case Raw.Builtin b -> b.type();
            case Raw.SetT s -> new SchemaType.SetType(type(s.element(), ns));
            case Raw.RecordT r -> {
                Map<String, Attribute> attributes = new LinkedHashMap<>();
                for (Map.Entry<String, Raw.Attr> a : r.attributes().entrySet()) {
                    attributes.put(
                            a.getKey(),
                            new Attribute(
                                    type(a.getValue().type(), ns), a.getValue().required()));
                }
                yield new SchemaType.RecordType(attributes, r.additional());
            }
            case Raw.Ref ref -> reference(ref, ns);
        };
    }

    /**
     * Resolves a name in a type position. Unlike in {@code in} and {@code appliesTo} lists, a namespace's action
     * entity type ({@code NS::Action}, once the namespace declares an action) counts as an entity type here.
     */
    private SchemaType reference(Raw.Ref ref, String ns) {
        String name = ref.name();
        if (ref.kind() == Raw.Kind.ENTITY) {
            for (String candidate : candidates(name, ns)) {
                if (isEntityType(candidate)) {
                    return new SchemaType.EntityType(candidate);
                }
            }
            return new SchemaType.EntityType(entityName(ref, ns));
        }
        if (!name.startsWith("__cedar::")) {
            for (String candidate : candidates(name, ns)) {
                if (commons.containsKey(candidate)) {
                    return resolveCommon(candidate);
                }
                if (ref.kind() == Raw.Kind.ANY && isEntityType(candidate)) {
                    return new SchemaType.EntityType(candidate);
                }
            }
        }
        // The reference models each builtin B as a common type `B` in the empty namespace, defined only when the
        // empty namespace declares nothing named B itself; `__cedar::B` always names the builtin.
        if (name.startsWith("__cedar::")) {
            SchemaType builtin = builtin(name.substring("__cedar::".length()));
            if (builtin != null) {
                return builtin;
            }
        } else if (!name.contains("::") && !commons.containsKey(name) && !entities.containsKey(name)) {
            SchemaType builtin = builtin(name);
            if (builtin != null) {
                return builtin;
            }
        }
        String kinds = ref.kind() == Raw.Kind.ANY ? "common type, entity type or builtin" : "common type or builtin";
        throw ref.pos()
                .error("undefined type `" + name + "`: no " + kinds + " of that name"
                        + (ns.isEmpty() || name.contains("::")
                                ? ""
                                : " in namespace `" + ns + "` or the empty namespace"));
    }

    private boolean isEntityType(String name) {
        return entities.containsKey(name) || actionTypes.contains(name);
    }

    private SchemaType resolveCommon(String name) {
        SchemaType done = resolvedCommons.get(name);
        if (done != null) {
            return done;
        }
        Raw.Common raw = get(commons, name);
        if (!resolving.add(name)) {
            throw raw.pos().error("cycle in common type references: " + String.join(" -> ", resolving) + " -> " + name);
        }
        SchemaType type = type(raw.type(), get(commonNamespace, name));
        resolving.remove(name);
        resolvedCommons.put(name, type);
        return type;
    }

    static @Nullable SchemaType builtin(String name) {
        return switch (name) {
            case "Long" -> new SchemaType.LongType();
            case "String" -> new SchemaType.StringType();
            case "Bool" -> new SchemaType.BoolType();
            case "ipaddr", "decimal", "datetime", "duration" -> new SchemaType.ExtensionType(name);
            default -> null;
        };
    }

    /** Looks up a key the resolver itself put in the map. */
    private static <K, V> V get(Map<K, V> map, K key) {
        return java.util.Objects.requireNonNull(map.get(key), () -> "no entry for " + key);
    }

    private static List<String> candidates(String name, String ns) {
        List<String> out = new ArrayList<>(2);
        if (!name.contains("::") && !ns.isEmpty()) {
            out.add(ns + "::" + name);
        }
        out.add(name);
        return out;
    }

    private static String qualify(String ns, String name) {
        return ns.isEmpty() ? name : ns + "::" + name;
    }

    private static Raw.Pos posOf(Raw.Type type, Raw.Pos fallback) {
        return type instanceof Raw.Ref ref ? ref.pos() : fallback;
    }

    private static String describe(SchemaType type) {
        return switch (type) {
            case SchemaType.LongType l -> "Long";
            case SchemaType.StringType s -> "String";
            case SchemaType.BoolType b -> "Bool";
            case SchemaType.SetType s -> "a set";
            case SchemaType.RecordType r -> "a record";
            case SchemaType.EntityType e -> "entity type `" + e.name() + "`";
            case SchemaType.ExtensionType e -> "extension type `" + e.name() + "`";
        };
    }
}
