package dev.mandate.core.oauth;

import org.jspecify.annotations.Nullable;

/**
 * A DPoP proof (RFC 9449) as it came with a request, not verified yet: the token endpoint learns only after verifying
 * the presented {@code subject_token} whether the proof must also carry that token's hash ({@code ath}), and a proof
 * can be verified once only (its {@code jti} enters the replay cache).
 */
@FunctionalInterface
public interface PresentedProof {
    /**
     * Verifies the proof for the request it came with.
     *
     * @param accessToken the token presented with the proof, whose hash the proof's {@code ath} must carry, or null
     *     when no token is presented
     * @return the JWK SHA-256 thumbprint of the proof's key
     * @throws OAuthException with {@code invalid_dpop_proof} naming the check that failed
     */
    String verify(@Nullable String accessToken);
}
