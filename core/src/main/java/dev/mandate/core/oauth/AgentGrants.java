package dev.mandate.core.oauth;

import dev.mandate.core.identity.SpiffeId;
import java.util.Optional;

/** Looks up what a registered agent may be granted. */
@FunctionalInterface
public interface AgentGrants {
    /**
     * Finds an agent.
     *
     * @param id its SPIFFE ID
     * @return the agent, if registered
     */
    Optional<AgentGrant> find(SpiffeId id);
}
