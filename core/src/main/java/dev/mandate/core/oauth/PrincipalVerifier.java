package dev.mandate.core.oauth;

/** Verifies a principal's ID token (the {@code on_behalf_of} of a mandate) and says who it names. */
@FunctionalInterface
public interface PrincipalVerifier {
    /**
     * Verifies an OIDC ID token against the configured issuers.
     *
     * @param idToken the compact JWT
     * @return the principal, named {@code <issuer>#<subject>}, with its clearance
     * @throws dev.mandate.core.MandateException with {@code UNAUTHENTICATED} naming why it was not accepted
     */
    Principal verify(String idToken);
}
