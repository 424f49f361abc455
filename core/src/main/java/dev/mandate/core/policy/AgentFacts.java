package dev.mandate.core.policy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.mandate.Tier;
import java.util.Objects;

/**
 * What policies see of the calling agent: the principal {@code Agent::"<id>"} with its owner and tier, in its owner
 * ({@code Team::"<owner>"} or {@code Person::"<owner>"}).
 *
 * @param id the agent's id as the principal entity id, e.g. its SPIFFE ID or short name
 * @param owner the owning team's or person's id
 * @param ownerIsTeam true when the owner is a team, false for a person
 * @param tier the agent's autonomy tier
 */
public record AgentFacts(String id, String owner, boolean ownerIsTeam, Tier tier) {
    /** Checks the ids are present. */
    public AgentFacts {
        Objects.requireNonNull(tier, "tier");
        if (id.isEmpty() || owner.isEmpty()) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "agent facts need a non-empty id and owner, got '" + id + "' / '" + owner + "'");
        }
    }

    /**
     * Returns the Cedar type of the owner entity.
     *
     * @return {@code Team} or {@code Person}
     */
    public String ownerType() {
        return ownerIsTeam ? "Team" : "Person";
    }
}
