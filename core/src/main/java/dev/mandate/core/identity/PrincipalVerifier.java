package dev.mandate.core.identity;

/** Verifies the OIDC ID token of the principal an agent acts for. Thread-safe. */
public interface PrincipalVerifier {
    /**
     * Verifies an ID token: issuer known, signature with the issuer's key named by {@code kid}, {@code aud} contains
     * the configured client id, {@code exp}/{@code nbf}/{@code iat} within the clock skew, {@code sub} present.
     *
     * @param idToken the compact JWT
     * @return the principal
     * @throws IdentityException naming the {@link IdentityFailure}
     */
    VerifiedPrincipal verifyIdToken(String idToken);
}
