package dev.mandate.core.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.testing.InMemoryLeaseStore;
import dev.mandate.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

final class LeaseManagerTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    private static final String AGENT = "spiffe://mandate.local/agent/reporter";
    private static final LeaseTerms FIVE_MIN_UP_TO_HOUR =
            new LeaseTerms(Duration.ofMinutes(5), Duration.ofHours(1), true);

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryLeaseStore store = new InMemoryLeaseStore();
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final FakeBackend backend = new FakeBackend("pg");
    private final LeaseManager manager = newManager();

    private LeaseManager newManager() {
        return new LeaseManager(
                store,
                List.of(backend),
                audit,
                clock,
                new RevocationBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8)));
    }

    private IssuedLease issue(String mandateId) {
        return manager.issue(mandateId, AGENT, "pg", "read", FIVE_MIN_UP_TO_HOUR, T0.plus(Duration.ofHours(2)));
    }

    private static ErrorCode codeOf(Throwable e) {
        return ((MandateException) e).code();
    }

    @Test
    void leaseIsDurableBeforeTheBackendCreatesTheCredential() {
        AtomicBoolean storedFirst = new AtomicBoolean();
        backend.onIssue = r -> storedFirst.set(store.find(r.leaseId()).isPresent());

        IssuedLease issued = issue("m1");

        assertThat(storedFirst).isTrue();
        assertThat(issued.lease().state()).isEqualTo(LeaseState.ACTIVE);
        assertThat(issued.lease().expires()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(backend.alive(issued.lease().id())).isTrue();
        assertThat(audit.types()).containsExactly("lease.issued");
        AuditEntry e = audit.entries().getFirst();
        assertThat(e.subject()).isEqualTo(issued.lease().id());
        assertThat(e.details()).containsEntry("mandate", "m1").containsEntry("backend", "pg");
    }

    @Test
    void secretsNeverAppearInToStringOrAudit() {
        IssuedLease issued = issue("m1");
        manager.use(issued.lease().id(), AGENT);
        manager.revoke(issued.lease().id(), "admin", "done");

        String secret = issued.credential().secret().reveal();
        assertThat(issued.toString()).doesNotContain(secret).contains("redacted");
        assertThat(audit.entries())
                .hasSize(3)
                .allSatisfy(e -> assertThat(e.toString()).doesNotContain(secret));
    }

    @Test
    void leaseNeverOutlivesItsMandate() {
        Instant mandateExpires = T0.plus(Duration.ofMinutes(2));
        Lease lease = manager.issue("m1", AGENT, "pg", "read", FIVE_MIN_UP_TO_HOUR, mandateExpires)
                .lease();

        assertThat(lease.expires()).isEqualTo(mandateExpires);
        assertThatThrownBy(() -> manager.issue("m2", AGENT, "pg", "read", FIVE_MIN_UP_TO_HOUR, T0))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("m2");
    }

    @Test
    void renewExtendsByTtlFromNowUpToMaxTtl() {
        Lease lease = issue("m1").lease();
        Instant mandateExpires = T0.plus(Duration.ofHours(3));

        clock.advance(Duration.ofMinutes(4));
        Lease renewed = manager.renew(lease.id(), AGENT, mandateExpires);
        assertThat(renewed.expires()).isEqualTo(T0.plus(Duration.ofMinutes(9)));
        assertThat(backend.credentials.get(lease.id())).isEqualTo(renewed.expires());
        assertThat(store.find(lease.id()).orElseThrow().expires()).isEqualTo(renewed.expires());

        for (int i = 0; i < 13; i++) {
            clock.advance(Duration.ofMinutes(4));
            manager.runDue();
            Lease r = manager.renew(lease.id(), AGENT, mandateExpires);
            assertThat(r.expires()).isBeforeOrEqualTo(lease.maxExpires());
        }
        assertThat(manager.find(lease.id()).orElseThrow().expires()).isEqualTo(T0.plus(Duration.ofHours(1)));
    }

    @Test
    void renewFailsAfterMaxTtl() {
        Lease lease = manager.issue(
                        "m1",
                        AGENT,
                        "pg",
                        "read",
                        new LeaseTerms(Duration.ofMinutes(5), Duration.ofMinutes(5), true),
                        T0.plus(Duration.ofHours(2)))
                .lease();
        clock.advance(Duration.ofMinutes(1));

        assertThatThrownBy(() -> manager.renew(lease.id(), AGENT, T0.plus(Duration.ofHours(2))))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("max TTL");
    }

    @Test
    void renewNeverPassesTheMandatesExpiry() {
        Lease lease = issue("m1").lease();
        clock.advance(Duration.ofMinutes(4));

        Lease renewed = manager.renew(lease.id(), AGENT, T0.plus(Duration.ofMinutes(6)));

        assertThat(renewed.expires()).isEqualTo(T0.plus(Duration.ofMinutes(6)));
        assertThatThrownBy(() -> manager.renew(lease.id(), AGENT, T0.plus(Duration.ofMinutes(6))))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void nonRenewableLeaseRefusesRenewal() {
        Lease lease = manager.issue(
                        "m1",
                        AGENT,
                        "pg",
                        "read",
                        new LeaseTerms(Duration.ofMinutes(5), Duration.ofHours(1), false),
                        T0.plus(Duration.ofHours(2)))
                .lease();
        assertThatThrownBy(() -> manager.renew(lease.id(), AGENT, T0.plus(Duration.ofHours(2))))
                .hasMessageContaining("not renewable");
    }

    @Test
    void expiredLeaseIsRevokedAtTheBackendNotJustMarked() {
        Lease lease = issue("m1").lease();
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(manager.runDue()).isZero();
        assertThat(backend.alive(lease.id())).isTrue();

        clock.advance(Duration.ofMillis(1));
        assertThat(manager.runDue()).isEqualTo(1);

        assertThat(backend.alive(lease.id())).isFalse();
        assertThat(store.find(lease.id()).orElseThrow().state()).isEqualTo(LeaseState.EXPIRED);
        assertThat(audit.ofType("lease.revoked").getFirst().reason()).isEqualTo("expired");
        assertThat(manager.nextDue()).isEmpty();
    }

    @Test
    void renewedLeaseIsNotExpiredAtItsOldExpiry() {
        Lease lease = issue("m1").lease();
        clock.advance(Duration.ofMinutes(3));
        manager.renew(lease.id(), AGENT, T0.plus(Duration.ofHours(2)));

        clock.advance(Duration.ofMinutes(2));
        manager.runDue();

        assertThat(backend.alive(lease.id())).isTrue();
        assertThat(manager.find(lease.id()).orElseThrow().state()).isEqualTo(LeaseState.ACTIVE);
    }

    @Test
    void failedRevocationStaysRevokingAndRetriesWithExponentialBackoff() {
        Lease lease = issue("m1").lease();
        backend.revokeFailuresLeft = 3;

        Lease after = manager.revoke(lease.id(), "admin", "incident");
        assertThat(after.state()).isEqualTo(LeaseState.REVOKING);
        assertThat(manager.list(new LeaseQuery(null, null, null, LeaseState.REVOKING, 10)))
                .extracting(Lease::id)
                .containsExactly(lease.id());
        assertThat(manager.nextDue()).contains(T0.plus(Duration.ofSeconds(1)));

        clock.advance(Duration.ofSeconds(1));
        manager.runDue(); // second failure: next in 2 s
        assertThat(manager.nextDue()).contains(T0.plus(Duration.ofSeconds(3)));
        clock.advance(Duration.ofSeconds(1));
        assertThat(manager.runDue()).isZero();
        clock.advance(Duration.ofSeconds(1));
        manager.runDue(); // third failure: next in 4 s
        assertThat(manager.nextDue()).contains(T0.plus(Duration.ofSeconds(7)));
        assertThat(backend.alive(lease.id())).isTrue();

        clock.advance(Duration.ofSeconds(4));
        manager.runDue();

        assertThat(backend.alive(lease.id())).isFalse();
        assertThat(store.find(lease.id()).orElseThrow().state()).isEqualTo(LeaseState.REVOKED);
        assertThat(audit.ofType("lease.revoke-failed")).hasSize(3);
        assertThat(audit.ofType("lease.revoked").getFirst().details()).containsEntry("attempts", "4");
    }

    @Test
    void storeDownAtRevokeStillKillsTheCredentialAndRetriesUntilTheStateIsDurable() {
        Lease lease = issue("m1").lease();
        store.failWrites(true);

        Lease after = manager.revoke(lease.id(), "admin", "incident");

        assertThat(backend.alive(lease.id())).isFalse();
        assertThat(after.state()).isEqualTo(LeaseState.REVOKING);
        assertThat(store.find(lease.id()).orElseThrow().state()).isEqualTo(LeaseState.ACTIVE);

        store.failWrites(false);
        clock.advance(Duration.ofSeconds(1));
        manager.runDue();
        assertThat(store.find(lease.id()).orElseThrow().state()).isEqualTo(LeaseState.REVOKED);
        assertThat(manager.nextDue()).isEmpty();
    }

    @Test
    void statsCountLiveLeasesPerBackendAndRevocationLatency() {
        Lease a = issue("m1").lease();
        issue("m2");
        backend.revokeFailuresLeft = 1;
        manager.revoke(a.id(), "admin", "x");

        LeaseStats during = manager.stats();
        assertThat(during.active()).containsEntry("pg", 1);
        assertThat(during.revoking()).containsEntry("pg", 1);

        clock.advance(Duration.ofSeconds(1));
        manager.runDue();
        LeaseStats after = manager.stats();
        assertThat(after.revoking()).containsEntry("pg", 0);
        assertThat(after.revocations()).isEqualTo(1);
        assertThat(after.revocationTime()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void backoffIsCappedAtItsMaximum() {
        RevocationBackoff b = new RevocationBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8));
        assertThat(List.of(b.delay(1), b.delay(2), b.delay(4), b.delay(5), b.delay(1000)))
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(8));
    }

    @Test
    void mandateEndRevokesEveryLeaseOfThatMandateOnly() {
        Lease a = issue("m1").lease();
        Lease b = issue("m1").lease();
        Lease other = issue("m2").lease();

        manager.mandateEnded("m1", "closed");

        assertThat(backend.alive(a.id())).isFalse();
        assertThat(backend.alive(b.id())).isFalse();
        assertThat(backend.alive(other.id())).isTrue();
        assertThat(manager.list(new LeaseQuery("m1", null, null, LeaseState.REVOKED, 10)))
                .hasSize(2)
                .allSatisfy(l -> assertThat(l.endReason()).isEqualTo("mandate closed"));
    }

    @Test
    void mandateEndNeverThrowsAndStillKillsEveryCredentialWhenTheAuditLogFails() {
        Lease a = issue("m1").lease();
        Lease b = issue("m1").lease();
        audit.failing(true);

        manager.mandateEnded("m1", "revoked");

        assertThat(backend.alive(a.id())).isFalse();
        assertThat(backend.alive(b.id())).isFalse();
    }

    @Test
    void revokeAgentRevokesAcrossMandates() {
        Lease a = issue("m1").lease();
        Lease b = issue("m2").lease();
        Lease other = manager.issue(
                        "m3",
                        "spiffe://mandate.local/agent/other",
                        "pg",
                        "read",
                        FIVE_MIN_UP_TO_HOUR,
                        T0.plus(Duration.ofHours(1)))
                .lease();

        List<Lease> revoked = manager.revokeAgent(AGENT, "admin", "agent compromised");

        assertThat(revoked).extracting(Lease::id).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(backend.alive(other.id())).isTrue();
    }

    @Test
    void useAuditsEachInjectionAndStopsWhenTheLeaseEnds() {
        IssuedLease issued = issue("m1");
        String id = issued.lease().id();

        assertThat(manager.use(id, AGENT).secret().reveal())
                .isEqualTo(issued.credential().secret().reveal());
        assertThat(audit.ofType("lease.used")).hasSize(1);

        manager.revoke(id, "admin", "done");
        assertThatThrownBy(() -> manager.use(id, AGENT))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("revoked");
    }

    @Test
    void useOfAnExpiredButNotYetReapedLeaseRevokesIt() {
        String id = issue("m1").lease().id();
        clock.advance(Duration.ofMinutes(6));

        assertThatThrownBy(() -> manager.use(id, AGENT)).hasMessageContaining("expired");
        assertThat(backend.alive(id)).isFalse();
    }

    @Test
    void backendFailureAtIssueLeavesNothingLive() {
        backend.failAfterCreate = true;

        assertThatThrownBy(() -> issue("m1"))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.UNAVAILABLE));

        assertThat(backend.credentials).isEmpty();
        assertThat(store.live()).isEmpty();
        assertThat(store.list(LeaseQuery.all()))
                .singleElement()
                .satisfies(l -> assertThat(l.endReason()).isEqualTo("issue failed"));
    }

    @Test
    void auditFailureAtIssueRevokesTheCredential() {
        audit.failing(true);

        assertThatThrownBy(() -> issue("m1"))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.UNAVAILABLE));
        audit.failing(false);
        manager.runDue();

        assertThat(backend.credentials).isEmpty();
        assertThat(store.live()).isEmpty();
    }

    @Test
    void unknownBackendAndScopeAreRefused() {
        assertThatThrownBy(() -> manager.issue("m1", AGENT, "ldap", "read", FIVE_MIN_UP_TO_HOUR, T0.plusSeconds(900)))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("ldap")
                .hasMessageContaining("pg");
        assertThatThrownBy(() -> manager.issue("m1", AGENT, "pg", "admin", FIVE_MIN_UP_TO_HOUR, T0.plusSeconds(900)))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("admin");
        assertThat(store.list(LeaseQuery.all())).isEmpty();
    }

    @Test
    void restartAfterKillRevokesWhatExpiredWhileDownAndRearmsTheRest() {
        Lease shortLived = issue("m1").lease();
        Lease longLived = manager.issue(
                        "m2",
                        AGENT,
                        "pg",
                        "read",
                        new LeaseTerms(Duration.ofMinutes(30), Duration.ofHours(1), true),
                        T0.plus(Duration.ofHours(1)))
                .lease();
        // kill -9: the manager is dropped without revoking anything.
        clock.advance(Duration.ofMinutes(10));

        LeaseManager restarted = newManager();
        assertThat(restarted.restore()).isEqualTo(1);

        assertThat(backend.alive(shortLived.id())).isFalse();
        assertThat(store.find(shortLived.id()).orElseThrow().state()).isEqualTo(LeaseState.EXPIRED);
        assertThat(backend.alive(longLived.id())).isTrue();
        assertThat(backend.adopted).containsExactly(longLived.id());
        assertThat(restarted.nextDue()).contains(longLived.expires());

        clock.advance(Duration.ofMinutes(20));
        restarted.runDue();
        assertThat(backend.alive(longLived.id())).isFalse();
        assertThatThrownBy(() -> restarted.use(longLived.id(), AGENT)).hasMessageContaining("expired");
    }

    @Test
    void restartRetriesRevocationsThatWerePending() {
        Lease lease = issue("m1").lease();
        backend.revokeFailuresLeft = 1;
        manager.revoke(lease.id(), "admin", "incident");
        assertThat(backend.alive(lease.id())).isTrue();

        newManager().restore();

        assertThat(backend.alive(lease.id())).isFalse();
        assertThat(store.find(lease.id()).orElseThrow().state()).isEqualTo(LeaseState.REVOKED);
    }

    @Test
    void restoreRefusesLeasesOfABackendThatIsNoLongerConfigured() {
        issue("m1");
        LeaseManager withoutPg = new LeaseManager(store, List.of(), audit, clock, RevocationBackoff.DEFAULT);

        assertThatThrownBy(withoutPg::restore)
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining("credentials.backends.pg");
    }

    @Test
    void revokingAnEndedLeaseReturnsItAndUnknownIsNotFound() {
        Lease lease = issue("m1").lease();
        Lease first = manager.revoke(lease.id(), "admin", "done");
        Lease second = manager.revoke(lease.id(), "admin", "again");

        assertThat(second).isEqualTo(first);
        assertThat(audit.ofType("lease.revoked")).hasSize(1);
        assertThatThrownBy(() -> manager.revoke("nope", "admin", "x"))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void duplicateBackendNamesAreRefused() {
        assertThatThrownBy(() -> new LeaseManager(
                        store, List.of(backend, new FakeBackend("pg")), audit, clock, RevocationBackoff.DEFAULT))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.BAD_CONFIG));
    }
}
