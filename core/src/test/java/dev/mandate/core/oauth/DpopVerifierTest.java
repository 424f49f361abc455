package dev.mandate.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class DpopVerifierTest {
    private static final URI TOKEN_URI = URI.create("http://127.0.0.1:8080/oauth2/token");

    private Instant now = Instant.parse("2026-11-24T12:00:00Z");
    private final InstantSource clock = () -> now;
    private ECKey key;
    private DefaultDPoPProofFactory factory;

    @BeforeEach
    void keys() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).generate();
        factory = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
    }

    private String proof(String method, URI uri) throws Exception {
        return factory.createDPoPJWT(new JWTID(), method, uri, Date.from(now), null)
                .serialize();
    }

    @Test
    void aProofFromNimbusVerifiesAndYieldsTheKeyThumbprint() throws Exception {
        DpopVerifier verifier = new DpopVerifier(clock, Duration.ofSeconds(60), 100);
        String jkt = verifier.verify(proof("POST", TOKEN_URI), "POST", TOKEN_URI, null);
        assertThat(jkt).isEqualTo(key.computeThumbprint().toString());
    }

    @Test
    void aReplayedProofIsRefused() throws Exception {
        DpopVerifier verifier = new DpopVerifier(clock, Duration.ofSeconds(60), 100);
        String p = proof("POST", TOKEN_URI);
        verifier.verify(p, "POST", TOKEN_URI, null);
        assertThatThrownBy(() -> verifier.verify(p, "POST", TOKEN_URI, null)).hasMessageContaining("replay");
    }

    @Test
    void wrongMethodUriOrAgeAreRefused() throws Exception {
        DpopVerifier verifier = new DpopVerifier(clock, Duration.ofSeconds(60), 100);
        assertThatThrownBy(() -> verifier.verify(proof("GET", TOKEN_URI), "POST", TOKEN_URI, null))
                .hasMessageContaining("htm");
        assertThatThrownBy(() -> verifier.verify(
                        proof("POST", URI.create("http://127.0.0.1:8080/other")), "POST", TOKEN_URI, null))
                .hasMessageContaining("htu");
        String old = proof("POST", TOKEN_URI);
        now = now.plusSeconds(120);
        assertThatThrownBy(() -> verifier.verify(old, "POST", TOKEN_URI, null)).hasMessageContaining("iat");
    }

    @Test
    void athMustMatchTheAccessTokenAtAResourceServer() throws Exception {
        DpopVerifier verifier = new DpopVerifier(clock, Duration.ofSeconds(60), 100);
        URI api = URI.create("http://127.0.0.1:8080/mcp");
        String bound = factory.createDPoPJWT(new JWTID(), "POST", api, Date.from(now), new DPoPAccessToken("the-token"))
                .serialize();
        assertThat(verifier.verify(bound, "POST", api, "the-token")).isNotEmpty();
        String other = factory.createDPoPJWT(
                        new JWTID(), "POST", api, Date.from(now), new DPoPAccessToken("other-token"))
                .serialize();
        assertThatThrownBy(() -> verifier.verify(other, "POST", api, "the-token"))
                .hasMessageContaining("ath");
        assertThatThrownBy(() -> verifier.verify(proof("POST", api), "POST", api, "the-token"))
                .hasMessageContaining("ath");
    }

    @Test
    void aFullReplayCacheRefusesUntilEntriesExpire() throws Exception {
        DpopVerifier verifier = new DpopVerifier(clock, Duration.ofSeconds(10), 2);
        verifier.verify(proof("POST", TOKEN_URI), "POST", TOKEN_URI, null);
        verifier.verify(proof("POST", TOKEN_URI), "POST", TOKEN_URI, null);
        assertThatThrownBy(() -> verifier.verify(proof("POST", TOKEN_URI), "POST", TOKEN_URI, null))
                .isInstanceOfSatisfying(
                        OAuthException.class, e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_DPOP_PROOF))
                .hasMessageContaining("dpop.replay-cache-size");
        now = now.plusSeconds(21);
        assertThat(verifier.verify(proof("POST", TOKEN_URI), "POST", TOKEN_URI, null))
                .isNotEmpty();
    }

    @Test
    void garbageIsAnInvalidProofNotACrash() {
        DpopVerifier verifier = new DpopVerifier(clock, Duration.ofSeconds(60), 100);
        assertThatThrownBy(() -> verifier.verify("not.a.jwt", "POST", TOKEN_URI, null))
                .isInstanceOf(OAuthException.class);
        assertThatThrownBy(() -> verifier.verify("x".repeat(9000), "POST", TOKEN_URI, null))
                .hasMessageContaining("longer");
    }
}
