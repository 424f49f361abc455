package dev.mandate.core.access;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A permit that allows actions no catalog entry names: for any agent ({@code agent} null) or for one agent.
 *
 * @param policy the policy id
 * @param location the file it came from
 * @param agent the agent it grants everything to, or null when it grants every agent
 */
public record BroadPermit(
        String policy, String location, @Nullable String agent) {
    /** Checks the parts are present. */
    public BroadPermit {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(location, "location");
    }
}
