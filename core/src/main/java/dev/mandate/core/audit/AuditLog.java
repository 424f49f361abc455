package dev.mandate.core.audit;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.keys.SigningKeys;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The hash-chained audit log: the one {@link AuditSink} implementation. Each event gets the next sequence number, a
 * time from the injected clock, and {@code hash = SHA-256(prev_hash ‖ canonical event)} (see {@link AuditEvent}); it
 * is durable in the {@link AuditStore} before {@link #record} returns. Every {@code checkpointEvery} events a signed
 * {@link AuditCheckpoint} is written in the same transaction.
 *
 * <p>Writes use group commit: callers queue their entries, and whichever caller holds the write lock appends every
 * queued entry in one transaction, so concurrent callers share one durable write. {@link #recordWith} adds a row of
 * another table (a new mandate) to that transaction, so the row and its event are durable together or not at all.
 * Thread-safe.
 */
public final class AuditLog implements BatchAuditSink {
    /** The most events {@link #page} returns at once. */
    public static final int MAX_PAGE = 1000;

    private static final class Pending {
        final List<AuditEntry> entries;
        final List<AuditedRow> rows;
        boolean done;

        @Nullable
        MandateException failure;

        Pending(List<AuditEntry> entries, List<AuditedRow> rows) {
            this.entries = entries;
            this.rows = rows;
        }
    }

    private final AuditStore store;
    private final SigningKeys keys;
    private final InstantSource clock;
    private final int checkpointEvery;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object queueLock = new Object();
    private final List<Pending> queue = new ArrayList<>();
    private final List<Consumer<List<AuditEvent>>> appendListeners = new CopyOnWriteArrayList<>();

    // guarded by writeLock; null until read from the store (again after a failed write)
    private @Nullable AuditEvent head;
    private boolean headLoaded;
    private long lastCheckpointSeq;

    /**
     * Creates the log over a store.
     *
     * @param store where events and checkpoints are kept
     * @param keys signs checkpoints
     * @param clock gives events their time
     * @param checkpointEvery how many events between signed checkpoints, at least 1
     * @throws MandateException with {@code BAD_CONFIG} if {@code checkpointEvery < 1}
     */
    public AuditLog(AuditStore store, SigningKeys keys, InstantSource clock, int checkpointEvery) {
        if (checkpointEvery < 1) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "audit.checkpoint-every must be at least 1, got " + checkpointEvery);
        }
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.checkpointEvery = checkpointEvery;
    }

    @Override
    public void record(AuditEntry entry) {
        recordAll(List.of(entry));
    }

    @Override
    public void recordAll(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        write(new Pending(List.copyOf(entries), List.of()));
    }

    /**
     * Records one event durably together with a row of another table (a new mandate), in one transaction of the
     * store: when this returns both are durable, and when it throws neither is. The event is chained exactly as
     * {@link #record} chains it, and group-committed with the events and rows of concurrent callers; a row the
     * database refuses fails the whole transaction, and so every caller whose event or row it carried. A row the store
     * refuses by a rule of its own ({@link RowsRefused}: a new mandate of a disabled agent) fails only its caller, with
     * the store's reason, and the rest of the group is written without it.
     *
     * @param entry what happened
     * @param row the row it is about, written in the same transaction
     * @throws MandateException with {@code UNAVAILABLE} if they could not be made durable, or the store's own
     *     exception for a row it refused ({@link RowsRefused#refusal}); then neither is stored
     */
    public void recordWith(AuditEntry entry, AuditedRow row) {
        write(new Pending(
                List.of(Objects.requireNonNull(entry, "entry")), List.of(Objects.requireNonNull(row, "row"))));
    }

    private void write(Pending mine) {
        synchronized (queueLock) {
            queue.add(mine);
        }
        writeLock.lock();
        try {
            if (!mine.done) {
                List<Pending> batch;
                synchronized (queueLock) {
                    batch = new ArrayList<>(queue);
                    queue.clear();
                }
                writeBatch(batch);
            }
        } finally {
            writeLock.unlock();
        }
        MandateException failure = mine.failure;
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Signs a checkpoint of the last event now, if there are events since the last checkpoint.
     *
     * @throws MandateException with {@code UNAVAILABLE} if it could not be made durable
     */
    public void checkpoint() {
        writeLock.lock();
        try {
            loadHead();
            AuditEvent last = head;
            if (last != null && last.seq() > lastCheckpointSeq) {
                AuditCheckpoint cp = sign(last);
                store.append(List.of(), cp);
                lastCheckpointSeq = last.seq();
            }
        } catch (MandateException e) {
            headLoaded = false;
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    private void writeBatch(List<Pending> batch) {
        MandateException failure = null;
        List<Pending> left = batch;
        try {
            // A second attempt re-reads the head: another node sharing the store may have appended meanwhile, and
            // the sequence number's primary key refused our copy of the chain.
            int failures = 0;
            while (failures < 2) {
                try {
                    appendOnce(left);
                    return;
                } catch (RowsRefused e) {
                    // Nothing was written (the head still holds): only the callers whose rows were refused fail, with
                    // their own reason, and the rest of the group is appended again, chained afresh. Each round
                    // removes at least one caller, so this ends.
                    List<Pending> kept = new ArrayList<>(left.size());
                    for (Pending p : left) {
                        MandateException why = refusal(e, p);
                        if (why == null) {
                            kept.add(p);
                        } else {
                            p.failure = why;
                        }
                    }
                    if (kept.size() == left.size()) {
                        failure = new MandateException(
                                ErrorCode.UNAVAILABLE,
                                "the audit store refused rows it was not given: " + e.getMessage(),
                                e);
                        break;
                    }
                    if (kept.isEmpty()) {
                        return;
                    }
                    left = kept;
                } catch (MandateException e) {
                    failures++;
                    headLoaded = false;
                    failure = e.code() == ErrorCode.UNAVAILABLE
                            ? e
                            : new MandateException(
                                    ErrorCode.UNAVAILABLE,
                                    "the audit log could not record the event: " + e.getMessage(),
                                    e);
                } catch (RuntimeException e) {
                    failures++;
                    headLoaded = false;
                    failure = new MandateException(
                            ErrorCode.UNAVAILABLE, "the audit log could not record the event: " + e, e);
                }
            }
            for (Pending p : left) {
                p.failure = failure;
            }
        } finally {
            for (Pending p : batch) {
                p.done = true;
            }
        }
    }

    private static @Nullable MandateException refusal(RowsRefused refused, Pending p) {
        for (AuditedRow row : p.rows) {
            MandateException why = refused.refusal(row);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    private void appendOnce(List<Pending> batch) {
        loadHead();
        AuditEvent prev = head;
        long seq = prev == null ? 0 : prev.seq();
        String prevHash = prev == null ? AuditEvent.GENESIS_HASH : prev.hash();
        Instant now = clock.instant();
        List<AuditEvent> events = new ArrayList<>();
        List<AuditedRow> rows = new ArrayList<>(0);
        for (Pending p : batch) {
            for (AuditEntry e : p.entries) {
                AuditEvent ev = AuditEvent.chain(++seq, now, e, prevHash);
                events.add(ev);
                prevHash = ev.hash();
            }
            rows.addAll(p.rows);
        }
        AuditEvent last = events.get(events.size() - 1);
        AuditCheckpoint cp = last.seq() - lastCheckpointSeq >= checkpointEvery ? sign(last) : null;
        if (rows.isEmpty()) {
            store.append(events, cp);
        } else {
            store.append(events, cp, rows);
        }
        head = last;
        if (cp != null) {
            lastCheckpointSeq = cp.seq();
        }
        tellAppended(events);
    }

    /**
     * Adds a listener told about every batch of events once it is durable, in sequence order, under the write lock:
     * it must only hand the events on (a bounded queue), never block. What it throws is ignored, because the events
     * are already recorded; a listener that needs every event re-reads gaps with {@link #page}.
     *
     * @param listener receives the appended events
     */
    public void onAppended(Consumer<List<AuditEvent>> listener) {
        appendListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void tellAppended(List<AuditEvent> events) {
        List<AuditEvent> copy = List.copyOf(events);
        for (Consumer<List<AuditEvent>> l : appendListeners) {
            try {
                l.accept(copy);
            } catch (RuntimeException e) {
                // the events are durable; a failing listener must not turn the write into a failure
            }
        }
    }

    private void loadHead() {
        if (!headLoaded) {
            head = store.last().orElse(null);
            List<AuditCheckpoint> cps = store.checkpoints();
            lastCheckpointSeq = cps.isEmpty() ? 0 : cps.get(cps.size() - 1).seq();
            headLoaded = true;
        }
    }

    private AuditCheckpoint sign(AuditEvent last) {
        Instant now = clock.instant();
        String jws = keys.sign(
                new JWTClaimsSet.Builder()
                        .claim("seq", last.seq())
                        .claim("hash", last.hash())
                        .issueTime(Date.from(now))
                        .build(),
                new JOSEObjectType(AuditCheckpoint.JWT_TYPE));
        return new AuditCheckpoint(last.seq(), last.hash(), now, jws);
    }

    /**
     * Reads a page of events.
     *
     * @param afterSeq return events after this sequence number (0 for the start)
     * @param limit the most to return, 1 to {@value #MAX_PAGE}
     * @return the events in order
     * @throws MandateException with {@code BAD_REQUEST} for a limit out of range, {@code UNAVAILABLE} if the store
     *     cannot be read
     */
    public List<AuditEvent> page(long afterSeq, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "limit must be between 1 and " + MAX_PAGE + ", got " + limit);
        }
        if (afterSeq < 0) {
            throw new MandateException(ErrorCode.BAD_REQUEST, "after must not be negative, got " + afterSeq);
        }
        return store.read(afterSeq, limit);
    }

    /**
     * Recomputes the whole chain and checks every checkpoint, stopping at the first broken link.
     *
     * @return the outcome, naming the first broken event or checkpoint
     * @throws MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    public AuditVerification verify() {
        List<AuditCheckpoint> checkpoints = store.checkpoints();
        Iterator<AuditCheckpoint> cpIt = checkpoints.iterator();
        AuditCheckpoint nextCp = cpIt.hasNext() ? cpIt.next() : null;
        int cpChecked = 0;
        long expectedSeq = 1;
        String prevHash = AuditEvent.GENESIS_HASH;
        long checked = 0;
        while (true) {
            List<AuditEvent> page = store.read(expectedSeq - 1, MAX_PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (AuditEvent ev : page) {
                if (ev.seq() != expectedSeq) {
                    return broken(
                            checked,
                            cpChecked,
                            expectedSeq,
                            "event " + expectedSeq + " is missing (next is " + ev.seq() + ")");
                }
                if (!ev.prevHash().equals(prevHash)) {
                    return broken(
                            checked,
                            cpChecked,
                            ev.seq(),
                            "event " + ev.seq() + " does not link to its predecessor: its prev_hash is " + ev.prevHash()
                                    + " but event " + (ev.seq() - 1) + " hashes to " + prevHash);
                }
                String recomputed = ev.recomputeHash();
                if (!recomputed.equals(ev.hash())) {
                    return broken(
                            checked,
                            cpChecked,
                            ev.seq(),
                            "event " + ev.seq() + " (" + ev.type() + ") was changed: its content hashes to "
                                    + recomputed + " but its stored hash is " + ev.hash());
                }
                checked++;
                prevHash = recomputed;
                while (nextCp != null && nextCp.seq() == ev.seq()) {
                    String problem = checkCheckpoint(nextCp, recomputed);
                    if (problem != null) {
                        return broken(checked, cpChecked, nextCp.seq(), problem);
                    }
                    cpChecked++;
                    nextCp = cpIt.hasNext() ? cpIt.next() : null;
                }
                expectedSeq++;
            }
        }
        if (nextCp != null) {
            return broken(
                    checked,
                    cpChecked,
                    nextCp.seq(),
                    "checkpoint " + nextCp.seq() + " covers event " + nextCp.seq() + " but the log ends at event "
                            + (expectedSeq - 1) + ": events were removed");
        }
        return new AuditVerification(true, checked, cpChecked, null, null);
    }

    private @Nullable String checkCheckpoint(AuditCheckpoint cp, String chainHash) {
        JWTClaimsSet claims;
        try {
            claims = keys.verify(cp.signature());
        } catch (MandateException e) {
            return "checkpoint " + cp.seq() + " has an invalid signature: " + e.getMessage();
        }
        Object seq = claims.getClaim("seq");
        Object hash = claims.getClaim("hash");
        if (!(seq instanceof Number n)
                || n.longValue() != cp.seq()
                || !cp.hash().equals(hash)) {
            return "checkpoint " + cp.seq() + ": its signed claims (seq " + seq + ", hash " + hash
                    + ") differ from its stored columns (seq " + cp.seq() + ", hash " + cp.hash() + ")";
        }
        if (!chainHash.equals(cp.hash())) {
            return "checkpoint " + cp.seq() + " signed hash " + cp.hash() + " but the chain hashes event " + cp.seq()
                    + " to " + chainHash;
        }
        return null;
    }

    private static AuditVerification broken(long checked, int cps, long seq, String problem) {
        return new AuditVerification(false, checked, cps, seq, problem);
    }
}
