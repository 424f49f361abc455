package dev.mandate.core.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.testing.InMemoryLeaseStore;
import dev.mandate.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lease manager with a backend that hangs in the middle of an issue: nothing else waits for it. */
final class LeaseManagerConcurrencyTest {
    private static final Instant T0 = Instant.parse("2026-11-25T01:00:00Z");
    private static final String AGENT = "spiffe://mandate.local/agent/reporter";
    private static final LeaseTerms TERMS = new LeaseTerms(Duration.ofMinutes(5), Duration.ofHours(1), true);

    /** Blocks every issue until released, once it has signalled that it is inside; holds no lock of its own. */
    private static final class HangingBackend implements CredentialBackend {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Set<String> alive = ConcurrentHashMap.newKeySet();

        @Override
        public String name() {
            return "slow";
        }

        @Override
        public void validateScope(String scope) {}

        @Override
        public IssuedCredential issue(LeaseRequest request) {
            inside.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new MandateException(ErrorCode.UNAVAILABLE, "never released (test)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MandateException(ErrorCode.UNAVAILABLE, "interrupted (test)");
            }
            alive.add(request.leaseId());
            return new IssuedCredential(Map.of(), Secret.of("pw-" + request.leaseId()));
        }

        @Override
        public void revoke(Lease lease) {
            alive.remove(lease.id());
        }
    }

    private final HangingBackend slow = new HangingBackend();
    private final FakeBackend fast = new FakeBackend("pg");
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final InMemoryLeaseStore store = new InMemoryLeaseStore();
    private final LeaseManager manager =
            new LeaseManager(store, List.of(slow, fast), audit, new MutableClock(T0), RevocationBackoff.DEFAULT);

    /** Own threads: the common pool may have a single worker on a small machine, which the hanging issue takes. */
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        slow.release.countDown();
        threads.shutdownNow();
    }

    private CompletableFuture<IssuedLease> issueSlowly(String mandateId) throws InterruptedException {
        CompletableFuture<IssuedLease> pending = CompletableFuture.supplyAsync(
                () -> manager.issue(mandateId, AGENT, "slow", "read", TERMS, T0.plus(Duration.ofHours(2))), threads);
        assertThat(slow.inside.await(30, TimeUnit.SECONDS)).isTrue();
        return pending;
    }

    @Test
    void aHangingBackendDoesNotBlockOtherLeases() throws Exception {
        CompletableFuture<IssuedLease> pending = issueSlowly("m1");

        // Other mandates' leases are issued, used and revoked while the slow backend is still inside issue.
        IssuedLease other = CompletableFuture.supplyAsync(
                        () -> manager.issue("m2", AGENT, "pg", "read", TERMS, T0.plus(Duration.ofHours(2))), threads)
                .get(30, TimeUnit.SECONDS);
        assertThat(manager.use(other.lease().id(), AGENT).secret().reveal()).startsWith("pw-");
        assertThat(manager.revoke(other.lease().id(), "admin", "done").state()).isEqualTo(LeaseState.REVOKED);
        assertThat(pending).isNotDone();

        slow.release.countDown();
        IssuedLease issued = pending.get(30, TimeUnit.SECONDS);
        assertThat(manager.use(issued.lease().id(), AGENT).secret().reveal())
                .isEqualTo("pw-" + issued.lease().id());
        assertThat(slow.alive).containsExactly(issued.lease().id());
    }

    @Test
    void aLeaseRevokedWhileItsBackendIsIssuingIsRevokedAgainOnceTheCredentialExists() throws Exception {
        CompletableFuture<IssuedLease> pending = issueSlowly("m1");

        List<Lease> ended = manager.revokeMandate("m1", "admin", "mandate revoked");
        assertThat(ended).hasSize(1);
        slow.release.countDown();

        assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(MandateException.class)
                .rootCause()
                .hasMessageContaining("revoked while backend slow was issuing");
        assertThat(slow.alive)
                .as("the credential created after the revocation is gone")
                .isEmpty();
        Lease lease = store.find(ended.get(0).id()).orElseThrow();
        assertThat(lease.state()).isEqualTo(LeaseState.REVOKED);
        assertThat(manager.stats().active()).containsEntry("slow", 0);
        assertThat(audit.types()).doesNotContain("lease.issued");
    }
}
