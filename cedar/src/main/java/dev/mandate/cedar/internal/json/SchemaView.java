package dev.mandate.cedar.internal.json;

import dev.mandate.cedar.Entity;
import dev.mandate.cedar.EntityUid;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What the JSON reader and request validation need to know from a schema. */
public interface SchemaView {
    /**
     * An entity type declaration.
     *
     * @param shape the attributes
     * @param tags the tag type, or null when the type has no tags
     * @param enumIds the allowed ids of an enumerated type, or null
     */
    record EntityDecl(
            Type.RecordT shape,
            @Nullable Type tags,
            @Nullable List<String> enumIds) {}

    /**
     * An action declaration.
     *
     * @param principalTypes the principal types it applies to
     * @param resourceTypes the resource types it applies to
     * @param context the context type
     */
    record ActionDecl(Set<String> principalTypes, Set<String> resourceTypes, Type.RecordT context) {}

    /**
     * Looks up an entity type.
     *
     * @param type the fully qualified name
     * @return the declaration, or null when undeclared
     */
    @Nullable
    EntityDecl entityType(String type);

    /**
     * Looks up an action.
     *
     * @param action the action uid
     * @return the declaration, or null when undeclared
     */
    @Nullable
    ActionDecl action(EntityUid action);

    /**
     * Returns the action entities with their declared hierarchy.
     *
     * @return the action entities
     */
    Collection<Entity> actionEntities();
}
