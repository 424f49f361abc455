package dev.mandate.cedar;

import java.util.Collection;
import java.util.Set;

/**
 * A Cedar set: unordered, without duplicates under Cedar equality.
 *
 * @param elements the elements, copied into an immutable set
 */
public record SetValue(Set<Value> elements) implements Value {
    /** Copies the elements. */
    public SetValue {
        elements = Set.copyOf(elements);
    }

    /**
     * Builds a set from any collection, dropping duplicates.
     *
     * @param values the elements
     * @return the set
     */
    public static SetValue of(Collection<? extends Value> values) {
        return new SetValue(Set.copyOf(values));
    }

    @Override
    public String typeName() {
        return "Set";
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (Value v : elements) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(v);
        }
        return b.append(']').toString();
    }
}
