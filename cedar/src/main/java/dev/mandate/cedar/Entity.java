package dev.mandate.cedar;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An entity: its uid, attributes, direct parents and tags.
 *
 * @param uid the identifier
 * @param attributes attribute values
 * @param parents direct parents (ancestors are computed by {@link Entities})
 * @param tags tag values, read with {@code hasTag}/{@code getTag}
 */
public record Entity(EntityUid uid, Map<String, Value> attributes, Set<EntityUid> parents, Map<String, Value> tags) {
    /** Copies the collections. */
    public Entity {
        Objects.requireNonNull(uid, "uid");
        attributes = Map.copyOf(attributes);
        parents = Set.copyOf(parents);
        tags = Map.copyOf(tags);
    }

    /**
     * Creates an entity without tags.
     *
     * @param uid the identifier
     * @param attributes attribute values
     * @param parents direct parents
     * @return the entity
     */
    public static Entity of(EntityUid uid, Map<String, Value> attributes, Set<EntityUid> parents) {
        return new Entity(uid, attributes, parents, Map.of());
    }
}
