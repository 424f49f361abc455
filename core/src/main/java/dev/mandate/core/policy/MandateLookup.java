package dev.mandate.core.policy;

import org.jspecify.annotations.Nullable;

/**
 * The port through which decisions read mandates and agents; the mandate registry implements it. Lookups are on the
 * decision path, so they must answer from memory.
 */
public interface MandateLookup {
    /**
     * Finds a live mandate.
     *
     * @param mandateId the id
     * @return its facts, or null when unknown or no longer live (the call is then denied)
     */
    @Nullable
    MandateFacts mandate(String mandateId);

    /**
     * Finds an agent.
     *
     * @param agentId the id
     * @return its facts, or null when unknown (the call is then denied)
     */
    @Nullable
    AgentFacts agent(String agentId);
}
