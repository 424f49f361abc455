package dev.mandate.core.identity;

import java.time.Instant;

/**
 * A join token as handed to the admin, once: the only time the token itself exists outside the agent.
 *
 * @param token the secret token
 * @param agent the agent's SPIFFE ID
 * @param expiresAt when it stops working
 */
public record IssuedJoinToken(String token, SpiffeId agent, Instant expiresAt) {
    @Override
    public String toString() {
        return "IssuedJoinToken[agent=" + agent + ", expiresAt=" + expiresAt + ", token=***]";
    }
}
