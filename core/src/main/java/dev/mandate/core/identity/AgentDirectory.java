package dev.mandate.core.identity;

import java.util.List;
import java.util.Optional;

/**
 * Storage port of registered agents. Names and SPIFFE IDs are each unique. Changes go through {@link AgentRegistry},
 * which validates and audits them; readers (token exchange, the gateway) may call {@link #find(SpiffeId)} directly.
 */
public interface AgentDirectory {
    /**
     * Finds the agent that authenticates as a SPIFFE ID.
     *
     * @param id the SPIFFE ID
     * @return the agent, whatever its status, or empty
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    Optional<Agent> find(SpiffeId id);

    /**
     * Finds an agent by name.
     *
     * @param name the name
     * @return the agent, whatever its status, or empty
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    Optional<Agent> findByName(String name);

    /**
     * Lists every agent, by name.
     *
     * @return the agents
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    List<Agent> list();

    /**
     * Stores a new agent.
     *
     * @param agent the agent
     * @throws dev.mandate.core.MandateException with {@code CONFLICT} if its name or SPIFFE ID is taken,
     *     {@code UNAVAILABLE} if the store cannot be written
     */
    void register(Agent agent);

    /**
     * Replaces a stored agent's fields (its name, SPIFFE ID and creation time stay).
     *
     * @param agent the agent as it should now be
     * @throws dev.mandate.core.MandateException with {@code NOT_FOUND} if no agent has that name,
     *     {@code UNAVAILABLE} if the store cannot be written
     */
    void update(Agent agent);

    /**
     * Marks an agent disabled.
     *
     * @param name the agent's name
     * @return the agent as now stored
     * @throws dev.mandate.core.MandateException with {@code NOT_FOUND} if no agent has that name,
     *     {@code UNAVAILABLE} if the store cannot be written
     */
    Agent disable(String name);
}
