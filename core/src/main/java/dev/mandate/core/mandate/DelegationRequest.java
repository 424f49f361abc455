package dev.mandate.core.mandate;

import dev.mandate.core.identity.SpiffeId;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A request to hand part of a mandate to a sub-agent. Every nullable field means "the same as the parent's
 * (remaining)".
 *
 * @param agent the sub-agent, already authenticated
 * @param agentTier the sub-agent's own tier; the child runs at the stricter of it and the parent's
 * @param purpose the purpose, which must be the parent's
 * @param tools a subset of the parent's tools
 * @param resources a subset of the parent's resources
 * @param ttl at most the parent's remaining lifetime
 * @param labelCeiling a subset of the parent's label ceiling
 * @param callBudget at most the parent's budget
 */
public record DelegationRequest(
        SpiffeId agent,
        Tier agentTier,
        @Nullable String purpose,
        @Nullable Set<String> tools,
        @Nullable Set<String> resources,
        @Nullable Duration ttl,
        @Nullable Set<String> labelCeiling,
        @Nullable Integer callBudget) {
    /** Validates and copies. */
    public DelegationRequest {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(agentTier, "agentTier");
        if (purpose != null) {
            Scope.purpose(purpose);
        }
        tools = tools == null ? null : Scope.names("tools", tools);
        resources = resources == null ? null : Scope.names("resources", resources);
        labelCeiling = labelCeiling == null ? null : Scope.names("label ceiling", labelCeiling);
    }
}
