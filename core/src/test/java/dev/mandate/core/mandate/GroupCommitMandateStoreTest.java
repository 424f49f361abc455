package dev.mandate.core.mandate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.SpiffeId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class GroupCommitMandateStoreTest {
    private static final SpiffeId BOT = SpiffeId.parse("spiffe://mandate.local/agent/bot");

    /**
     * Records each transaction; the first one waits for the test's go, so that other writers queue up behind it, and
     * the transactions numbered in {@code failing} fail as a whole.
     */
    private static final class BatchStore implements BatchMandateStore {
        final Fakes.Store rows = new Fakes.Store();
        final List<List<String>> transactions = new ArrayList<>();
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final Set<Integer> failing;

        BatchStore(Set<Integer> failing) {
            this.failing = failing;
        }

        @Override
        public void insertAll(List<Mandate> mandates) {
            int n;
            synchronized (this) {
                n = transactions.size();
                transactions.add(mandates.stream().map(Mandate::id).toList());
            }
            if (n == 0) {
                firstStarted.countDown();
                await(go);
            }
            if (failing.contains(n)) {
                throw new MandateException(ErrorCode.UNAVAILABLE, "transaction " + n + " rolled back");
            }
            for (Mandate m : mandates) {
                rows.insert(m);
            }
        }

        @Override
        public void insert(Mandate mandate) {
            insertAll(List.of(mandate));
        }

        @Override
        public void end(Collection<String> ids, MandateState state, Instant at, String reason) {
            rows.end(ids, state, at, reason);
        }

        @Override
        public void renew(String id, Instant expires) {
            rows.renew(id, expires);
        }

        @Override
        public void updateFlowLabels(String id, Set<String> flowLabels) {
            rows.updateFlowLabels(id, flowLabels);
        }

        @Override
        public List<Mandate> loadAll() {
            return rows.loadAll();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the transaction go on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private final Fakes.Clock clock = new Fakes.Clock();

    private Mandate mandate(String id) {
        Instant now = clock.instant();
        return new Mandate(
                id,
                BOT,
                null,
                "support",
                Set.of("crm.read"),
                Set.of(),
                Tier.COPILOT,
                null,
                0,
                now,
                now.plus(Duration.ofMinutes(5)),
                now.plus(Duration.ofHours(1)),
                Duration.ofMinutes(5),
                MandateState.ACTIVE,
                Set.of(),
                Set.of("*"),
                10,
                null,
                null);
    }

    /** Starts writers of a, then (once a's transaction is under way) b, c and d queued behind it. */
    private List<Future<?>> writeFourWithThreeQueued(GroupCommitMandateStore store, BatchStore batches)
            throws InterruptedException {
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        List<Thread> queued = new ArrayList<>();
        futures.add(writers.submit(() -> store.insert(mandate("mdt_a"))));
        await(batches.firstStarted);
        CountDownLatch threadsKnown = new CountDownLatch(3);
        for (String id : List.of("mdt_b", "mdt_c", "mdt_d")) {
            futures.add(writers.submit(() -> {
                synchronized (queued) {
                    queued.add(Thread.currentThread());
                }
                threadsKnown.countDown();
                store.insert(mandate(id));
            }));
        }
        await(threadsKnown);
        // Each of b, c and d has queued its mandate once it waits for the write lock.
        for (Thread t : List.copyOf(queued)) {
            while (t.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
        }
        batches.go.countDown();
        writers.shutdown();
        return futures;
    }

    @Test
    void writersQueuedBehindATransactionShareTheNextOne() throws Exception {
        BatchStore batches = new BatchStore(Set.of());
        GroupCommitMandateStore store = new GroupCommitMandateStore(batches);

        for (Future<?> f : writeFourWithThreeQueued(store, batches)) {
            f.get();
        }

        assertThat(batches.transactions).hasSize(2);
        assertThat(batches.transactions.get(0)).containsExactly("mdt_a");
        assertThat(batches.transactions.get(1)).containsExactlyInAnyOrder("mdt_b", "mdt_c", "mdt_d");
        assertThat(store.loadAll())
                .extracting(Mandate::id)
                .containsExactlyInAnyOrder("mdt_a", "mdt_b", "mdt_c", "mdt_d");
    }

    @Test
    void aFailedGroupWriteFailsEveryWriterInItAndNoOneElse() throws Exception {
        BatchStore batches = new BatchStore(Set.of(1));
        GroupCommitMandateStore store = new GroupCommitMandateStore(batches);

        List<Future<?>> futures = writeFourWithThreeQueued(store, batches);

        futures.get(0).get();
        for (Future<?> f : futures.subList(1, 4)) {
            try {
                f.get();
                throw new AssertionError("a writer in the failed transaction was told its mandate is stored");
            } catch (ExecutionException e) {
                assertThat(e.getCause())
                        .isInstanceOfSatisfying(
                                MandateException.class,
                                m -> assertThat(m.code()).isEqualTo(ErrorCode.UNAVAILABLE));
            }
        }
        assertThat(store.loadAll()).extracting(Mandate::id).containsExactly("mdt_a");
    }

    @Test
    void aMandateWhoseGroupWriteFailedIsNotOpenInTheRegistryNorAfterARestart() {
        BatchStore batches = new BatchStore(Set.of(1));
        batches.go.countDown();
        Fakes.Audit audit = new Fakes.Audit();
        MandateRegistry registry = new MandateRegistry(
                new GroupCommitMandateStore(batches), audit, clock, MandateLimits.defaults(), (id, e) -> {});
        OpenRequest request = new OpenRequest(
                BOT,
                Tier.COPILOT,
                null,
                "support",
                Set.of("crm.read"),
                Set.of(),
                Duration.ofMinutes(5),
                null,
                Set.of("*"),
                10);
        Mandate acknowledged = registry.open(request, "bot");

        try {
            registry.open(request, "bot");
            throw new AssertionError("the open was acknowledged although its transaction failed");
        } catch (MandateException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        }

        assertThat(registry.size()).isEqualTo(1);
        assertThat(audit.entries).extracting(a -> a.subject()).containsExactly(acknowledged.id());
        MandateRegistry restarted = new MandateRegistry(
                new GroupCommitMandateStore(batches), audit, clock, MandateLimits.defaults(), (id, e) -> {});
        assertThat(restarted.size()).isEqualTo(1);
        assertThat(restarted.checkLive(acknowledged.id())).isEqualTo(LiveCheck.LIVE);
    }
}
