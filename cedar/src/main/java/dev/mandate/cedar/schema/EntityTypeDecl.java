package dev.mandate.cedar.schema;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A declared entity type.
 *
 * @param name the fully-qualified name, like {@code NS::User} ({@code User} outside any namespace)
 * @param memberOfTypes fully-qualified names of the entity types an entity of this type may be in
 * @param shape the attributes (empty for an enumerated type)
 * @param tags the type of every tag value, or null when entities of this type have no tags
 * @param enumIds the only entity ids allowed, in declaration order, or null when any id is allowed
 */
public record EntityTypeDecl(
        String name,
        Set<String> memberOfTypes,
        SchemaType.RecordType shape,
        @Nullable SchemaType tags,
        @Nullable List<String> enumIds) {
    /** Copies the collections into unmodifiable ones. */
    public EntityTypeDecl {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        memberOfTypes = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(memberOfTypes));
        enumIds = enumIds == null ? null : List.copyOf(enumIds);
    }
}
