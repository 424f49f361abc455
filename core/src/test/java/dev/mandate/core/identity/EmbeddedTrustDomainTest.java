package dev.mandate.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.testing.InMemoryAgentDirectory;
import dev.mandate.core.testing.InMemoryJoinTokenRepository;
import dev.mandate.core.testing.InMemoryKeyRepository;
import dev.mandate.core.testing.MutableClock;
import dev.mandate.core.testing.RecordingAuditSink;
import io.spiffe.bundle.jwtbundle.JwtBundle;
import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.spiffeid.TrustDomain;
import io.spiffe.svid.jwtsvid.JwtSvid;
import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.svid.x509svid.X509SvidValidator;
import java.io.ByteArrayOutputStream;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class EmbeddedTrustDomainTest {
    private static final String TD = "mandate.local";
    private static final EmbeddedTrustDomain.Settings SETTINGS = new EmbeddedTrustDomain.Settings(
            TD,
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            Duration.ofMinutes(10),
            Duration.ofHours(1),
            Duration.ofSeconds(30));

    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final InMemoryKeyRepository keys = new InMemoryKeyRepository();
    private final InMemoryJoinTokenRepository joinTokens = new InMemoryJoinTokenRepository();

    private AgentRegistry agents(Clock clock) {
        AgentRegistry agents = new AgentRegistry(new InMemoryAgentDirectory(), audit, clock, TD);
        agents.register(new AgentRegistration("bot", "team", Tier.COPILOT, Set.of("support"), null, null), "admin");
        return agents;
    }

    private EmbeddedTrustDomain domain(Clock clock, AgentRegistry agents) {
        return EmbeddedTrustDomain.open(SETTINGS, keys, joinTokens, agents, audit, clock);
    }

    @Test
    void issuedSvidsValidateWithTheSpiffeReferenceLibrary() throws Exception {
        Clock clock = Clock.systemUTC(); // the reference library checks expiry against the wall clock
        EmbeddedTrustDomain domain = domain(clock, agents(clock));
        TestWorkload workload = new TestWorkload();
        IssuedSvids svids = domain.issue(
                domain.createJoinToken("bot", "admin").token(), workload.csr(), List.of("mandate", "other"));

        TrustBundle bundle = TrustBundle.parse(TD, domain.bundle().toJson(null));
        TrustDomain td = TrustDomain.parse(TD);
        Map<String, PublicKey> jwtAuthorities = new HashMap<>();
        bundle.jwtAuthorities().forEach(k -> jwtAuthorities.put(k.getKeyID(), toPublicKey(k)));
        JwtSvid jwt = JwtSvid.parseAndValidate(svids.jwtSvid(), new JwtBundle(td, jwtAuthorities), Set.of("mandate"));
        assertThat(jwt.getSpiffeId().toString()).isEqualTo("spiffe://mandate.local/agent/bot");
        assertThat(jwt.getAudience()).containsExactlyInAnyOrder("mandate", "other");

        X509Bundle x509Bundle = new X509Bundle(td, new HashSet<>(bundle.x509Authorities()));
        X509SvidValidator.verifyChain(svids.x509Chain(), x509Bundle);
        ByteArrayOutputStream der = new ByteArrayOutputStream();
        for (X509Certificate c : svids.x509Chain()) {
            der.write(c.getEncoded());
        }
        X509Svid x509 =
                X509Svid.parseRaw(der.toByteArray(), workload.keys.getPrivate().getEncoded());
        assertThat(x509.getSpiffeId().toString()).isEqualTo("spiffe://mandate.local/agent/bot");
        assertThat(x509.getLeaf().getPublicKey()).isEqualTo(workload.keys.getPublic());
    }

    private static PublicKey toPublicKey(com.nimbusds.jose.jwk.JWK k) {
        try {
            return k.toECKey().toECPublicKey();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void issuedSvidsVerifyWithMandatesOwnVerifiersAndAreAudited() {
        MutableClock clock = MutableClock.atEpochDay();
        EmbeddedTrustDomain domain = domain(clock, agents(clock));
        IssuedJoinToken token = domain.createJoinToken("bot", "admin");
        assertThat(token.toString()).doesNotContain(token.token());
        assertThat(joinTokens.digests()).doesNotContainKey(token.token()).containsValue("bot");
        IssuedSvids svids = domain.issue(token.token(), new TestWorkload().csr(), List.of("mandate"));
        assertThat(svids.jwtExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));

        SpiffeWorkloadVerifier verifier = new SpiffeWorkloadVerifier(domain, clock, Duration.ofSeconds(30));
        assertThat(verifier.verifyJwtSvid(svids.jwtSvid(), "mandate").id()).isEqualTo(svids.id());
        VerifiedWorkload x509 = verifier.verifyX509Svid(svids.x509Chain());
        assertThat(x509.id()).isEqualTo(svids.id());
        assertThat(x509.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
        assertThat(verifier.verifyX509Svid(svids.x509Chain().subList(0, 1)).id())
                .isEqualTo(svids.id());

        assertThat(audit.types()).contains("join-token.created", "svid.issued");
        assertThat(audit.entries.toString()).doesNotContain(token.token()).doesNotContain(svids.jwtSvid());
    }

    @Test
    void aJoinTokenWorksOnceAndOnlyBeforeItExpires() {
        MutableClock clock = MutableClock.atEpochDay();
        EmbeddedTrustDomain domain = domain(clock, agents(clock));
        String once = domain.createJoinToken("bot", "admin").token();
        domain.issue(once, new TestWorkload().csr(), List.of("a"));
        assertFailure(
                () -> domain.issue(once, new TestWorkload().csr(), List.of("a")), IdentityFailure.INVALID_JOIN_TOKEN);

        String late = domain.createJoinToken("bot", "admin").token();
        clock.advance(Duration.ofMinutes(10));
        assertFailure(
                () -> domain.issue(late, new TestWorkload().csr(), List.of("a")), IdentityFailure.INVALID_JOIN_TOKEN);
        assertFailure(
                () -> domain.issue("mjt_guess", new TestWorkload().csr(), List.of("a")),
                IdentityFailure.INVALID_JOIN_TOKEN);
    }

    @Test
    void aCsrSignedWithAnotherKeyIsNoProofOfPossession() {
        MutableClock clock = MutableClock.atEpochDay();
        EmbeddedTrustDomain domain = domain(clock, agents(clock));
        String token = domain.createJoinToken("bot", "admin").token();
        String forged = TestWorkload.csr(TestWorkload.generate("secp256r1"), TestWorkload.generate("secp256r1"));
        assertFailure(() -> domain.issue(token, forged, List.of("a")), IdentityFailure.BAD_PROOF);
    }

    @Test
    void badRequestsAreRefusedBeforeTheTokenIsUsed() {
        MutableClock clock = MutableClock.atEpochDay();
        EmbeddedTrustDomain domain = domain(clock, agents(clock));
        String token = domain.createJoinToken("bot", "admin").token();
        assertThatThrownBy(() -> domain.issue(token, "not a csr", List.of("a")))
                .hasMessageContaining("CERTIFICATE REQUEST");
        assertThatThrownBy(() ->
                        domain.issue(token, new TestWorkload(TestWorkload.generate("secp384r1")).csr(), List.of("a")))
                .hasMessageContaining("P-256");
        assertThatThrownBy(() -> domain.issue(token, new TestWorkload().csr(), List.of()))
                .hasMessageContaining("1 to 10 audiences");
        assertThat(domain.issue(token, new TestWorkload().csr(), List.of("a"))
                        .id()
                        .toString())
                .isEqualTo("spiffe://mandate.local/agent/bot");
    }

    @Test
    void disabledAgentsGetNoJoinTokensAndNoSvids() {
        MutableClock clock = MutableClock.atEpochDay();
        AgentRegistry agents = agents(clock);
        EmbeddedTrustDomain domain = domain(clock, agents);
        String token = domain.createJoinToken("bot", "admin").token();
        agents.disable("bot", "admin", null);
        assertThatThrownBy(() -> domain.issue(token, new TestWorkload().csr(), List.of("a")))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> domain.createJoinToken("bot", "admin"))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> domain.createJoinToken("ghost", "admin"))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void renewalWithProofOfPossessionIssuesFreshSvids() {
        MutableClock clock = MutableClock.atEpochDay();
        EmbeddedTrustDomain domain = domain(clock, agents(clock));
        TestWorkload workload = new TestWorkload();
        IssuedSvids first = domain.issue(domain.createJoinToken("bot", "admin").token(), workload.csr(), List.of("a"));
        clock.advance(Duration.ofMinutes(50));
        TestWorkload next = new TestWorkload();
        String csr = next.csr();
        String proof =
                workload.renewProof(first.id().toString(), EmbeddedTrustDomain.RENEW_AUDIENCE, clock.instant(), csr);
        IssuedSvids renewed = domain.renew(first.x509Chain(), csr, proof, List.of("b"));
        assertThat(renewed.x509Chain().get(0).getPublicKey()).isEqualTo(next.keys.getPublic());
        assertThat(renewed.x509ExpiresAt()).isAfter(first.x509ExpiresAt());
        assertThat(audit.entries.stream()
                        .filter(e -> e.type().equals("svid.issued"))
                        .map(e -> e.details().get("method")))
                .containsExactly("join-token", "renew");
    }

    @Test
    void renewalWithoutTheCurrentKeyOrAfterExpiryIsRefused() {
        MutableClock clock = MutableClock.atEpochDay();
        EmbeddedTrustDomain domain = domain(clock, agents(clock));
        TestWorkload workload = new TestWorkload();
        IssuedSvids first = domain.issue(domain.createJoinToken("bot", "admin").token(), workload.csr(), List.of("a"));
        String sub = first.id().toString();
        String csr = workload.csr();
        TestWorkload thief = new TestWorkload();
        String aud = EmbeddedTrustDomain.RENEW_AUDIENCE;
        Instant now = clock.instant();
        assertFailure(
                () -> domain.renew(first.x509Chain(), csr, thief.renewProof(sub, aud, now, csr), List.of("a")),
                IdentityFailure.BAD_PROOF);
        assertFailure(
                () -> domain.renew(first.x509Chain(), csr, workload.renewProof(sub, "other", now, csr), List.of("a")),
                IdentityFailure.BAD_PROOF);
        assertFailure(
                () -> domain.renew(
                        first.x509Chain(),
                        csr,
                        workload.renewProof("spiffe://mandate.local/agent/x", aud, now, csr),
                        List.of("a")),
                IdentityFailure.BAD_PROOF);
        assertFailure(
                () -> domain.renew(
                        first.x509Chain(),
                        csr,
                        workload.renewProof(sub, aud, now.minus(Duration.ofMinutes(6)), csr),
                        List.of("a")),
                IdentityFailure.BAD_PROOF);
        String otherCsr = new TestWorkload().csr();
        assertFailure(
                () -> domain.renew(first.x509Chain(), otherCsr, workload.renewProof(sub, aud, now, csr), List.of("a")),
                IdentityFailure.BAD_PROOF);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        Instant later = clock.instant();
        assertFailure(
                () -> domain.renew(first.x509Chain(), csr, workload.renewProof(sub, aud, later, csr), List.of("a")),
                IdentityFailure.EXPIRED);
    }

    @Test
    void theCaAndJwtKeysSurviveReopening() {
        MutableClock clock = MutableClock.atEpochDay();
        AgentRegistry agents = agents(clock);
        EmbeddedTrustDomain first = domain(clock, agents);
        IssuedSvids svids =
                first.issue(first.createJoinToken("bot", "admin").token(), new TestWorkload().csr(), List.of("a"));
        EmbeddedTrustDomain reopened = domain(clock, agents);
        assertThat(reopened.bundle().x509Authorities()).isEqualTo(first.bundle().x509Authorities());
        SpiffeWorkloadVerifier verifier = new SpiffeWorkloadVerifier(reopened, clock, Duration.ZERO);
        assertThat(verifier.verifyJwtSvid(svids.jwtSvid(), "a").id()).isEqualTo(svids.id());
        assertThat(verifier.verifyX509Svid(svids.x509Chain()).id()).isEqualTo(svids.id());
    }

    @Test
    void rotatingTheJwtKeyKeepsIssuedSvidsVerifiable() {
        MutableClock clock = MutableClock.atEpochDay();
        EmbeddedTrustDomain domain = domain(clock, agents(clock));
        IssuedSvids svids =
                domain.issue(domain.createJoinToken("bot", "admin").token(), new TestWorkload().csr(), List.of("a"));
        domain.rotateJwtKey("admin");
        assertThat(domain.bundle().jwtAuthorities()).hasSize(2);
        assertThat(new JwtSvidVerifier(domain, clock, Duration.ZERO)
                        .verify(svids.jwtSvid(), "a")
                        .id())
                .isEqualTo(svids.id());
    }

    private static void assertFailure(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, IdentityFailure failure) {
        assertThatThrownBy(call)
                .isInstanceOf(IdentityException.class)
                .satisfies(e -> assertThat(((IdentityException) e).failure())
                        .as(e.getMessage())
                        .isEqualTo(failure));
    }

    @Test
    void aRotatedCaIssuesFromTheNewRootAndKeepsTheOldOneInTheBundleUntilItsSvidsExpired() {
        MutableClock clock = MutableClock.atEpochDay();
        AgentRegistry agents = agents(clock);
        EmbeddedTrustDomain domain = domain(clock, agents);
        SpiffeWorkloadVerifier verifier = new SpiffeWorkloadVerifier(domain, clock, Duration.ofSeconds(30));
        IssuedSvids before =
                domain.issue(domain.createJoinToken("bot", "admin").token(), new TestWorkload().csr(), List.of("m"));
        X509Certificate oldRoot = before.x509Chain().get(1);

        clock.advance(Duration.ofMinutes(10));
        X509Certificate newRoot = domain.rotateCa("admin");
        assertThat(newRoot).isNotEqualTo(oldRoot);
        assertThat(domain.bundle().x509Authorities()).containsExactly(newRoot, oldRoot);
        IssuedSvids after =
                domain.issue(domain.createJoinToken("bot", "admin").token(), new TestWorkload().csr(), List.of("m"));
        assertThat(after.x509Chain().get(1)).isEqualTo(newRoot);
        assertThat(verifier.verifyX509Svid(before.x509Chain()).id()).isEqualTo(before.id());
        assertThat(verifier.verifyX509Svid(after.x509Chain()).id()).isEqualTo(after.id());
        assertThat(audit.entries)
                .anySatisfy(e -> assertThat(e.type() + " " + e.actor() + " " + e.subject())
                        .isEqualTo("key.rotated admin x509-ca"));

        EmbeddedTrustDomain restarted = domain(clock, agents);
        assertThat(restarted.bundle().x509Authorities())
                .as("a restart keeps the new root issuing and the old one published")
                .containsExactly(newRoot, oldRoot);

        // The old root's last SVIDs may live one svid.x509-ttl (1h) after the rotation, plus the 30s skew.
        clock.advance(Duration.ofMinutes(60));
        assertThat(domain.bundle().x509Authorities()).containsExactly(newRoot, oldRoot);
        clock.advance(Duration.ofMinutes(1));
        assertThat(domain.bundle().x509Authorities()).containsExactly(newRoot);
        assertThatThrownBy(() -> verifier.verifyX509Svid(before.x509Chain())).isInstanceOf(IdentityException.class);
        IssuedSvids later =
                domain.issue(domain.createJoinToken("bot", "admin").token(), new TestWorkload().csr(), List.of("m"));
        assertThat(verifier.verifyX509Svid(later.x509Chain()).id()).isEqualTo(later.id());
        domain.rotateCa("admin");
        assertThat(keys.load("x509-ca"))
                .as("roots no longer published are dropped from the store")
                .hasSize(2);
    }

    @Test
    void aNodeSharingTheStoreIssuesVerifiesAndPublishesWithKeysRotatedByAnotherOnceItReloadsThem() throws Exception {
        MutableClock clock = MutableClock.atEpochDay();
        AgentRegistry agents = agents(clock);
        EmbeddedTrustDomain a = domain(clock, agents);
        EmbeddedTrustDomain b = domain(clock, agents);
        java.util.concurrent.atomic.AtomicInteger rotatedOnA = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger rotatedOnB = new java.util.concurrent.atomic.AtomicInteger();
        a.onCaRotated(rotatedOnA::incrementAndGet);
        b.onCaRotated(rotatedOnB::incrementAndGet);
        X509Certificate oldRoot = b.bundle().x509Authorities().get(0);
        String kid = a.rotateJwtKey("admin");
        X509Certificate newRoot = a.rotateCa("admin");
        IssuedSvids onA = a.issue(a.createJoinToken("bot", "admin").token(), new TestWorkload().csr(), List.of("m"));

        assertThat(b.reload(Set.of("mandate")))
                .as("not a key set of the trust domain")
                .isFalse();
        assertThat(b.bundle().x509Authorities()).containsExactly(oldRoot);
        assertThat(b.bundle().jwtAuthorities()).noneMatch(k -> kid.equals(k.getKeyID()));

        assertThat(rotatedOnA).as("the rotating node's listeners hear of it").hasValue(1);
        assertThat(b.reload(Set.of(EmbeddedTrustDomain.JWT_SVID_KEY_SET))).isTrue();
        assertThat(rotatedOnB).as("no new root yet").hasValue(0);
        assertThat(b.reload(Set.of(EmbeddedTrustDomain.JWT_SVID_KEY_SET, EmbeddedTrustDomain.CA_KEY_SET)))
                .isTrue();
        assertThat(rotatedOnB)
                .as("B's listeners (its TLS listener) hear of the root learned from the store")
                .hasValue(1);
        assertThat(b.reload(Set.of(EmbeddedTrustDomain.CA_KEY_SET)))
                .as("read again")
                .isTrue();
        assertThat(rotatedOnB).as("the same root again is no rotation").hasValue(1);
        assertThat(b.bundle().x509Authorities()).containsExactly(newRoot, oldRoot);
        assertThat(b.bundle().jwtAuthorities()).anyMatch(k -> kid.equals(k.getKeyID()));
        assertThat(b.currentJwtKid()).isEqualTo(kid);
        SpiffeWorkloadVerifier verifier = new SpiffeWorkloadVerifier(b, clock, Duration.ofSeconds(30));
        assertThat(verifier.verifyJwtSvid(onA.jwtSvid(), "m").id()).isEqualTo(onA.id());
        assertThat(verifier.verifyX509Svid(onA.x509Chain()).id()).isEqualTo(onA.id());
        IssuedSvids onB = b.issue(b.createJoinToken("bot", "admin").token(), new TestWorkload().csr(), List.of("m"));
        assertThat(onB.x509Chain().get(1))
                .as("B issues from the root rotated on A")
                .isEqualTo(newRoot);
        assertThat(SignedJWT.parse(onB.jwtSvid()).getHeader().getKeyID()).isEqualTo(kid);
    }
}
