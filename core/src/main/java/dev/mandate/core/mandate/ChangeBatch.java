package dev.mandate.core.mandate;

import dev.mandate.core.identity.SpiffeId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What changed in the shared store since the previous batch: every mandate row written since then as it is stored
 * now (opened, delegated, renewed, closed, revoked, expired; by any replica, this one included), and the agents that
 * are disabled. Applying a batch twice changes nothing.
 *
 * @param mandates the changed mandates as stored, in any order
 * @param disabledAgents the agents whose row changed and who are now disabled
 * @param activeAgents the agents whose row changed and who are now active (registered, updated or enabled again)
 * @param asOf a time (of the replica's clock) before the read began: every change committed before it is in this batch
 *     or an earlier one
 */
public record ChangeBatch(
        List<Mandate> mandates, Set<SpiffeId> disabledAgents, Set<SpiffeId> activeAgents, Instant asOf) {
    /** Copies the collections and checks that no agent is both. */
    public ChangeBatch {
        mandates = List.copyOf(mandates);
        disabledAgents = Set.copyOf(disabledAgents);
        activeAgents = Set.copyOf(activeAgents);
        Objects.requireNonNull(asOf, "asOf");
        for (SpiffeId agent : activeAgents) {
            if (disabledAgents.contains(agent)) {
                throw new IllegalArgumentException("agent " + agent + " cannot be both disabled and active in a batch");
            }
        }
    }

    /**
     * A batch without agents that became active.
     *
     * @param mandates the changed mandates as stored, in any order
     * @param disabledAgents the agents whose row changed and who are now disabled
     * @param asOf a time before the read began
     */
    public ChangeBatch(List<Mandate> mandates, Set<SpiffeId> disabledAgents, Instant asOf) {
        this(mandates, disabledAgents, Set.of(), asOf);
    }
}
