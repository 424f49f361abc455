package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.SpiffeId;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * This node as one of several replicas sharing a store: keeps the in-memory {@link MandateRegistry} in line with what
 * the other replicas open, renew, delegate, close and revoke, and with the agents they disable; vouches for a mandate
 * only while its view is confirmed within the staleness bound; and looks a mandate it has not seen yet up in the store
 * once, when a token for it first arrives.
 *
 * <p>Freshness: every batch of changes is complete up to its {@link ChangeBatch#asOf()}. If the latest applied batch
 * is older than the staleness bound (the store or the feed is lost), {@link MandateRegistry#checkLive} answers
 * {@link LiveCheck#STALE} for every mandate until the feed has caught up: fail closed.
 *
 * <p>The miss path is the only I/O a check can cause: at most {@value #CONCURRENT_LOOKUPS} lookups at once (a caller
 * waits at most {@value #LOOKUP_WAIT_MILLIS} ms for a turn, else the mandate counts as unknown), and an id the store
 * does not hold is remembered as unknown for {@value #NEGATIVE_TTL_MILLIS} ms (at most {@value #MAX_NEGATIVE} ids), so
 * made-up ids cannot hammer the store. Thread-safe.
 */
public final class Replica implements ChangeListener {
    /** The most lookups of unseen mandates at once. */
    public static final int CONCURRENT_LOOKUPS = 4;
    /** How long a check waits for a lookup turn, in milliseconds. */
    public static final long LOOKUP_WAIT_MILLIS = 1000;
    /** How long an id the store does not hold is remembered as unknown, in milliseconds. */
    public static final long NEGATIVE_TTL_MILLIS = 5000;
    /** The most ids remembered as unknown; when full, the memory is emptied. */
    public static final int MAX_NEGATIVE = 10_000;
    /** The longest mandate id the store holds. */
    static final int MAX_ID_LENGTH = 64;
    /**
     * How long an agent disabled elsewhere stays remembered, in milliseconds, unless it is enabled again: a mandate of
     * it that reaches this replica within that time is revoked here.
     */
    public static final long DISABLED_MEMORY_MILLIS = 10 * 60 * 1000;
    /** The most agents remembered as disabled; when full, the longest remembered is forgotten. */
    public static final int MAX_DISABLED = 10_000;

    private final MandateRegistry registry;
    private final MandateChanges changes;
    private final InstantSource clock;
    private final long boundMillis;
    private final ConcurrentHashMap<String, Long> unknown = new ConcurrentHashMap<>();
    private final Semaphore lookups = new Semaphore(CONCURRENT_LOOKUPS);
    // Agents disabled, as the feed told, and when this replica learned it. Only the feed thread writes it.
    private final ConcurrentHashMap<SpiffeId, Long> disabled = new ConcurrentHashMap<>();
    private volatile long confirmedMillis;
    private volatile boolean started;

    /**
     * Creates the replica; {@link #start} makes it take effect. The registry's view counts as confirmed from now: it
     * has just been loaded from the store.
     *
     * @param registry the registry to keep in line; it must have been loaded after {@code changes} was opened, so that
     *     the feed's first poll covers every change the load may have missed
     * @param changes the shared store's changes
     * @param clock the time source, the registry's
     * @param stalenessBound how old the confirmed view may be before checks fail closed
     * @throws MandateException with {@code BAD_CONFIG} for a bound that is not positive
     */
    public Replica(MandateRegistry registry, MandateChanges changes, InstantSource clock, Duration stalenessBound) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (stalenessBound.isNegative() || stalenessBound.isZero()) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "the staleness bound must be positive, got " + stalenessBound);
        }
        this.boundMillis = stalenessBound.toMillis();
        this.confirmedMillis = clock.millis();
    }

    /**
     * Makes the registry consult this replica on every check and starts following the changes.
     *
     * @throws IllegalStateException if already started
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("the replica is already started");
        }
        started = true;
        registry.replicate(this);
        changes.follow(this);
    }

    /**
     * Applies a batch: mandates first (so that what another replica ended is ended here before its agent's other
     * mandates are looked at), then disabled agents, whose mandates still active here are revoked. Then the view
     * counts as confirmed up to the batch's time.
     *
     * <p>An exchange can read its agent as active an instant before another replica disables it, and open a mandate
     * after this replica has applied the disable: no replica then holds it when it learns of the disable. So an agent
     * disabled stays remembered ({@value #DISABLED_MEMORY_MILLIS} ms, until it is enabled again), and an active mandate
     * of it that arrives later — its row is written, so every replica's feed brings it — is revoked on arrival.
     *
     * @param batch the changes
     * @throws MandateException with {@code UNAVAILABLE} if a cascade or an agent's revocation could not be stored or
     *     audited here (in force in memory regardless)
     */
    @Override
    public void changed(ChangeBatch batch) {
        MandateException failure = null;
        try {
            List<String> orphans = registry.applyStored(batch.mandates());
            for (String id : orphans) {
                // Its parent is not known here yet (it changed before this replica loaded, say): bring in the chain.
                registry.applyStored(changes.chain(id));
            }
        } catch (MandateException e) {
            failure = e;
        }
        for (Mandate m : batch.mandates()) {
            unknown.remove(m.id());
        }
        Set<SpiffeId> agents = new LinkedHashSet<>(batch.disabledAgents());
        rememberDisabled(batch);
        for (Mandate m : batch.mandates()) {
            if (m.state() == MandateState.ACTIVE && disabled.containsKey(m.agent())) {
                agents.add(m.agent()); // opened as its agent was being disabled
            }
        }
        for (SpiffeId agent : agents) {
            if (registry.holdsActive(agent)) {
                try {
                    registry.revokeAgentDisabledElsewhere(agent, "agent disabled on another replica");
                } catch (MandateException e) {
                    failure = failure == null ? e : failure; // revoked in memory regardless
                }
            }
        }
        long asOf = batch.asOf().toEpochMilli();
        if (asOf > confirmedMillis) {
            confirmedMillis = asOf;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void rememberDisabled(ChangeBatch batch) {
        long now = clock.millis();
        for (SpiffeId agent : batch.activeAgents()) {
            disabled.remove(agent);
        }
        disabled.values().removeIf(learned -> learned < now - DISABLED_MEMORY_MILLIS);
        for (SpiffeId agent : batch.disabledAgents()) {
            if (disabled.size() >= MAX_DISABLED && !disabled.containsKey(agent)) {
                disabled.entrySet().stream()
                        .min(java.util.Map.Entry.comparingByValue())
                        .ifPresent(oldest -> disabled.remove(oldest.getKey()));
            }
            disabled.put(agent, now);
        }
    }

    /**
     * Tells whether this replica's view was confirmed within the staleness bound.
     *
     * @param nowMillis the registry clock's time
     * @return true if checks may answer from memory
     */
    boolean confirmed(long nowMillis) {
        return nowMillis - confirmedMillis <= boundMillis;
    }

    /**
     * Returns how old the confirmed view is.
     *
     * @return the time since the latest batch's {@code asOf}, never negative
     */
    public Duration staleness() {
        return Duration.ofMillis(Math.max(0, clock.millis() - confirmedMillis));
    }

    long boundMillis() {
        return boundMillis;
    }

    /**
     * The miss path: looks a mandate this replica has not seen up in the store, with its ancestors, and adds them to
     * the registry. Bounded; remembers ids the store does not hold; a store failure leaves the mandate unknown (fail
     * closed) and is not remembered.
     */
    void fetch(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return;
        }
        long now = clock.millis();
        Long until = unknown.get(id);
        if (until != null) {
            if (until > now) {
                return;
            }
            unknown.remove(id, until);
        }
        boolean turn;
        try {
            turn = lookups.tryAcquire(LOOKUP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!turn) {
            return;
        }
        try {
            List<Mandate> chain = changes.chain(id);
            if (chain.isEmpty()) {
                if (unknown.size() >= MAX_NEGATIVE) {
                    unknown.clear();
                }
                unknown.put(id, now + NEGATIVE_TTL_MILLIS);
                return;
            }
            registry.applyStored(chain);
        } catch (MandateException e) {
            // Unknown for now: the check fails closed, and the next one tries again.
        } finally {
            lookups.release();
        }
    }
}
