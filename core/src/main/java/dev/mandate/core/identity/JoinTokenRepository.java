package dev.mandate.core.identity;

import java.time.Instant;
import java.util.Optional;

/** Storage port of one-time join tokens. Only a token's digest is ever stored. */
public interface JoinTokenRepository {
    /**
     * Stores a new token.
     *
     * @param digest the token's digest ({@code sha256:<hex>})
     * @param agentName the agent it lets join
     * @param createdAt when it was created
     * @param expiresAt when it stops working
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be written
     */
    void add(String digest, String agentName, Instant createdAt, Instant expiresAt);

    /**
     * Uses a token up, atomically: succeeds once for an unused token that has not expired at {@code now}.
     *
     * @param digest the token's digest
     * @param now the current time
     * @return the agent the token was for, or empty if it is unknown, expired or used
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be used
     */
    Optional<String> consume(String digest, Instant now);
}
