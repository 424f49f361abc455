package dev.mandate.cedar;

import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A Cedar record: attribute names mapped to values.
 *
 * @param attributes the attributes, copied into an immutable map
 */
public record RecordValue(Map<String, Value> attributes) implements Value {
    /** The empty record, e.g. an empty context. */
    public static final RecordValue EMPTY = new RecordValue(Map.of());

    /** Copies the attributes. */
    public RecordValue {
        attributes = Map.copyOf(attributes);
    }

    /**
     * Returns one attribute.
     *
     * @param name the attribute name
     * @return its value, or null when absent
     */
    public @Nullable Value get(String name) {
        return attributes.get(name);
    }

    @Override
    public String typeName() {
        return "Record";
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Value> e : new TreeMap<>(attributes).entrySet()) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(EntityUid.quote(e.getKey())).append(": ").append(e.getValue());
        }
        return b.append('}').toString();
    }
}
