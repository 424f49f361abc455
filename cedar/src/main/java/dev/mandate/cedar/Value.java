package dev.mandate.cedar;

/**
 * A Cedar value: the closed set of things an expression evaluates to, an attribute holds, or a context
 * carries. Equality is Cedar equality: structural for sets and records, by value for extension values.
 */
public sealed interface Value
        permits BoolValue, LongValue, StringValue, EntityUid, SetValue, RecordValue, ExtensionValue {

    /**
     * Returns the Cedar type name, used in error messages.
     *
     * @return a name such as {@code Long} or {@code ipaddr}
     */
    String typeName();
}
