package dev.mandate.core.oauth;

import dev.mandate.core.identity.SpiffeId;

/** Verifies a credential an agent presents (a JWT-SVID) and says which workload it proves. */
@FunctionalInterface
public interface WorkloadAuthenticator {
    /**
     * Verifies a JWT-SVID: signature against the trust bundle, audience, expiry, a SPIFFE ID subject.
     *
     * @param jwtSvid the compact JWT
     * @return the verified SPIFFE ID
     * @throws dev.mandate.core.MandateException with {@code UNAUTHENTICATED} naming why it was not accepted
     */
    SpiffeId authenticate(String jwtSvid);
}
