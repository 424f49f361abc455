package dev.mandate.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.testing.InMemoryKeyRepository;
import dev.mandate.core.testing.MutableClock;
import dev.mandate.core.testing.RecordingAuditSink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class RotatingSigningKeysTest {
    private final MutableClock clock = MutableClock.atEpochDay();
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final InMemoryKeyRepository repository = new InMemoryKeyRepository();

    private RotatingSigningKeys open() {
        return RotatingSigningKeys.open(
                repository, "mandate", KeyUse.SIGNATURE, JWSAlgorithm.EdDSA, clock, Duration.ofHours(1), audit);
    }

    private static JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().subject("agent").claim("mdt", "m-1").build();
    }

    @Test
    void firstOpenCreatesOneKeyAndAuditsIt() {
        RotatingSigningKeys keys = open();
        assertThat(repository.load("mandate")).hasSize(1);
        assertThat(audit.types()).containsExactly("key.rotated");
        assertThat(audit.entries.get(0).details()).containsEntry("kid", keys.currentKid());
        open();
        assertThat(repository.load("mandate"))
                .as("a second open reuses the key")
                .hasSize(1);
    }

    @Test
    void signedTokenVerifiesWithItsClaimsAndHeader() throws Exception {
        RotatingSigningKeys keys = open();
        String jwt = keys.sign(claims(), new JOSEObjectType("at+jwt"));
        assertThat(keys.verify(jwt).getClaim("mdt")).isEqualTo("m-1");
        assertThat(com.nimbusds.jwt.SignedJWT.parse(jwt).getHeader().getKeyID()).isEqualTo(keys.currentKid());
    }

    @Test
    void rotationKeepsOldTokensVerifiableUntilTheRetentionEnds() {
        RotatingSigningKeys keys = open();
        String old = keys.sign(claims(), JOSEObjectType.JWT);
        String oldKid = keys.currentKid();
        String newKid = keys.rotate("admin");
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(keys.verify(old).getSubject()).isEqualTo("agent");
        assertThat(keys.publicJwks().getKeys()).extracting(JWK::getKeyID).containsExactlyInAnyOrder(oldKid, newKid);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThatThrownBy(() -> keys.verify(old))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining(oldKid);
        assertThat(keys.publicJwks().getKeys()).extracting(JWK::getKeyID).containsExactly(newKid);
        keys.rotate("admin");
        assertThat(repository.load("mandate")).extracting(StoredKey::kid).doesNotContain(oldKid);
    }

    @Test
    void jwksHoldsNoPrivateParts() {
        RotatingSigningKeys keys = open();
        keys.rotate("admin");
        String json = keys.publicJwks().toString();
        assertThat(keys.publicJwks().getKeys())
                .allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
        assertThat(json).doesNotContain("\"d\"");
        assertThat(repository.load("mandate").get(0).toString()).doesNotContain("\"d\"");
    }

    @Test
    void unsignedTokenIsRejected() {
        RotatingSigningKeys keys = open();
        String none = new PlainJWT(new PlainHeader(), claims()).serialize();
        assertThatThrownBy(() -> keys.verify(none))
                .isInstanceOf(MandateException.class)
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }

    @Test
    void tokenOfAnotherKeySetIsRejected() {
        RotatingSigningKeys keys = open();
        RotatingSigningKeys other = RotatingSigningKeys.open(
                repository, "other", KeyUse.SIGNATURE, JWSAlgorithm.EdDSA, clock, Duration.ofHours(1), audit);
        String foreign = other.sign(claims(), JOSEObjectType.JWT);
        assertThatThrownBy(() -> keys.verify(foreign)).hasMessageContaining("not one of Mandate's published keys");
    }

    @Test
    void tamperedTokenIsRejected() {
        RotatingSigningKeys keys = open();
        String jwt = keys.sign(claims(), JOSEObjectType.JWT);
        String[] parts = jwt.split("\\.");
        String forged = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"sub\":\"root\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + parts[2];
        assertThatThrownBy(() -> keys.verify(forged)).hasMessageContaining("signature does not verify");
    }

    @Test
    void aTokenSignedAfterAnotherNodeRotatedVerifiesAfterAReloadAtMostEveryInterval() {
        RotatingSigningKeys here = open();
        RotatingSigningKeys there = open();
        there.rotate("admin");
        String token = there.sign(claims(), JOSEObjectType.JWT);
        assertThat(here.verify(token).getSubject()).isEqualTo("agent");

        there.rotate("admin");
        String newer = there.sign(claims(), JOSEObjectType.JWT);
        assertThatThrownBy(() -> here.verify(newer)).hasMessageContaining("not one of Mandate's published keys");
        clock.advance(RotatingSigningKeys.RELOAD_INTERVAL);
        assertThat(here.verify(newer).getSubject()).isEqualTo("agent");
    }

    @Test
    void anEdDsaTokenVerifiesWithAnIndependentEd25519Implementation() throws Exception {
        RotatingSigningKeys keys = open();
        SignedJWT jwt = SignedJWT.parse(keys.sign(claims(), JOSEObjectType.JWT));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        OctetKeyPair published = (OctetKeyPair) keys.publicJwks().getKeyByKeyId(keys.currentKid());
        assertThat(jwt.verify(new Ed25519Verifier(published)))
                .as("Nimbus's Tink-based verifier accepts the BouncyCastle signature")
                .isTrue();
    }

    @Test
    void anEs256KeySetSignsWithEs256() throws Exception {
        RotatingSigningKeys keys = RotatingSigningKeys.open(
                repository, "jwt-svid", KeyUse.SIGNATURE, JWSAlgorithm.ES256, clock, Duration.ofHours(1), audit);
        String jwt = keys.sign(claims(), JOSEObjectType.JWT);
        assertThat(SignedJWT.parse(jwt).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(keys.verify(jwt).getSubject()).isEqualTo("agent");
    }

    @Test
    void changingTheAlgorithmAddsAKeyAndOldTokensStillVerify() {
        RotatingSigningKeys es256 = RotatingSigningKeys.open(
                repository, "mandate", KeyUse.SIGNATURE, JWSAlgorithm.ES256, clock, Duration.ofHours(1), audit);
        String old = es256.sign(claims(), JOSEObjectType.JWT);

        RotatingSigningKeys eddsa = open();
        assertThat(eddsa.currentKid()).isNotEqualTo(es256.currentKid());
        assertThat(audit.entries.get(audit.entries.size() - 1).reason()).contains("from ES256 to EdDSA");
        assertThat(eddsa.verify(old).getSubject()).isEqualTo("agent");
        assertThat(open().currentKid()).as("a second open keeps the new key").isEqualTo(eddsa.currentKid());
    }

    @Test
    void aHeaderNamingAnotherAlgorithmThanItsKeyIsRefused() throws Exception {
        RotatingSigningKeys keys = open();
        SignedJWT signed = SignedJWT.parse(keys.sign(claims(), JOSEObjectType.JWT));
        String header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(keys.currentKid())
                .build()
                .toBase64URL()
                .toString();
        String confused = header + "." + signed.getPayload().toBase64URL() + "." + signed.getSignature();
        assertThatThrownBy(() -> keys.verify(confused))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("is a EdDSA key");
    }
}
