package dev.mandate.cedar.validation;

import dev.mandate.cedar.schema.Attribute;
import dev.mandate.cedar.schema.SchemaType;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The validator's types: schema types plus singleton booleans, the bottom type and unions of entity types. */
sealed interface Ty {
    /** The type of an expression that already failed to type; compatible with everything to avoid cascades. */
    record Never() implements Ty {}

    /** A boolean; {@code known} is null for any boolean, else the only value. */
    record TBool(@Nullable Boolean known) implements Ty {}

    /** A 64-bit integer. */
    record TLong() implements Ty {}

    /** A string. */
    record TString() implements Ty {}

    /** A set; the element type is {@link Never} for the empty set. */
    record TSet(Ty element) implements Ty {}

    /** A record. */
    record TRecord(Map<String, Attr> attributes, boolean open) implements Ty {}

    /** An entity of one of the named types (one name in strict mode). */
    record TEntity(Set<String> names) implements Ty {}

    /** An extension type. */
    record TExt(String name) implements Ty {}

    /** One record attribute. */
    record Attr(Ty type, boolean required) {}

    Ty NEVER = new Never();
    Ty BOOL = new TBool(null);
    Ty TRUE = new TBool(true);
    Ty FALSE = new TBool(false);
    Ty LONG = new TLong();
    Ty STRING = new TString();

    static Ty entity(String name) {
        return new TEntity(Set.of(name));
    }

    static Ty of(SchemaType t) {
        return switch (t) {
            case SchemaType.LongType l -> LONG;
            case SchemaType.StringType s -> STRING;
            case SchemaType.BoolType b -> BOOL;
            case SchemaType.SetType s -> new TSet(of(s.element()));
            case SchemaType.RecordType r -> record(r);
            case SchemaType.EntityType e -> entity(e.name());
            case SchemaType.ExtensionType x -> new TExt(x.name());
        };
    }

    static TRecord record(SchemaType.RecordType r) {
        Map<String, Attr> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, Attribute> e : r.attributes().entrySet()) {
            attrs.put(e.getKey(), new Attr(of(e.getValue().type()), e.getValue().required()));
        }
        return new TRecord(attrs, r.additionalAttributes());
    }

    /**
     * Returns the least upper bound of two types, or null when they have none in the mode.
     */
    static @Nullable Ty lub(Ty a, Ty b, boolean strict) {
        if (a instanceof Never) {
            return b;
        }
        if (b instanceof Never) {
            return a;
        }
        if (a instanceof TBool x && b instanceof TBool y) {
            return java.util.Objects.equals(x.known(), y.known()) ? a : BOOL;
        }
        if ((a instanceof TLong && b instanceof TLong) || (a instanceof TString && b instanceof TString)) {
            return a;
        }
        if (a instanceof TExt x && b instanceof TExt y) {
            return x.name().equals(y.name()) ? a : null;
        }
        if (a instanceof TEntity x && b instanceof TEntity y) {
            if (x.names().equals(y.names())) {
                return a;
            }
            if (strict) {
                return null;
            }
            Set<String> u = new LinkedHashSet<>(x.names());
            u.addAll(y.names());
            return new TEntity(u);
        }
        if (a instanceof TSet x && b instanceof TSet y) {
            Ty e = lub(x.element(), y.element(), strict);
            return e == null ? null : new TSet(e);
        }
        if (a instanceof TRecord x && b instanceof TRecord y) {
            return lubRecord(x, y, strict);
        }
        return null;
    }

    private static @Nullable Ty lubRecord(TRecord x, TRecord y, boolean strict) {
        if (strict && (!x.attributes().keySet().equals(y.attributes().keySet()) || x.open() != y.open())) {
            return null;
        }
        Map<String, Attr> out = new LinkedHashMap<>();
        for (Map.Entry<String, Attr> e : x.attributes().entrySet()) {
            Attr o = y.attributes().get(e.getKey());
            if (o == null) {
                continue;
            }
            if (strict && o.required() != e.getValue().required()) {
                return null;
            }
            Ty t = lub(e.getValue().type(), o.type(), strict);
            if (t == null) {
                if (strict) {
                    return null;
                }
                continue;
            }
            out.put(e.getKey(), new Attr(t, o.required() && e.getValue().required()));
        }
        boolean open = x.open()
                || y.open()
                || out.size() != x.attributes().size()
                || out.size() != y.attributes().size();
        return new TRecord(out, open);
    }

    /** Writes the type as Cedar schema syntax for messages. */
    static String show(Ty t) {
        return switch (t) {
            case Never n -> "(ill-typed)";
            case TBool b -> b.known() == null ? "Bool" : b.known().toString();
            case TLong l -> "Long";
            case TString s -> "String";
            case TSet s -> "Set<" + show(s.element()) + ">";
            case TRecord r -> {
                StringBuilder sb = new StringBuilder("{");
                r.attributes()
                        .forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "")
                                .append(k)
                                .append(v.required() ? "" : "?")
                                .append(": ")
                                .append(show(v.type())));
                yield sb.append('}').toString();
            }
            case TEntity e -> String.join(" | ", e.names());
            case TExt x -> x.name();
        };
    }
}
