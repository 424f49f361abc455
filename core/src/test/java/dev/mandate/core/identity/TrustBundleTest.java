package dev.mandate.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.testing.InMemoryKeyRepository;
import dev.mandate.core.testing.MutableClock;
import dev.mandate.core.testing.RecordingAuditSink;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TrustBundleTest {
    private final X509Certificate ca = EmbeddedCa.loadOrCreate(
                    new InMemoryKeyRepository(), "example.org", MutableClock.atEpochDay(), new RecordingAuditSink())
            .root();

    private static ECKey jwtKey(String kid) throws Exception {
        return new ECKeyGenerator(Curve.P_256)
                .keyID(kid)
                .keyUse(TrustBundle.JWT_SVID)
                .generate();
    }

    @Test
    void aBundleRoundTripsThroughTheSpiffeFormat() throws Exception {
        TrustBundle bundle = new TrustBundle("example.org", List.of(jwtKey("k1").toPublicJWK()), List.of(ca), 7);
        String json = bundle.toJson(300L);
        assertThat(json)
                .contains("\"use\":\"x509-svid\"")
                .contains("\"use\":\"jwt-svid\"")
                .contains("\"spiffe_sequence\":7")
                .contains("\"spiffe_refresh_hint\":300")
                .doesNotContain("\"d\"");
        TrustBundle parsed = TrustBundle.parse("example.org", json);
        assertThat(parsed.x509Authorities()).containsExactly(ca);
        assertThat(parsed.jwtAuthority("k1")).isPresent();
        assertThat(parsed.sequence()).isEqualTo(7);
    }

    @Test
    void keysWithAnotherUseAreIgnoredAndX509KidIsOptional() throws Exception {
        ECKey sig = new ECKeyGenerator(Curve.P_256).keyID("sig").generate();
        ECKey x509 = new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) ca.getPublicKey())
                .keyUse(TrustBundle.X509_SVID)
                .x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode(ca.getEncoded())))
                .build();
        String json = "{\"keys\":[" + sig.toPublicJWK().toJSONString() + "," + x509.toJSONString() + "]}";
        assertThat(x509.getKeyID()).isNull();
        TrustBundle parsed = TrustBundle.parse("example.org", json);
        assertThat(parsed.jwtAuthorities()).isEmpty();
        assertThat(parsed.x509Authorities()).containsExactly(ca);
    }

    @Test
    void aJwtSvidKeyWithoutKidIsRefusedNamingTheTrustDomain() throws Exception {
        ECKey noKid =
                new ECKeyGenerator(Curve.P_256).keyUse(TrustBundle.JWT_SVID).generate();
        String json = "{\"keys\":[" + noKid.toPublicJWK().toJSONString() + "]}";
        assertThatThrownBy(() -> TrustBundle.parse("example.org", json))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("'example.org'")
                .hasMessageContaining("no kid")
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG));
    }

    @Test
    void aPrivateJwtSvidKeyIsRefused() throws Exception {
        String json = "{\"keys\":[" + jwtKey("k").toJSONString() + "]}";
        assertThatThrownBy(() -> TrustBundle.parse("example.org", json)).hasMessageContaining("private key");
    }

    @Test
    void notAJwkSetIsRefused() {
        assertThatThrownBy(() -> TrustBundle.parse("example.org", "[]")).hasMessageContaining("not a JWK set");
        assertThatThrownBy(() -> TrustBundle.parse("example.org", "{\"keys\":[{\"use\":\"x509-svid\"}]}"))
                .isInstanceOf(MandateException.class);
    }
}
