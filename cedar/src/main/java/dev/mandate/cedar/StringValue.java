package dev.mandate.cedar;

import java.util.Objects;

/**
 * A Cedar string.
 *
 * @param value the text
 */
public record StringValue(String value) implements Value {
    /** Validates the text. */
    public StringValue {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String typeName() {
        return "String";
    }

    @Override
    public String toString() {
        return EntityUid.quote(value);
    }
}
