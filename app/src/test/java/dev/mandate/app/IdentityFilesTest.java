package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.TrustBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class IdentityFilesTest {
    @TempDir
    Path tmp;

    private static String sign(ECKey key, String iss, String sub, String aud) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(sub)
                .audience(aud)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))));
        if (!iss.isEmpty()) {
            claims.issuer(iss);
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void bundlesOfOtherTrustDomainsAreTrustedForJwtSvids() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256)
                .keyID("ext-1")
                .keyUse(TrustBundle.JWT_SVID)
                .generate();
        Path dir = Files.createDirectories(tmp.resolve("bundles"));
        Files.writeString(
                dir.resolve("example.org.json"),
                "{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}");
        Files.writeString(dir.resolve("README.txt"), "not a bundle, not read");
        try (MandateNode node = MandateNode.start(
                NodeTesting.config(tmp.resolve("data"), Map.of(ConfigKey.TRUST_BUNDLE_DIR, dir.toString())))) {
            String token = sign(key, "", "spiffe://example.org/workload/etl", "mandate");
            assertThat(node.workloadVerifier()
                            .verifyJwtSvid(token, "mandate")
                            .id()
                            .trustDomain())
                    .isEqualTo("example.org");
            assertThat(node.principalVerifier()).isEmpty();
        }
    }

    @Test
    void aBundleForTheEmbeddedTrustDomainOrAnInvalidOneStopsStartUpNamingTheKeyAndFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bundles"));
        Path own = Files.writeString(dir.resolve("mandate.local.json"), "{\"keys\":[]}");
        assertThatThrownBy(() -> MandateNode.start(
                        NodeTesting.config(tmp.resolve("data"), Map.of(ConfigKey.TRUST_BUNDLE_DIR, dir.toString()))))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("identity.trust-bundle-dir")
                .hasMessageContaining("embedded trust domain")
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG));
        Files.delete(own);
        Path broken = Files.writeString(dir.resolve("example.org.json"), "{\"keys\":[{\"use\":\"jwt-svid\"");
        assertThatThrownBy(() -> MandateNode.start(
                        NodeTesting.config(tmp.resolve("data"), Map.of(ConfigKey.TRUST_BUNDLE_DIR, dir.toString()))))
                .hasMessageContaining(broken.toString())
                .hasMessageContaining("not a JWK set");
    }

    @Test
    void aConfiguredOidcIssuerVerifiesIdTokens() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        Path jwks = Files.writeString(tmp.resolve("idp.json"), new JWKSet(key).toString(true));
        try (MandateNode node = MandateNode.start(NodeTesting.config(
                tmp.resolve("data"),
                Map.of(
                        ConfigKey.OIDC_ISSUER,
                        "https://idp.example.com",
                        ConfigKey.OIDC_JWKS_FILE,
                        jwks.toString(),
                        ConfigKey.OIDC_AUDIENCE,
                        "mandate-test")))) {
            String idToken = sign(key, "https://idp.example.com", "alice", "mandate-test");
            assertThat(node.principalVerifier()
                            .orElseThrow()
                            .verifyIdToken(idToken)
                            .subject())
                    .isEqualTo("alice");
        }
    }

    @Test
    void anOidcIssuerWithoutKeysStopsStartUp() {
        assertThatThrownBy(() -> NodeTesting.config(
                        tmp.resolve("data"), Map.of(ConfigKey.OIDC_ISSUER, "https://idp.example.com")))
                .hasMessageContaining("'oidc.issuer'")
                .hasMessageContaining("'oidc.jwks-file'")
                .hasMessageContaining("go together");
        Path missing = tmp.resolve("missing.json");
        assertThatThrownBy(() -> MandateNode.start(NodeTesting.config(
                        tmp.resolve("data"),
                        Map.of(ConfigKey.OIDC_ISSUER, "https://idp", ConfigKey.OIDC_JWKS_FILE, missing.toString()))))
                .hasMessageContaining("oidc.jwks-file")
                .hasMessageContaining(missing.toString());
        assertThat(List.of(ConfigKey.values())).contains(ConfigKey.OIDC_AUDIENCE);
    }
}
