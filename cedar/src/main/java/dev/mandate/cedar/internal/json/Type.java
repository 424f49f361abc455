package dev.mandate.cedar.internal.json;

import java.util.Map;

/** The attribute types the JSON reader needs from a schema. */
public sealed interface Type {
    /** Long. */
    record LongT() implements Type {}

    /** String. */
    record StringT() implements Type {}

    /** Bool. */
    record BoolT() implements Type {}

    /** Set of an element type. */
    record SetT(Type element) implements Type {}

    /** An entity of a type. */
    record EntityT(String name) implements Type {}

    /** An extension type, e.g. {@code ipaddr}. */
    record ExtT(String name) implements Type {}

    /** A record type. */
    record RecordT(Map<String, Attr> attributes, boolean additional) implements Type {}

    /** One record attribute. */
    record Attr(Type type, boolean required) {}
}
