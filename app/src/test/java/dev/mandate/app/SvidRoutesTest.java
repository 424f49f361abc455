package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.identity.EmbeddedTrustDomain;
import dev.mandate.core.identity.Pem;
import dev.mandate.core.identity.TrustBundle;
import dev.mandate.core.identity.VerifiedWorkload;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SvidRoutesTest {
    @TempDir
    Path tmp;

    private MandateNode node;

    @BeforeEach
    void start() throws Exception {
        node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), Map.of()));
        assertThat(NodeTesting.admin(node, "POST", "/v1/agents", Map.of("name", "bot", "owner", "team"))
                        .status())
                .isEqualTo(201);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static PKCS10CertificationRequest csr(KeyPair keys) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=bot"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
    }

    private static String pem(PKCS10CertificationRequest csr) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(csr);
        }
        return out.toString();
    }

    private String joinToken() throws Exception {
        NodeTesting.Answer answer = NodeTesting.admin(node, "POST", "/v1/agents/bot/join-tokens", null);
        assertThat(answer.status()).as(answer.raw()).isEqualTo(201);
        return answer.body().get("token").asText();
    }

    @Test
    void anAgentJoinsWithATokenAndACsrAndItsSvidsVerify() throws Exception {
        KeyPair keys = p256();
        NodeTesting.Answer svid = NodeTesting.call(
                node,
                "POST",
                "/v1/svid",
                Map.of("joinToken", joinToken(), "csr", pem(csr(keys)), "audience", List.of("mandate")),
                null);
        assertThat(svid.status()).as(svid.raw()).isEqualTo(200);
        assertThat(svid.body().get("spiffeId").asText()).isEqualTo("spiffe://mandate.local/agent/bot");

        VerifiedWorkload byJwt =
                node.workloadVerifier().verifyJwtSvid(svid.body().get("jwtSvid").asText(), "mandate");
        assertThat(byJwt.id().toString()).isEqualTo("spiffe://mandate.local/agent/bot");
        var chain = Pem.decodeCertificates(svid.body().get("x509Svid").asText());
        assertThat(node.workloadVerifier().verifyX509Svid(chain).id()).isEqualTo(byJwt.id());
        assertThat(chain.get(0).getPublicKey()).isEqualTo(keys.getPublic());

        NodeTesting.Answer bundle = NodeTesting.call(node, "GET", "/.well-known/spiffe-bundle.json", null, null);
        assertThat(bundle.status()).isEqualTo(200);
        TrustBundle parsed = TrustBundle.parse("mandate.local", bundle.raw());
        assertThat(parsed.x509Authorities()).containsExactly(chain.get(1));
        assertThat(parsed.jwtAuthority(
                        SignedJWT.parse(svid.body().get("jwtSvid").asText())
                                .getHeader()
                                .getKeyID()))
                .isPresent();
        assertThat(bundle.raw()).doesNotContain("\"d\"");
    }

    @Test
    void aJoinTokenCannotBeUsedTwiceAndTheFailureIsNamed() throws Exception {
        String token = joinToken();
        Map<String, Object> body = Map.of("joinToken", token, "csr", pem(csr(p256())), "audience", List.of("mandate"));
        assertThat(NodeTesting.call(node, "POST", "/v1/svid", body, null).status())
                .isEqualTo(200);
        NodeTesting.Answer again = NodeTesting.call(node, "POST", "/v1/svid", body, null);
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.body().get("error").asText()).isEqualTo("unauthenticated");
        assertThat(again.body().get("failure").asText()).isEqualTo("invalid-join-token");
    }

    @Test
    void joinTokensNeedTheAdminTokenButSvidEndpointsDoNot() throws Exception {
        assertThat(NodeTesting.call(node, "POST", "/v1/agents/bot/join-tokens", null, null)
                        .status())
                .isEqualTo(401);
        NodeTesting.Answer bad = NodeTesting.call(node, "POST", "/v1/svid", "{}", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("message").asText()).contains("joinToken");
        assertThat(NodeTesting.call(node, "POST", "/v1/svid/renew", "{}", null).status())
                .isEqualTo(400);
    }

    @Test
    void anAgentRenewsWithProofOfPossessionOfItsCurrentKey() throws Exception {
        KeyPair keys = p256();
        NodeTesting.Answer first = NodeTesting.call(
                node,
                "POST",
                "/v1/svid",
                Map.of("joinToken", joinToken(), "csr", pem(csr(keys)), "audience", List.of("mandate")),
                null);
        KeyPair next = p256();
        PKCS10CertificationRequest newCsr = csr(next);
        String digest = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(newCsr.getEncoded()));
        SignedJWT proof = new SignedJWT(
                new JWSHeader(JWSAlgorithm.ES256),
                new JWTClaimsSet.Builder()
                        .subject("spiffe://mandate.local/agent/bot")
                        .audience(EmbeddedTrustDomain.RENEW_AUDIENCE)
                        .issueTime(Date.from(java.time.Instant.now()))
                        .claim("csr_sha256", digest)
                        .build());
        proof.sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()));
        NodeTesting.Answer renewed = NodeTesting.call(
                node,
                "POST",
                "/v1/svid/renew",
                Map.of(
                        "x509Svid",
                        first.body().get("x509Svid").asText(),
                        "csr",
                        pem(newCsr),
                        "proof",
                        proof.serialize(),
                        "audience",
                        List.of("mandate")),
                null);
        assertThat(renewed.status()).as(renewed.raw()).isEqualTo(200);
        assertThat(Pem.decodeCertificates(renewed.body().get("x509Svid").asText())
                        .get(0)
                        .getPublicKey())
                .isEqualTo(next.getPublic());

        SignedJWT stolen = new SignedJWT(proof.getHeader(), proof.getJWTClaimsSet());
        stolen.sign(new ECDSASigner((ECPrivateKey) p256().getPrivate()));
        NodeTesting.Answer refused = NodeTesting.call(
                node,
                "POST",
                "/v1/svid/renew",
                Map.of(
                        "x509Svid",
                        first.body().get("x509Svid").asText(),
                        "csr",
                        pem(newCsr),
                        "proof",
                        stolen.serialize(),
                        "audience",
                        List.of("mandate")),
                null);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body().get("failure").asText()).isEqualTo("bad-proof");
    }
}
