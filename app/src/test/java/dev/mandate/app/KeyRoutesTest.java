package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class KeyRoutesTest {
    @TempDir
    Path tmp;

    @Test
    void jwksIsPublicHasNoPrivatePartsAndVerifiesTheNodesTokens() throws Exception {
        try (MandateNode node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), Map.of()))) {
            NodeTesting.Answer jwks = NodeTesting.call(node, "GET", "/.well-known/jwks.json", null, null);
            assertThat(jwks.status()).isEqualTo(200);
            assertThat(jwks.raw()).doesNotContain("\"d\"");
            JWKSet set = JWKSet.parse(jwks.raw());
            String token = node.signingKeys()
                    .sign(new JWTClaimsSet.Builder().subject("x").build(), JOSEObjectType.JWT);
            SignedJWT jwt = SignedJWT.parse(token);
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
            OctetKeyPair key = (OctetKeyPair) set.getKeyByKeyId(jwt.getHeader().getKeyID());
            JWSVerifier verifier = new Ed25519Verifier(key);
            assertThat(jwt.verify(verifier)).isTrue();
        }
    }

    @Test
    void theKeySetIsCreatedOnFirstStartAndKeptAcrossRestarts() throws Exception {
        Path data = tmp.resolve("data");
        String first;
        try (MandateNode node = MandateNode.start(NodeTesting.config(data, Map.of()))) {
            first = NodeTesting.call(node, "GET", "/.well-known/jwks.json", null, null)
                    .raw();
        }
        try (MandateNode node = MandateNode.start(NodeTesting.config(data, Map.of()))) {
            assertThat(NodeTesting.call(node, "GET", "/.well-known/jwks.json", null, null)
                            .raw())
                    .isEqualTo(first);
        }
    }

    @Test
    void rotationNeedsTheAdminTokenAndPublishesBothKeys() throws Exception {
        try (MandateNode node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), Map.of()))) {
            assertThat(NodeTesting.call(node, "POST", "/v1/keys/rotate", null, null)
                            .status())
                    .isEqualTo(401);
            NodeTesting.Answer rotated = NodeTesting.admin(node, "POST", "/v1/keys/rotate", null);
            assertThat(rotated.status()).isEqualTo(200);
            JWKSet set = JWKSet.parse(NodeTesting.call(node, "GET", "/.well-known/jwks.json", null, null)
                    .raw());
            assertThat(set.getKeys()).hasSize(2);
            assertThat(set.getKeyByKeyId(rotated.body().get("kid").asText())).isNotNull();
        }
    }

    @Test
    void theJwtSvidKeyRotatesOnlyForTheAdminAndBothKeysStayInTheBundle() throws Exception {
        try (MandateNode node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), Map.of()))) {
            assertThat(NodeTesting.call(node, "POST", "/v1/trust-domain/rotate-jwt-key", null, null)
                            .status())
                    .isEqualTo(401);
            NodeTesting.Answer rotated = NodeTesting.admin(node, "POST", "/v1/trust-domain/rotate-jwt-key", null);
            assertThat(rotated.status()).isEqualTo(200);
            assertThat(node.trustDomain().bundle().jwtAuthorities()).hasSize(2);
            assertThat(node.trustDomain()
                            .bundle()
                            .jwtAuthority(rotated.body().get("kid").asText()))
                    .isPresent();
        }
    }
}
