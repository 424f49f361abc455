package dev.mandate.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class JwtSvidVerifierTest {
    private static final String TD = "example.org";
    private static final String SUB = "spiffe://example.org/agent/bot";
    private static final String AUD = "mandate";
    private static final Duration SKEW = Duration.ofSeconds(30);

    private static final ECKey EC = key("ec-1");
    private static final ECKey OTHER_EC = key("ec-1");
    private static final RSAKey RSA = rsa("rsa-1");
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private final JwtSvidVerifier verifier = new JwtSvidVerifier(
            TrustBundleSource.of(
                    List.of(new TrustBundle(TD, List.of(EC.toPublicJWK(), RSA.toPublicJWK()), List.of(), 1))),
            CLOCK,
            SKEW);

    private static ECKey key(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = CLOCK.instant();
        return new JWTClaimsSet.Builder()
                .subject(SUB)
                .audience(AUD)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    private static String sign(JWSAlgorithm alg, @Nullable String kid, JWSSigner signer, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(alg)
                            .keyID(kid)
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String es256(UnaryOperator<JWTClaimsSet.Builder> change) {
        try {
            return sign(
                    JWSAlgorithm.ES256,
                    "ec-1",
                    new ECDSASigner(EC),
                    change.apply(claims()).build());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One way a JWT-SVID can be wrong, and the failure it must produce. */
    record Bad(String name, java.util.function.Supplier<String> token, IdentityFailure failure) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badTokens() throws Exception {
        byte[] secret = Arrays.copyOf(EC.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8), 64);
        return Stream.of(
                new Bad(
                        "alg none",
                        () -> new PlainJWT(new PlainHeader(), claims().build()).serialize(),
                        IdentityFailure.ALG_NONE),
                new Bad(
                        "HS256 keyed with the public key (algorithm confusion)",
                        () -> {
                            try {
                                return sign(JWSAlgorithm.HS256, "ec-1", new MACSigner(secret), claims().build());
                            } catch (com.nimbusds.jose.KeyLengthException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        IdentityFailure.ALG_NOT_ALLOWED),
                new Bad(
                        "RS256 naming the EC key",
                        () -> {
                            try {
                                return sign(JWSAlgorithm.RS256, "ec-1", new RSASSASigner(RSA), claims().build());
                            } catch (com.nimbusds.jose.JOSEException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        IdentityFailure.ALG_MISMATCH),
                new Bad(
                        "ES256 naming the RSA key",
                        () -> {
                            try {
                                return sign(JWSAlgorithm.ES256, "rsa-1", new ECDSASigner(EC), claims().build());
                            } catch (com.nimbusds.jose.JOSEException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        IdentityFailure.ALG_MISMATCH),
                new Bad(
                        "unknown kid",
                        () -> {
                            try {
                                return sign(JWSAlgorithm.ES256, "nope", new ECDSASigner(EC), claims().build());
                            } catch (com.nimbusds.jose.JOSEException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        IdentityFailure.UNKNOWN_KID),
                new Bad(
                        "no kid",
                        () -> {
                            try {
                                return sign(JWSAlgorithm.ES256, null, new ECDSASigner(EC), claims().build());
                            } catch (com.nimbusds.jose.JOSEException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        IdentityFailure.UNKNOWN_KID),
                new Bad(
                        "signed by another key under the same kid",
                        () -> {
                            try {
                                return sign(JWSAlgorithm.ES256, "ec-1", new ECDSASigner(OTHER_EC), claims().build());
                            } catch (com.nimbusds.jose.JOSEException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        IdentityFailure.BAD_SIGNATURE),
                new Bad(
                        "expired beyond the skew",
                        () -> es256(c -> c.expirationTime(
                                Date.from(CLOCK.instant().minus(SKEW).minusSeconds(1)))),
                        IdentityFailure.EXPIRED),
                new Bad(
                        "not valid before a future time",
                        () -> es256(c -> c.notBeforeTime(
                                Date.from(CLOCK.instant().plus(SKEW).plusSeconds(1)))),
                        IdentityFailure.NOT_YET_VALID),
                new Bad(
                        "issued in the future",
                        () -> es256(c -> c.issueTime(Date.from(CLOCK.instant().plus(Duration.ofMinutes(2))))),
                        IdentityFailure.NOT_YET_VALID),
                new Bad("wrong audience", () -> es256(c -> c.audience("someone-else")), IdentityFailure.WRONG_AUDIENCE),
                new Bad("no audience", () -> es256(c -> c.audience((String) null)), IdentityFailure.WRONG_AUDIENCE),
                new Bad(
                        "subject of an unknown trust domain",
                        () -> es256(c -> c.subject("spiffe://evil.org/agent/bot")),
                        IdentityFailure.UNKNOWN_TRUST_DOMAIN),
                new Bad("subject not a SPIFFE ID", () -> es256(c -> c.subject("bot")), IdentityFailure.BAD_SUBJECT),
                new Bad("no subject", () -> es256(c -> c.subject(null)), IdentityFailure.MALFORMED),
                new Bad("no exp", () -> es256(c -> c.expirationTime(null)), IdentityFailure.MALFORMED),
                new Bad("not a JWT", () -> "not.a.jwt", IdentityFailure.MALFORMED),
                new Bad("too long", () -> "a".repeat(JwsChecks.MAX_TOKEN_LENGTH + 1), IdentityFailure.TOO_LARGE));
    }

    @ParameterizedTest
    @MethodSource("badTokens")
    void eachWayOfBeingWrongHasItsOwnFailure(Bad bad) {
        String token = bad.token().get();
        assertThatThrownBy(() -> verifier.verify(token, AUD))
                .isInstanceOf(IdentityException.class)
                .satisfies(e -> assertThat(((IdentityException) e).failure()).isEqualTo(bad.failure()))
                .satisfies(e -> assertThat(((IdentityException) e).code())
                        .isEqualTo(dev.mandate.core.ErrorCode.UNAUTHENTICATED));
    }

    @Test
    void aValidTokenYieldsTheWorkload() {
        VerifiedWorkload w = verifier.verify(es256(c -> c.audience(List.of(AUD, "other"))), AUD);
        assertThat(w.id()).isEqualTo(SpiffeId.parse(SUB));
        assertThat(w.method()).isEqualTo("jwt-svid");
        assertThat(w.audiences()).containsExactlyInAnyOrder(AUD, "other");
        assertThat(w.expiresAt()).isEqualTo(CLOCK.instant().plus(Duration.ofMinutes(5)));
    }

    @Test
    void rsaSignedTokensVerifyToo() throws Exception {
        String token = sign(JWSAlgorithm.RS256, "rsa-1", new RSASSASigner(RSA), claims().build());
        assertThat(verifier.verify(token, AUD).id()).isEqualTo(SpiffeId.parse(SUB));
    }

    @Test
    void expiryWithinTheSkewIsTolerated() {
        String token = es256(
                c -> c.expirationTime(Date.from(CLOCK.instant().minus(SKEW).plusSeconds(1))));
        assertThat(verifier.verify(token, AUD).id().trustDomain()).isEqualTo(TD);
    }
}
