package dev.mandate.core.identity;

/**
 * Why a presented identity (JWT-SVID, X.509-SVID, OIDC ID token, join token, proof of possession) was refused. Each
 * failure has its own value so that callers, tests and metrics can tell them apart; all of them answer
 * {@code unauthenticated} on the wire.
 */
public enum IdentityFailure {
    /** The token is not a well-formed JWS/JWT, a claim has the wrong type, or a required claim is missing. */
    MALFORMED,
    /** The token or certificate chain is larger than the named limit. */
    TOO_LARGE,
    /** The token is unsecured ({@code alg: none}). */
    ALG_NONE,
    /** The algorithm is not one accepted here, e.g. HMAC ({@code HS256}) where a public-key signature is required. */
    ALG_NOT_ALLOWED,
    /** The algorithm does not fit the key the {@code kid} names (e.g. {@code RS256} with an EC key). */
    ALG_MISMATCH,
    /** The token names no key, or a key that is not in the trust bundle. */
    UNKNOWN_KID,
    /** The signature does not verify. */
    BAD_SIGNATURE,
    /** {@code exp} (or the certificate's notAfter) is past, beyond the allowed clock skew. */
    EXPIRED,
    /** {@code nbf} / {@code iat} (or the certificate's notBefore) is in the future, beyond the allowed clock skew. */
    NOT_YET_VALID,
    /** {@code aud} does not contain the expected audience. */
    WRONG_AUDIENCE,
    /** {@code iss} is not the configured issuer. */
    WRONG_ISSUER,
    /** The subject is not a valid SPIFFE ID, or the certificate carries no single SPIFFE ID URI SAN. */
    BAD_SUBJECT,
    /** The subject's trust domain has no configured trust bundle. */
    UNKNOWN_TRUST_DOMAIN,
    /** The certificate chain does not lead to an authority of the trust bundle, or the leaf is not an SVID leaf. */
    UNTRUSTED_CHAIN,
    /** The join token is unknown, expired or already used. */
    INVALID_JOIN_TOKEN,
    /** The proof of possession (CSR signature, signed renewal request) does not verify or does not match. */
    BAD_PROOF
}
