package dev.mandate.core.identity;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The {@link WorkloadVerifier} over SPIFFE trust bundles: a {@link JwtSvidVerifier} and an {@link X509SvidVerifier}. */
public final class SpiffeWorkloadVerifier implements WorkloadVerifier {
    private final JwtSvidVerifier jwt;
    private final X509SvidVerifier x509;

    /**
     * Creates the verifier.
     *
     * @param bundles where trust bundles come from
     * @param clock the time source
     * @param skew how far a presenter's clock may be off, for JWT-SVID times
     */
    public SpiffeWorkloadVerifier(TrustBundleSource bundles, Clock clock, Duration skew) {
        this.jwt = new JwtSvidVerifier(bundles, clock, skew);
        this.x509 = new X509SvidVerifier(bundles, clock);
    }

    @Override
    public VerifiedWorkload verifyJwtSvid(String token, String expectedAudience) {
        return jwt.verify(token, expectedAudience);
    }

    @Override
    public VerifiedWorkload verifyX509Svid(List<X509Certificate> chain) {
        return x509.verify(chain);
    }
}
