package dev.mandate.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.testing.InMemoryKeyRepository;
import dev.mandate.core.testing.MutableClock;
import dev.mandate.core.testing.RecordingAuditSink;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

final class X509SvidVerifierTest {
    private static final SpiffeId BOT = SpiffeId.parse("spiffe://mandate.local/agent/bot");

    private final MutableClock clock = MutableClock.atEpochDay();
    private final EmbeddedCa ca = ca("mandate.local");
    private final EmbeddedCa otherCa = ca("mandate.local");
    private final X509SvidVerifier verifier = new X509SvidVerifier(
            TrustBundleSource.of(List.of(new TrustBundle("mandate.local", List.of(), List.of(ca.root()), 0))), clock);

    private EmbeddedCa ca(String td) {
        return EmbeddedCa.loadOrCreate(new InMemoryKeyRepository(), td, clock, new RecordingAuditSink());
    }

    private X509Certificate leaf(EmbeddedCa issuer, SpiffeId id) {
        Instant now = clock.instant();
        return issuer.issueLeaf(
                TestWorkload.generate("secp256r1").getPublic(),
                id,
                now.minusSeconds(30),
                now.plus(Duration.ofHours(1)));
    }

    private static void assertFailure(ThrowingCallable call, IdentityFailure failure) {
        assertThatThrownBy(call)
                .isInstanceOf(IdentityException.class)
                .satisfies(e -> assertThat(((IdentityException) e).failure())
                        .as(e.getMessage())
                        .isEqualTo(failure));
    }

    @Test
    void aLeafOfTheTrustedCaVerifiesWithOrWithoutTheRootInTheChain() {
        X509Certificate leaf = leaf(ca, BOT);
        VerifiedWorkload w = verifier.verify(List.of(leaf, ca.root()));
        assertThat(w.id()).isEqualTo(BOT);
        assertThat(w.method()).isEqualTo("x509-svid");
        assertThat(w.expiresAt()).isEqualTo(leaf.getNotAfter().toInstant());
        assertThat(verifier.verify(List.of(leaf)).id()).isEqualTo(BOT);
    }

    @Test
    void aLeafOfAnotherCaOfTheSameNameIsUntrusted() {
        assertFailure(
                () -> verifier.verify(List.of(leaf(otherCa, BOT), otherCa.root())), IdentityFailure.UNTRUSTED_CHAIN);
    }

    @Test
    void anExpiredOrNotYetValidLeafIsRefusedAsSuch() {
        X509Certificate leaf = leaf(ca, BOT);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertFailure(() -> verifier.verify(List.of(leaf)), IdentityFailure.EXPIRED);
        X509Certificate future = ca.issueLeaf(
                TestWorkload.generate("secp256r1").getPublic(),
                BOT,
                clock.instant().plus(Duration.ofHours(1)),
                clock.instant().plus(Duration.ofHours(2)));
        assertFailure(() -> verifier.verify(List.of(future)), IdentityFailure.NOT_YET_VALID);
    }

    @Test
    void aLeafOfAnUnknownTrustDomainIsRefused() {
        assertFailure(
                () -> verifier.verify(List.of(leaf(ca, SpiffeId.parse("spiffe://evil.org/agent/bot")))),
                IdentityFailure.UNKNOWN_TRUST_DOMAIN);
    }

    @Test
    void aCaCertificateIsNotAnSvid() {
        // The root's only URI SAN is the bare trust domain, which is no workload SPIFFE ID.
        assertFailure(() -> verifier.verify(List.of(ca.root())), IdentityFailure.BAD_SUBJECT);
    }

    @Test
    void emptyAndOverlongChainsAreRefused() {
        assertFailure(() -> verifier.verify(List.of()), IdentityFailure.MALFORMED);
        X509Certificate leaf = leaf(ca, BOT);
        assertFailure(
                () -> verifier.verify(Collections.nCopies(X509SvidVerifier.MAX_CHAIN_LENGTH + 1, leaf)),
                IdentityFailure.TOO_LARGE);
    }
}
