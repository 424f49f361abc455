package dev.mandate.core.policy;

import dev.mandate.cedar.PolicySet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One loaded, checked policy set and its version. Immutable; decisions take one snapshot and use it throughout.
 *
 * @param version {@code sha256:<hex>} of the files' names and contents: the policy-set version each decision records
 * @param policies the compiled set (its own ids are {@code policy0}, {@code policy1}, ... in load order)
 * @param byEngineId Mandate's description of each policy, by the compiled set's id
 * @param loadedAt when it was loaded
 */
public record PolicySnapshot(String version, PolicySet policies, Map<String, PolicyInfo> byEngineId, Instant loadedAt) {
    /** Copies the map, keeping order. */
    public PolicySnapshot {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(policies, "policies");
        Objects.requireNonNull(loadedAt, "loadedAt");
        byEngineId = Collections.unmodifiableMap(new LinkedHashMap<>(byEngineId));
    }

    /**
     * Describes one policy by the compiled set's id.
     *
     * @param engineId e.g. {@code policy3}
     * @return the description, or null
     */
    public @Nullable PolicyInfo info(String engineId) {
        return byEngineId.get(engineId);
    }

    /**
     * Returns every policy in load order.
     *
     * @return the descriptions
     */
    public List<PolicyInfo> all() {
        return new ArrayList<>(byEngineId.values());
    }
}
