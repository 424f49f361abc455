package dev.mandate.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.testing.MutableClock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

final class OidcIdTokenVerifierTest {
    private static final String ISS = "https://idp.example.com";
    private static final RSAKey KEY = generate("idp-1");
    private static final RSAKey OTHER = generate("idp-1");

    private final MutableClock clock = MutableClock.atEpochDay();
    private final OidcIdTokenVerifier verifier = new OidcIdTokenVerifier(
            List.of(new OidcIssuer(ISS, new JWKSet(KEY), "mandate")), clock, Duration.ofSeconds(30));

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private String token(RSAKey key, UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISS)
                .subject("alice")
                .audience("mandate")
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(10))));
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                change.apply(claims).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static void assertFailure(ThrowingCallable call, IdentityFailure failure) {
        assertThatThrownBy(call)
                .isInstanceOf(IdentityException.class)
                .satisfies(e -> assertThat(((IdentityException) e).failure())
                        .as(e.getMessage())
                        .isEqualTo(failure));
    }

    @Test
    void aValidIdTokenYieldsSubjectIssuerAndClearance() throws Exception {
        VerifiedPrincipal p = verifier.verifyIdToken(token(KEY, c -> c.claim("clearance", "confidential")));
        assertThat(p.subject()).isEqualTo("alice");
        assertThat(p.issuer()).isEqualTo(ISS);
        assertThat(p.clearance()).isEqualTo("confidential");
        assertThat(verifier.verifyIdToken(token(KEY, c -> c)).clearance()).isNull();
    }

    @Test
    void eachWayOfBeingWrongHasItsOwnFailure() throws Exception {
        assertFailure(
                () -> verifier.verifyIdToken(token(KEY, c -> c.issuer("https://evil.example.com"))),
                IdentityFailure.WRONG_ISSUER);
        assertFailure(
                () -> verifier.verifyIdToken(token(KEY, c -> c.audience("other-client"))),
                IdentityFailure.WRONG_AUDIENCE);
        assertFailure(() -> verifier.verifyIdToken(token(OTHER, c -> c)), IdentityFailure.BAD_SIGNATURE);
        assertFailure(() -> verifier.verifyIdToken(token(generate("idp-2"), c -> c)), IdentityFailure.UNKNOWN_KID);
        assertFailure(() -> verifier.verifyIdToken(token(KEY, c -> c.subject(null))), IdentityFailure.MALFORMED);
        String expired = token(KEY, c -> c);
        clock.advance(Duration.ofMinutes(11));
        assertFailure(() -> verifier.verifyIdToken(expired), IdentityFailure.EXPIRED);
        String none = new PlainJWT(
                        new PlainHeader(),
                        new JWTClaimsSet.Builder().issuer(ISS).subject("alice").build())
                .serialize();
        assertFailure(() -> verifier.verifyIdToken(none), IdentityFailure.ALG_NONE);
    }

    @Test
    void privateKeysGivenAsIssuerKeysAreNeverKept() {
        OidcIssuer issuer = new OidcIssuer(ISS, new JWKSet(KEY), "mandate");
        assertThat(issuer.keys().getKeys())
                .allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
    }
}
