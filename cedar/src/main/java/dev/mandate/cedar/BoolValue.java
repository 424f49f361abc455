package dev.mandate.cedar;

/**
 * A Cedar boolean.
 *
 * @param value the boolean
 */
public record BoolValue(boolean value) implements Value {
    /** The value {@code true}. */
    public static final BoolValue TRUE = new BoolValue(true);

    /** The value {@code false}. */
    public static final BoolValue FALSE = new BoolValue(false);

    /**
     * Returns the shared instance for a boolean.
     *
     * @param b the boolean
     * @return {@link #TRUE} or {@link #FALSE}
     */
    public static BoolValue of(boolean b) {
        return b ? TRUE : FALSE;
    }

    @Override
    public String typeName() {
        return "Bool";
    }

    @Override
    public String toString() {
        return Boolean.toString(value);
    }
}
