package dev.mandate.cedar;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A Cedar set: unordered, without duplicates under Cedar equality.
 *
 * @param elements the elements, copied into an immutable set
 */
public record SetValue(Set<Value> elements) implements Value {
    /** Copies the elements. */
    public SetValue {
        elements = copy(elements);
    }

    // Small sets as compact immutable sets; larger ones hashed with chaining, so that looking up an absent
    // value (e.g. one of many sequential Longs) never walks a long open-addressing probe chain.
    private static Set<Value> copy(Collection<? extends Value> values) {
        if (values.size() <= 2) {
            return Set.copyOf(values);
        }
        Set<Value> s = new HashSet<>(values.size() * 2);
        for (Value v : values) {
            s.add(Objects.requireNonNull(v, "set element"));
        }
        return Collections.unmodifiableSet(s);
    }

    /**
     * Builds a set from any collection, dropping duplicates.
     *
     * @param values the elements
     * @return the set
     */
    public static SetValue of(Collection<? extends Value> values) {
        return new SetValue(copy(values));
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
