package dev.mandate.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.testing.TestSigningKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class MandateTokensTest {
    private Instant now = Instant.parse("2026-11-24T12:00:00Z");
    private final InstantSource clock = () -> now;
    private final TestSigningKeys keys = new TestSigningKeys();
    private final MandateTokens tokens = new MandateTokens(keys, clock, () -> "http://127.0.0.1:1", "mandate");

    private Mandate mandate(Duration life) {
        return new Mandate(
                "mdt_1",
                SpiffeId.parse("spiffe://t/agent/sub"),
                "alice",
                "support",
                Set.of("a", "b"),
                Set.of(),
                Tier.AUTONOMOUS,
                "mdt_0",
                1,
                now,
                now.plus(life),
                now.plus(life),
                life,
                MandateState.ACTIVE,
                Set.of(),
                Set.of("*"),
                5,
                null,
                null,
                Sensitivity.PUBLIC);
    }

    @Test
    void aTokenCarriesTheMandateAndExpiresNoLaterThanIt() {
        MandateTokens.Issued t = tokens.issue(
                mandate(Duration.ofMinutes(2)),
                Duration.ofMinutes(5),
                "thumb",
                List.of("spiffe://t/agent/lead", "spiffe://t/agent/root"));
        assertThat(t.expires()).isEqualTo(now.plus(Duration.ofMinutes(2)));
        MandateTokens.Verified v = tokens.verify(t.token());
        assertThat(v.mandateId()).isEqualTo("mdt_1");
        assertThat(v.jkt()).isEqualTo("thumb");
        Map<String, Object> claims = v.claims().getClaims();
        assertThat(claims)
                .containsEntry("purp", "support")
                .containsEntry("tier", "autonomous")
                .containsEntry("scope", "a b")
                .containsEntry("obo", "alice")
                .containsEntry("client_id", "spiffe://t/agent/sub");
        assertThat(v.claims().getClaim("act").toString()).contains("lead").contains("root");
    }

    @Test
    void expiredForeignOrMistypedTokensAreInvalid() {
        String token = tokens.issue(mandate(Duration.ofMinutes(10)), Duration.ofMinutes(5), null, List.of())
                .token();
        MandateTokens otherAudience = new MandateTokens(keys, clock, () -> "http://127.0.0.1:1", "gateway");
        assertThatThrownBy(() -> otherAudience.verify(token)).hasMessageContaining("audience");
        MandateTokens otherIssuer = new MandateTokens(keys, clock, () -> "http://elsewhere", "mandate");
        assertThatThrownBy(() -> otherIssuer.verify(token)).hasMessageContaining("issuer");
        String svid = keys.sign(
                new JWTClaimsSet.Builder()
                        .subject("x")
                        .expirationTime(Date.from(now.plusSeconds(60)))
                        .build(),
                JOSEObjectType.JWT);
        assertThatThrownBy(() -> tokens.verify(svid)).hasMessageContaining("typ");
        assertThatThrownBy(() -> new MandateTokens(new TestSigningKeys(), clock, () -> "http://127.0.0.1:1", "mandate")
                        .verify(token))
                .hasMessageContaining("signature");
        now = now.plus(Duration.ofMinutes(5));
        assertThatThrownBy(() -> tokens.verify(token))
                .isInstanceOfSatisfying(
                        OAuthException.class, e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_TOKEN))
                .hasMessageContaining("expired");
    }

    @Test
    void aVerifiedTokenIsRememberedUntilItExpiresAndNeverPastIt() {
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        dev.mandate.core.keys.SigningKeys counting = new dev.mandate.core.keys.SigningKeys() {
            @Override
            public String sign(JWTClaimsSet claims, JOSEObjectType type) {
                return keys.sign(claims, type);
            }

            @Override
            public JWTClaimsSet verify(String jwt) {
                checks.incrementAndGet();
                return keys.verify(jwt);
            }

            @Override
            public com.nimbusds.jose.jwk.JWKSet publicJwks() {
                return keys.publicJwks();
            }
        };
        MandateTokens remembering = new MandateTokens(counting, clock, () -> "http://127.0.0.1:1", "mandate");
        String token = remembering
                .issue(mandate(Duration.ofMinutes(10)), Duration.ofMinutes(5), null, List.of())
                .token();
        assertThat(remembering.verify(token).mandateId()).isEqualTo("mdt_1");
        assertThat(remembering.verify(token).mandateId()).isEqualTo("mdt_1");
        assertThat(checks).as("the second presentation is not verified again").hasValue(1);

        String tampered = token.substring(0, token.length() - 4) + "AAAA";
        assertThatThrownBy(() -> remembering.verify(tampered)).hasMessageContaining("signature");

        now = now.plus(Duration.ofMinutes(5));
        assertThatThrownBy(() -> remembering.verify(token)).hasMessageContaining("expired");
    }

    @Test
    void aCertificateBoundTokenCarriesTheThumbprintAndADpopKeyWinsOverIt() {
        MandateTokens.Verified cert = tokens.verify(
                tokens.issue(mandate(Duration.ofMinutes(10)), Duration.ofMinutes(5), null, "x5t-thumb", List.of())
                        .token());
        assertThat(cert.x5t()).isEqualTo("x5t-thumb");
        assertThat(cert.jkt()).isNull();
        assertThat(cert.bound()).isTrue();
        assertThat(cert.claims().getClaim("cnf")).isEqualTo(Map.of("x5t#S256", "x5t-thumb"));

        MandateTokens.Verified both = tokens.verify(tokens.issue(
                        mandate(Duration.ofMinutes(10)), Duration.ofMinutes(5), "jkt-thumb", "x5t-thumb", List.of())
                .token());
        assertThat(both.jkt()).isEqualTo("jkt-thumb");
        assertThat(both.x5t()).isNull();

        MandateTokens.Verified bearer = tokens.verify(
                tokens.issue(mandate(Duration.ofMinutes(10)), Duration.ofMinutes(5), null, null, List.of())
                        .token());
        assertThat(bearer.bound()).isFalse();
    }

    @Test
    void aConfirmationThatNamesNoKnownMethodIsRefusedRatherThanReadAsBearer() {
        for (Object cnf : List.of(Map.of("x5t", "sha1-thumb"), "not-an-object")) {
            String token = keys.sign(
                    new JWTClaimsSet.Builder()
                            .issuer("http://127.0.0.1:1")
                            .audience("mandate")
                            .subject("spiffe://t/agent/sub")
                            .expirationTime(Date.from(now.plusSeconds(60)))
                            .claim("mdt", "mdt_1")
                            .claim("cnf", cnf)
                            .build(),
                    MandateTokens.TYPE);
            assertThatThrownBy(() -> tokens.verify(token))
                    .isInstanceOfSatisfying(
                            OAuthException.class, e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_TOKEN))
                    .hasMessageContaining("cnf");
        }
    }

    @Test
    void theCertificateThumbprintIsTheBase64urlSha256OfItsDer() throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        var pair = generator.generateKeyPair();
        var name = new org.bouncycastle.asn1.x500.X500Name("CN=t");
        var certificate = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate(new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                                name,
                                java.math.BigInteger.ONE,
                                Date.from(now),
                                Date.from(now.plusSeconds(60)),
                                name,
                                pair.getPublic())
                        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                                .build(pair.getPrivate())));
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        String thumbprint = MandateTokens.certificateThumbprint(certificate);
        assertThat(thumbprint).hasSize(43).doesNotContain("=", "+", "/");
        assertThat(java.util.Base64.getUrlDecoder().decode(thumbprint)).isEqualTo(digest);
    }
}
