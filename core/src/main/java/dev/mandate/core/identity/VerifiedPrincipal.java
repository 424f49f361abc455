package dev.mandate.core.identity;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A human (or service) principal whose OIDC ID token verified.
 *
 * @param subject the {@code sub} claim
 * @param issuer the {@code iss} claim
 * @param clearance the {@code clearance} claim if the token carries one as a string, else null
 * @param expiresAt when the ID token expires
 */
public record VerifiedPrincipal(
        String subject, String issuer, @Nullable String clearance, Instant expiresAt) {
    /** Checks the required fields. */
    public VerifiedPrincipal {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
