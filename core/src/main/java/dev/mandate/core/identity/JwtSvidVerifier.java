package dev.mandate.core.identity;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.MandateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;

/**
 * Verifies JWT-SVIDs per the SPIFFE JWT-SVID specification with Nimbus JOSE+JWT: the subject's trust domain selects
 * the bundle, the header's {@code kid} a {@code jwt-svid} key in it; {@code alg: none} and HMAC are refused before
 * any key is touched; {@code exp} is required; {@code aud} must contain the expected audience. Thread-safe.
 */
public final class JwtSvidVerifier {
    private static final String WHAT = "the JWT-SVID";

    private final TrustBundleSource bundles;
    private final Clock clock;
    private final Duration skew;

    /**
     * Creates the verifier.
     *
     * @param bundles where trust bundles come from
     * @param clock the time source
     * @param skew how far the presenter's clock may be off
     */
    public JwtSvidVerifier(TrustBundleSource bundles, Clock clock, Duration skew) {
        this.bundles = bundles;
        this.clock = clock;
        this.skew = skew;
    }

    /**
     * Verifies a JWT-SVID.
     *
     * @param token the compact JWT
     * @param expectedAudience the audience that must be in {@code aud}
     * @return the verified workload
     * @throws IdentityException naming the {@link IdentityFailure}
     */
    public VerifiedWorkload verify(String token, String expectedAudience) {
        SignedJWT jwt = JwsChecks.parse(token, WHAT);
        JWTClaimsSet claims = JwsChecks.claims(jwt, WHAT);
        String sub = claims.getSubject();
        if (sub == null) {
            throw new IdentityException(IdentityFailure.MALFORMED, WHAT + " has no sub claim");
        }
        SpiffeId id;
        try {
            id = SpiffeId.parse(sub);
        } catch (MandateException e) {
            throw new IdentityException(IdentityFailure.BAD_SUBJECT, WHAT + "'s sub: " + e.getMessage());
        }
        TrustBundle bundle = bundles.bundle(id.trustDomain())
                .orElseThrow(() -> new IdentityException(
                        IdentityFailure.UNKNOWN_TRUST_DOMAIN,
                        WHAT + " is from trust domain '" + id.trustDomain() + "', which has no trust bundle here"));
        JwsChecks.verifySignature(
                jwt, bundle::jwtAuthority, WHAT, "the bundle of trust domain '" + id.trustDomain() + "'");
        Instant expiresAt = JwsChecks.checkTime(claims, clock, skew, WHAT);
        JwsChecks.checkAudience(claims, expectedAudience, WHAT);
        List<String> aud = claims.getAudience();
        return new VerifiedWorkload(id, expiresAt, "jwt-svid", new HashSet<>(aud));
    }
}
