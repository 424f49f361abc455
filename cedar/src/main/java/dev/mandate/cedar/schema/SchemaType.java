package dev.mandate.cedar.schema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** A resolved Cedar schema type; common types never appear here, they are replaced by what they name. */
public sealed interface SchemaType {
    /** The names of Cedar's extension types. */
    Set<String> EXTENSION_NAMES = Set.of("ipaddr", "decimal", "datetime", "duration");

    /** Cedar's {@code Long}: a signed 64-bit integer. */
    record LongType() implements SchemaType {}

    /** Cedar's {@code String}. */
    record StringType() implements SchemaType {}

    /** Cedar's {@code Bool}. */
    record BoolType() implements SchemaType {}

    /**
     * A set whose elements all have one type.
     *
     * @param element the element type
     */
    record SetType(SchemaType element) implements SchemaType {
        /** Checks the element is present. */
        public SetType {
            Objects.requireNonNull(element, "element");
        }
    }

    /**
     * A record: named attributes, each required or optional.
     *
     * @param attributes attribute name to its declaration, in declaration order
     * @param additionalAttributes whether values may carry attributes beyond these; never true in a parsed
     *     schema, because Cedar 4 rejects {@code "additionalAttributes": true}
     */
    record RecordType(Map<String, Attribute> attributes, boolean additionalAttributes) implements SchemaType {
        /** A record with no attributes and no additional attributes. */
        public static final RecordType EMPTY = new RecordType(Map.of(), false);

        /** Copies the attributes into an unmodifiable map that keeps their order. */
        public RecordType {
            attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }
    }

    /**
     * An entity reference of one entity type.
     *
     * @param name the fully-qualified entity type name, like {@code NS::User}
     */
    record EntityType(String name) implements SchemaType {
        /** Checks the name is present. */
        public EntityType {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A value of an extension type.
     *
     * @param name one of {@link #EXTENSION_NAMES}
     */
    record ExtensionType(String name) implements SchemaType {
        /**
         * Checks the name is a Cedar extension type.
         *
         * @throws IllegalArgumentException for any other name
         */
        public ExtensionType {
            if (!EXTENSION_NAMES.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown extension type \"" + name + "\"; expected one of " + EXTENSION_NAMES);
            }
        }
    }
}
