package dev.mandate.core.mandate;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Where mandates are kept so that they survive a restart. Every method is durable when it returns. */
public interface MandateStore {
    /**
     * Stores a new mandate.
     *
     * @param mandate the mandate
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if it could not be stored
     */
    void insert(Mandate mandate);

    /**
     * Ends active mandates, in one transaction.
     *
     * @param ids the mandates
     * @param state the final state
     * @param at when they ended
     * @param reason why
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the change could not be stored
     */
    void end(Collection<String> ids, MandateState state, Instant at, String reason);

    /**
     * Ends active mandates as {@link #end} does and tells which of them this call ended: those still active in the
     * store. Replicas sharing a store learn the same revocation (an agent disabled, an ancestor revoked) each on its
     * own; only the one whose write ended a mandate records that in the audit log, so it is recorded once. A store
     * that only one node writes may answer every id.
     *
     * @param ids the mandates
     * @param state the final state
     * @param at when they ended
     * @param reason why
     * @return the ids this call moved from active to {@code state}
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the change could not be stored
     */
    default java.util.Set<String> endActive(Collection<String> ids, MandateState state, Instant at, String reason) {
        end(ids, state, at, reason);
        return java.util.Set.copyOf(ids);
    }

    /**
     * Ends every mandate of an agent still active in the store, as {@link #endActive} does, and tells which. A replica
     * that disables an agent calls this after the disable is stored, for the mandates other replicas opened that it
     * has not learned of yet (the store refuses new ones once the agent is disabled); the feed then brings them ended
     * to every replica, whatever the agent's state by then. This default, for a store that only one registry writes
     * (whose memory holds every mandate), ends nothing.
     *
     * @param agent the agent
     * @param state the final state
     * @param at when they ended
     * @param reason why
     * @return the ids this call moved from active to {@code state}
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the change could not be stored
     */
    default java.util.Set<String> endActiveOfAgent(
            dev.mandate.core.identity.SpiffeId agent, MandateState state, Instant at, String reason) {
        return java.util.Set.of();
    }

    /**
     * Moves a mandate's expiry (a renewal).
     *
     * @param id the mandate
     * @param expires the new expiry
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the change could not be stored
     */
    void renew(String id, Instant expires);

    /**
     * Adds to a mandate's stored flow labels: they become the join of what is stored and {@code flowLabels}
     * ({@link dev.mandate.core.flow.FlowLabels#joinWords}: the union, keeping the highest sensitivity), atomically (they only grow, whatever its state: a late result still counts). Several replicas may write the
     * labels of one mandate, each what it saw; none overwrites another's. Nothing is written if the store holds them
     * all already.
     *
     * @param id the mandate
     * @param flowLabels all its labels as the caller knows them
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the change could not be stored
     */
    void updateFlowLabels(String id, Set<String> flowLabels);

    /**
     * Loads every mandate, parents before their children.
     *
     * @return the mandates
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    List<Mandate> loadAll();
}
