package dev.mandate.core.identity;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A workload whose SVID verified.
 *
 * @param id its SPIFFE ID
 * @param expiresAt when the SVID it presented expires
 * @param method how it proved it: {@code jwt-svid} or {@code x509-svid}
 * @param audiences the JWT-SVID's audiences (empty for an X.509-SVID)
 */
public record VerifiedWorkload(SpiffeId id, Instant expiresAt, String method, Set<String> audiences) {
    /** Copies the audiences. */
    public VerifiedWorkload {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(method, "method");
        audiences = Set.copyOf(audiences);
    }
}
