package dev.mandate.core.identity;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@link PrincipalVerifier} for ID tokens of configured OIDC issuers, with Nimbus JOSE+JWT. Thread-safe. */
public final class OidcIdTokenVerifier implements PrincipalVerifier {
    private static final String WHAT = "the ID token";

    private final Map<String, OidcIssuer> issuers;
    private final Clock clock;
    private final Duration skew;

    /**
     * Creates the verifier.
     *
     * @param issuers the accepted issuers, each once
     * @param clock the time source
     * @param skew how far the issuer's clock may be off
     */
    public OidcIdTokenVerifier(List<OidcIssuer> issuers, Clock clock, Duration skew) {
        this.issuers = issuers.stream().collect(Collectors.toUnmodifiableMap(OidcIssuer::issuer, Function.identity()));
        this.clock = clock;
        this.skew = skew;
    }

    @Override
    public VerifiedPrincipal verifyIdToken(String idToken) {
        SignedJWT jwt = JwsChecks.parse(idToken, WHAT);
        JWTClaimsSet claims = JwsChecks.claims(jwt, WHAT);
        String iss = claims.getIssuer();
        OidcIssuer issuer = iss == null ? null : issuers.get(iss);
        if (issuer == null) {
            throw new IdentityException(
                    IdentityFailure.WRONG_ISSUER,
                    WHAT + " is from issuer '" + iss + "'; accepted issuers: " + issuers.keySet());
        }
        JwsChecks.verifySignature(jwt, issuer::key, WHAT, "the keys of issuer '" + iss + "'");
        Instant expiresAt = JwsChecks.checkTime(claims, clock, skew, WHAT);
        JwsChecks.checkAudience(claims, issuer.audience(), WHAT);
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank()) {
            throw new IdentityException(IdentityFailure.MALFORMED, WHAT + " has no sub claim");
        }
        Object clearance = claims.getClaim("clearance");
        return new VerifiedPrincipal(sub, iss, clearance instanceof String c ? c : null, expiresAt);
    }
}
