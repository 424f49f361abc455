package dev.mandate.core.oauth;

import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Tier;
import java.util.Objects;
import java.util.Set;

/**
 * What a registered agent may be granted, as the token endpoint sees it.
 *
 * @param id the agent's SPIFFE ID
 * @param tier its autonomy tier
 * @param purposes the purposes it may open mandates for
 * @param active false once it is disabled or revoked
 */
public record AgentGrant(SpiffeId id, Tier tier, Set<String> purposes, boolean active) {
    /** Copies. */
    public AgentGrant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tier, "tier");
        purposes = Set.copyOf(purposes);
    }
}
