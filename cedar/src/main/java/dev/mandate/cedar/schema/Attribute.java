package dev.mandate.cedar.schema;

import java.util.Objects;

/**
 * One attribute of a record or entity shape.
 *
 * @param type the attribute's type
 * @param required false when the attribute was declared with {@code ?} (or {@code "required": false})
 */
public record Attribute(SchemaType type, boolean required) {
    /** Checks the type is present. */
    public Attribute {
        Objects.requireNonNull(type, "type");
    }
}
