package dev.mandate.core.identity;

import java.security.cert.X509Certificate;
import java.util.List;

/** Verifies the identity a workload presents, against the trust bundles Mandate knows. Thread-safe. */
public interface WorkloadVerifier {
    /**
     * Verifies a JWT-SVID: signature against its trust domain's bundle, {@code aud}, {@code exp}/{@code nbf} with the
     * configured clock skew, {@code sub} a SPIFFE ID of a known trust domain.
     *
     * @param token the compact JWT
     * @param expectedAudience the audience this verifier answers for; {@code aud} must contain it
     * @return the verified workload
     * @throws IdentityException naming the failure
     */
    VerifiedWorkload verifyJwtSvid(String token, String expectedAudience);

    /**
     * Verifies an X.509-SVID chain (leaf first, as presented over mTLS): the chain leads to an authority of the leaf's
     * trust domain, every certificate is valid now, the leaf is an SVID leaf with one SPIFFE ID URI SAN.
     *
     * @param chain the presented chain, leaf first; the root may be omitted
     * @return the verified workload
     * @throws IdentityException naming the failure
     */
    VerifiedWorkload verifyX509Svid(List<X509Certificate> chain);
}
