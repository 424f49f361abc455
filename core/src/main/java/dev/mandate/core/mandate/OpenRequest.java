package dev.mandate.core.mandate;

import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.SpiffeId;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A request for a root mandate, after the agent was authenticated and found allowed the purpose.
 *
 * @param agent the agent
 * @param tier the agent's tier
 * @param onBehalfOf the principal, or null
 * @param purpose the task's purpose
 * @param tools the tools asked for
 * @param resources the resources asked for
 * @param ttl how long it lives between heartbeats
 * @param maxLifetime the longest it may live in total, or null for the tier's maximum
 * @param labelCeiling the labels it may accumulate ({@value Scope#ANY_LABEL} for any)
 * @param callBudget the most tool calls it may make
 * @param clearance the principal's clearance; null when it acts for nobody, and {@link Sensitivity#PUBLIC} stands in
 *     for an unknown clearance
 */
public record OpenRequest(
        SpiffeId agent,
        Tier tier,
        @Nullable String onBehalfOf,
        String purpose,
        Set<String> tools,
        Set<String> resources,
        Duration ttl,
        @Nullable Duration maxLifetime,
        Set<String> labelCeiling,
        int callBudget,
        @Nullable Sensitivity clearance) {
    /** Validates and copies. */
    public OpenRequest {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(tier, "tier");
        Scope.purpose(purpose);
        tools = Scope.names("tools", tools);
        resources = Scope.names("resources", resources);
        labelCeiling = Scope.names("label ceiling", labelCeiling);
        Objects.requireNonNull(ttl, "ttl");
    }
}
