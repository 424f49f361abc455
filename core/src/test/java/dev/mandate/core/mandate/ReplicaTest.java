package dev.mandate.core.mandate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Replica B over the store replica A writes to, with the change feed driven by hand: batches arrive when the test
 * delivers them, and the clock moves when the test advances it.
 */
final class ReplicaTest {
    private static final Duration BOUND = Duration.ofSeconds(5);

    private final Fakes.Clock clock = new Fakes.Clock();
    private final Fakes.Store store = new Fakes.Store();
    private final FakeChanges changes = new FakeChanges();
    private final List<String> endedOnB = new ArrayList<>();
    private final Fakes.Audit auditB = new Fakes.Audit();
    private final MandateRegistry a =
            new MandateRegistry(store, new Fakes.Audit(), clock, MandateLimits.defaults(), (id, e) -> {});
    private final MandateRegistry b = replicaB();

    /** The shared store's change feed, by hand. */
    private final class FakeChanges implements MandateChanges {
        final AtomicInteger lookups = new AtomicInteger();
        volatile boolean broken;

        @Nullable
        ChangeListener listener;

        @Override
        public List<Mandate> chain(String id) {
            lookups.incrementAndGet();
            if (broken) {
                throw new MandateException(ErrorCode.UNAVAILABLE, "store down");
            }
            List<Mandate> out = new ArrayList<>();
            synchronized (store) {
                for (Mandate m = store.rows.get(id); m != null; ) {
                    out.add(0, m);
                    String pid = m.parentId();
                    m = pid == null ? null : store.rows.get(pid);
                }
            }
            return out;
        }

        @Override
        public void follow(ChangeListener l) {
            listener = l;
        }

        @Override
        public void close() {}

        /** Delivers every stored row, as a poll after all of A's changes would, complete up to now. */
        void poll() {
            List<Mandate> rows;
            synchronized (store) {
                rows = new ArrayList<>(store.rows.values());
            }
            Objects.requireNonNull(listener, "following").changed(new ChangeBatch(rows, Set.of(), clock.instant()));
        }
    }

    private MandateRegistry replicaB() {
        MandateRegistry r = new MandateRegistry(store, auditB, clock, MandateLimits.defaults(), (id, e) -> {
            throw new AssertionError(e);
        });
        r.addEndListener((id, reason) -> endedOnB.add(id + ":" + reason));
        new Replica(r, changes, clock, BOUND).start();
        return r;
    }

    private Mandate openOnA() {
        return a.open(MandateRegistryTest.open(Duration.ofMinutes(10)), "admin");
    }

    @Test
    void anIdTheStoreDoesNotHoldIsLookedUpOnceWhileRemembered() {
        assertThat(b.checkLive("mdt_made-up")).isEqualTo(LiveCheck.UNKNOWN);
        assertThat(b.checkLive("mdt_made-up")).isEqualTo(LiveCheck.UNKNOWN);
        assertThat(b.find("mdt_made-up")).isEmpty();
        assertThat(changes.lookups.get()).isEqualTo(1);

        clock.advance(Duration.ofMillis(Replica.NEGATIVE_TTL_MILLIS));
        changes.poll(); // keeps B's view fresh
        assertThat(b.checkLive("mdt_made-up")).isEqualTo(LiveCheck.UNKNOWN);
        assertThat(changes.lookups.get()).isEqualTo(2);
    }

    @Test
    void anOverlongIdIsNeverLookedUp() {
        assertThat(b.checkLive("mdt_" + "x".repeat(100))).isEqualTo(LiveCheck.UNKNOWN);
        assertThat(changes.lookups.get()).isZero();
    }

    @Test
    void aMandateOpenedElsewhereIsLookedUpOnceThenCheckedInMemory() {
        Mandate root = openOnA();
        Mandate child = a.delegate(root.id(), MandateRegistryTest.narrower(), "bot");

        assertThat(b.checkLive(child.id())).isEqualTo(LiveCheck.LIVE);
        assertThat(b.checkLive(child.id())).isEqualTo(LiveCheck.LIVE);
        assertThat(b.checkLive(root.id())).isEqualTo(LiveCheck.LIVE);
        assertThat(changes.lookups.get()).as("the chain came in one lookup").isEqualTo(1);
        assertThat(b.children(root.id())).extracting(Mandate::id).containsExactly(child.id());
    }

