package dev.mandate.cedar;

/**
 * A Cedar 64-bit signed integer; arithmetic on it errors on overflow instead of wrapping.
 *
 * @param value the integer
 */
public record LongValue(long value) implements Value {
    @Override
    public String typeName() {
        return "Long";
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
