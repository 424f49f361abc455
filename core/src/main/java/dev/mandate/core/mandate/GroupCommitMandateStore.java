package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MandateStore} that group-commits new mandates: concurrent {@link #insert} calls queue their mandate, and
 * whichever caller holds the write lock stores every queued mandate (up to {@value #MAX_BATCH}) in one transaction of
 * the underlying {@link BatchMandateStore}, the way {@link dev.mandate.core.audit.AuditLog} group-commits audit events.
 * Under load the exchanges opening mandates at the same moment share one durable write instead of one each.
 *
 * <p>Each caller still returns only once its own mandate is durable, and fails if the transaction that carried it
 * failed; since a batch is one transaction, a failure leaves none of its mandates stored, and every caller in it is
 * told. Ending, renewing, flow-label updates and loading go straight to the underlying store. Thread-safe.
 */
public final class GroupCommitMandateStore implements MandateStore {
    /** The most mandates written in one transaction. */
    public static final int MAX_BATCH = 256;

    private static final class Pending {
        final Mandate mandate;
        boolean done; // guarded by writeLock

        @Nullable
        MandateException failure; // guarded by writeLock

        Pending(Mandate mandate) {
            this.mandate = mandate;
        }
    }

    private final BatchMandateStore store;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by itself

    /**
     * Creates the store over one that writes batches.
     *
     * @param store where mandates persist
     */
    public GroupCommitMandateStore(BatchMandateStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void insert(Mandate mandate) {
        Pending mine = new Pending(Objects.requireNonNull(mandate, "mandate"));
        synchronized (queue) {
            queue.add(mine);
        }
        MandateException failure;
        writeLock.lock();
        try {
            // The queue is first in, first out, so a holder of the lock writes its own mandate within a few batches.
            while (!mine.done) {
                List<Pending> batch = new ArrayList<>();
                synchronized (queue) {
                    while (batch.size() < MAX_BATCH && !queue.isEmpty()) {
                        batch.add(queue.poll());
                    }
                }
                write(batch);
            }
            failure = mine.failure;
        } finally {
            writeLock.unlock();
        }
        if (failure != null) {
            // A fresh exception per caller: the shared one carries another thread's stack.
            throw new MandateException(failure.code(), failure.getMessage(), failure);
        }
    }

    private void write(List<Pending> batch) {
        List<Mandate> mandates = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            mandates.add(p.mandate);
        }
        MandateException failure = null;
        try {
            store.insertAll(mandates);
        } catch (MandateException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new MandateException(
                    ErrorCode.UNAVAILABLE, "cannot store " + mandates.size() + " mandate(s): " + e, e);
        }
        for (Pending p : batch) {
            p.failure = failure;
            p.done = true;
        }
    }

    @Override
    public void end(Collection<String> ids, MandateState state, Instant at, String reason) {
        store.end(ids, state, at, reason);
    }

    @Override
    public java.util.Set<String> endActive(Collection<String> ids, MandateState state, Instant at, String reason) {
        return store.endActive(ids, state, at, reason);
    }

    @Override
    public void renew(String id, Instant expires) {
        store.renew(id, expires);
    }

    @Override
    public void updateFlowLabels(String id, Set<String> flowLabels) {
        store.updateFlowLabels(id, flowLabels);
    }

    @Override
    public List<Mandate> loadAll() {
        return store.loadAll();
    }
}
