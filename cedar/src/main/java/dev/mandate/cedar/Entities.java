package dev.mandate.cedar;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable store of entities with the transitive closure of their parents computed once, so
 * {@code in} is a set lookup at decision time. Safe to share between threads.
 */
public final class Entities {
    /** The store without entities. */
    public static final Entities EMPTY = new Entities(Map.of(), Map.of());

    private final Map<EntityUid, Entity> byUid;
    private final Map<EntityUid, Set<EntityUid>> ancestors;

    private Entities(Map<EntityUid, Entity> byUid, Map<EntityUid, Set<EntityUid>> ancestors) {
        this.byUid = byUid;
        this.ancestors = ancestors;
    }

    /**
     * Builds a store with the default limits.
     *
     * @param entities the entities; a uid may appear once
     * @return the store
     * @throws CedarException if a uid repeats or the hierarchy is deeper than the default limit
     */
    public static Entities of(Collection<Entity> entities) {
        return of(entities, Limits.DEFAULTS);
    }

    /**
     * Builds a store.
     *
     * @param entities the entities; a uid may appear once
     * @param limits the limits; {@link Limits#maxEntityHierarchyDepth()} applies
     * @return the store
     * @throws CedarException if a uid repeats or the hierarchy is deeper than the limit
     */
    public static Entities of(Collection<Entity> entities, Limits limits) {
        Map<EntityUid, Entity> byUid = new LinkedHashMap<>();
        for (Entity e : entities) {
            if (byUid.putIfAbsent(e.uid(), e) != null) {
                throw new CedarException("entity " + e.uid() + " appears more than once");
            }
        }
        Map<EntityUid, Set<EntityUid>> ancestors = new HashMap<>();
        for (Entity e : byUid.values()) {
            if (!e.parents().isEmpty()) {
                ancestors.put(e.uid(), closure(e, byUid, limits.maxEntityHierarchyDepth()));
            }
        }
        // HashMap rather than Map.copyOf: lookups of absent uids are common (request entities without parents)
        // and must not walk an open-addressing probe chain.
        return new Entities(Collections.unmodifiableMap(new HashMap<>(byUid)), Collections.unmodifiableMap(ancestors));
    }

    // Breadth-first over parents; the level count bounds the depth, and the visited set makes cycles finite.
    private static Set<EntityUid> closure(Entity start, Map<EntityUid, Entity> byUid, int maxDepth) {
        Set<EntityUid> seen = new HashSet<>();
        ArrayDeque<EntityUid> level = new ArrayDeque<>(start.parents());
        int depth = 0;
        while (!level.isEmpty()) {
            depth++;
            if (depth > maxDepth) {
                throw new CedarException("entity " + start.uid() + " has ancestors more than " + maxDepth
                        + " levels up; raise Limits.maxEntityHierarchyDepth to allow it");
            }
            ArrayDeque<EntityUid> next = new ArrayDeque<>();
            for (EntityUid p : level) {
                if (seen.add(p)) {
                    Entity pe = byUid.get(p);
                    if (pe != null) {
                        next.addAll(pe.parents());
                    }
                }
            }
            level = next;
        }
        return Collections.unmodifiableSet(seen);
    }

    /**
     * Returns one entity.
     *
     * @param uid the uid
     * @return the entity, or null when the store does not hold it
     */
    public @Nullable Entity get(EntityUid uid) {
        return byUid.get(uid);
    }

    /**
     * Returns all ancestors of an entity (parents, their parents, ...).
     *
     * @param uid the uid
     * @return the ancestors, empty for an unknown entity
     */
    public Set<EntityUid> ancestors(EntityUid uid) {
        return ancestors.getOrDefault(uid, Set.of());
    }

    /**
     * Tells whether {@code child in parent} holds: the same entity, or {@code parent} is an ancestor.
     *
     * @param child the descendant candidate
     * @param parent the ancestor candidate
     * @return the Cedar {@code in} result
     */
    public boolean isIn(EntityUid child, EntityUid parent) {
        if (child.equals(parent)) {
            return true;
        }
        Set<EntityUid> a = ancestors.get(child);
        return a != null && a.contains(parent);
    }

    /**
     * Returns every entity.
     *
     * @return the entities in no particular order
     */
    public Collection<Entity> all() {
        return byUid.values();
    }

    /**
     * Returns the number of entities.
     *
     * @return the count
     */
    public int size() {
        return byUid.size();
    }
}