    @Test
    void aFailedLookupIsNotRememberedAndTheMandateCountsAsUnknownMeanwhile() {
        Mandate m = openOnA();
        changes.broken = true;
        assertThat(b.checkLive(m.id())).isEqualTo(LiveCheck.UNKNOWN);
        changes.broken = false;
        assertThat(b.checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
    }

    @Test
    void aReplicaWhoseViewIsOlderThanTheBoundDeniesEveryCheckUntilABatchArrives() {
        Mandate m = openOnA();
        assertThat(b.checkLive(m.id())).isEqualTo(LiveCheck.LIVE);

        clock.advance(BOUND);
        assertThat(b.checkLive(m.id())).as("at the bound").isEqualTo(LiveCheck.LIVE);
        clock.advance(Duration.ofMillis(1));
        assertThat(b.checkLive(m.id())).isEqualTo(LiveCheck.STALE);
        assertThat(b.checkLive("mdt_other")).isEqualTo(LiveCheck.STALE);
        assertThatThrownBy(() -> b.delegate(m.id(), MandateRegistryTest.narrower(), "bot"))
                .isInstanceOf(MandateRefused.class)
                .hasMessageContaining("staleness bound");

        changes.poll();
        assertThat(b.checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
    }

    @Test
    void anEndMadeElsewhereIsTakenOverOnceWithoutAuditingItAgain() {
        Mandate m = openOnA();
        assertThat(b.checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
        a.revoke(m.id(), "leaked", "admin");
        int audited = auditB.entries.size();

        changes.poll();
        changes.poll();

        assertThat(b.checkLive(m.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(endedOnB).containsExactly(m.id() + ":leaked");
        assertThat(auditB.entries).hasSize(audited);
    }

    @Test
    void aRenewalMadeElsewhereIsTakenOverAndNeverShortensTheExpiry() {
        Mandate m = openOnA();
        assertThat(b.checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
        clock.advance(Duration.ofMinutes(4));
        Mandate renewed = a.renew(m.id(), "bot");

        changes.poll();

        assertThat(b.get(m.id()).expires()).isEqualTo(renewed.expires());
    }

    @Test
    void aMandateOpenedElsewhereIsExpiredHereOnlyOnceARenewalWouldHaveArrived() {
        Mandate m = openOnA();
        assertThat(b.checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
        clock.advance(Duration.ofMinutes(10));
        changes.poll();

        assertThat(b.checkLive(m.id())).as("checks go by the expiry").isEqualTo(LiveCheck.EXPIRED);
        assertThat(b.expireDue()).as("its own replica records it").isZero();
        clock.advance(BOUND);
        changes.poll();
        assertThat(b.expireDue()).isEqualTo(1);
    }

    @Test
    void aChildOnlyThisReplicaKnowsEndsWithItsParentAndIsAuditedHere() {
        Mandate root = openOnA();
        Mandate child = b.delegate(root.id(), MandateRegistryTest.narrower(), "bot");
        // Replica A never learned of the child: its revocation ended the root alone in the store.
        store.end(List.of(root.id()), MandateState.REVOKED, clock.instant(), "kill");

        changes.poll();

        assertThat(b.checkLive(child.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(store.row(child.id()).state()).isEqualTo(MandateState.REVOKED);
        assertThat(b.get(child.id()).endReason()).isEqualTo("ancestor " + root.id() + " revoked");
        assertThat(auditB.entries).anySatisfy(e -> assertThat(e.subject()).isEqualTo(child.id()));
        assertThat(endedOnB).contains(root.id() + ":kill", child.id() + ":ancestor " + root.id() + " revoked");
    }
}
