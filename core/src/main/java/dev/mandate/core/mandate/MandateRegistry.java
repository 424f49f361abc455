package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.audit.BatchAuditSink;
import dev.mandate.core.identity.SpiffeId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Every mandate of this node, in memory, written through to a {@link MandateStore}: the hot path of enforcement. When
 * several nodes share a store, a {@link Replica} keeps this registry in line with the others' changes.
 *
 * <p>{@link #checkLive} walks from a mandate up its parent links reading only volatile fields: O(depth), no locks,
 * no I/O, no allocation. Changes (open, delegate, renew, close, revoke, expire) take one lock, are made durable in the
 * store, are recorded in the audit log, and then tell the {@link MandateEndListener}s about every mandate that ended.
 * Revoking or closing a mandate ends its whole delegation subtree; revoking an agent ends every mandate it holds and
 * their subtrees.
 *
 * <p>This class is larger than most because it is the hot path and the one owner of the in-memory tree.
 */
public final class MandateRegistry {
    /** The most mandates {@link #list} returns. */
    public static final int MAX_LIST = 1000;

    /** One mandate in memory: the immutable grant plus the fields that change, read without locks. */
    private static final class Node {
        final Mandate grant;
        final @Nullable Node parent;
        final long maxExpiresMillis;
        final List<Node> children = new ArrayList<>(0); // guarded by the registry lock
        volatile MandateState state;
        volatile long expiresMillis;
        volatile @Nullable Instant ended;
        volatile @Nullable String endReason;
        volatile Set<String> flowLabels; // only grows (mergeFlowLabels); written back as it grows (recordFlowLabels)
        boolean notDurable; // guarded by the registry lock: ended in memory, but the store has not recorded it yet
        boolean remote; // guarded by the registry lock: learned from the shared store, opened by another replica

        Node(Mandate grant, @Nullable Node parent) {
            this.grant = grant;
            this.parent = parent;
            this.state = grant.state();
            this.expiresMillis = grant.expires().toEpochMilli();
            this.maxExpiresMillis = grant.maxExpires().toEpochMilli();
            this.ended = grant.ended();
            this.endReason = grant.endReason();
            this.flowLabels = grant.flowLabels();
        }

        /** Joins labels into this node's (union, highest sensitivity); returns the result if it grew, else null. */
        synchronized @Nullable Set<String> mergeFlowLabels(Set<String> more) {
            Set<String> now = flowLabels;
            Set<String> merged = dev.mandate.core.flow.FlowLabels.joinWords(now, more);
            if (merged.equals(now)) {
                return null;
            }
            flowLabels = merged;
            return merged;
        }

        LiveCheck own(long now) {
            return switch (state) {
                case ACTIVE -> now < expiresMillis ? LiveCheck.LIVE : LiveCheck.EXPIRED;
                case CLOSED -> LiveCheck.CLOSED;
                case REVOKED -> LiveCheck.REVOKED;
                case EXPIRED -> LiveCheck.EXPIRED;
            };
        }

        Mandate snapshot() {
            MandateState s = state;
            Instant end = ended;
            return new Mandate(
                    grant.id(),
                    grant.agent(),
                    grant.onBehalfOf(),
                    grant.purpose(),
                    grant.tools(),
                    grant.resources(),
                    grant.tier(),
                    grant.parentId(),
                    grant.depth(),
                    grant.issued(),
                    Instant.ofEpochMilli(expiresMillis),
                    grant.maxExpires(),
                    grant.ttl(),
                    s,
                    flowLabels,
                    grant.labelCeiling(),
                    grant.callBudget(),
                    s == MandateState.ACTIVE ? null : (end == null ? Instant.EPOCH : end),
                    s == MandateState.ACTIVE ? null : endReason,
                    grant.clearance());
        }
    }

    private final MandateStore store;
    private final AuditSink audit;
    private final InstantSource clock;
    private final MandateLimits limits;
    private final BiConsumer<String, RuntimeException> listenerFailures;
    private final List<MandateEndListener> listeners = new CopyOnWriteArrayList<>();
    private final List<FlowLabelsListener> labelListeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Node> nodes = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    /**
     * Mandates being written, not yet in {@link #nodes}, by id: an agent revoked meanwhile ({@link #endAgent}) marks
     * its own, and the opening ends them at once (see {@link #admit}). Guarded by the lock; at most one per exchange in
     * flight.
     */
    private final Map<String, Opening> opening = new HashMap<>();

    /** A mandate being opened or delegated; {@code agentRevoked} says why its agent was revoked meanwhile. */
    private static final class Opening {
        final SpiffeId agent;

        @Nullable
        String agentRevoked; // guarded by the registry lock

        Opening(SpiffeId agent) {
            this.agent = agent;
        }
    }

    private volatile @Nullable Replica replica;

    /**
     * Creates the registry and loads every stored mandate into memory.
     *
     * @param store where mandates persist
     * @param audit where changes are recorded; a {@link BatchAuditSink} records a cascade in one write
     * @param clock the time source for issue, expiry and checks
     * @param limits depth and per-tier limits
     * @param listenerFailures told when an end or flow-labels listener throws (the change is in force regardless)
     * @throws MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    public MandateRegistry(
            MandateStore store,
            AuditSink audit,
            InstantSource clock,
            MandateLimits limits,
            BiConsumer<String, RuntimeException> listenerFailures) {
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.listenerFailures = Objects.requireNonNull(listenerFailures, "listenerFailures");
        List<Mandate> all = new ArrayList<>(store.loadAll());
        all.sort(Comparator.comparingInt(Mandate::depth));
        synchronized (lock) {
            for (Mandate m : all) {
                String pid = m.parentId();
                Node parent = pid == null ? null : nodes.get(pid);
                Node n = new Node(m, parent);
                if (parent != null) {
                    parent.children.add(n);
                }
                nodes.put(m.id(), n);
            }
        }
    }

    /**
     * Adds a listener told about every mandate that ends, after its new state is durable.
     *
     * @param listener the listener; it must not block for long
     */
    public void addEndListener(MandateEndListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Adds a listener told whenever a mandate's flow labels grew because another replica stored more of them.
     *
     * @param listener the listener; it must not block for long
     */
    public void addFlowLabelsListener(FlowLabelsListener listener) {
        labelListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Returns the limits in force.
     *
     * @return the limits
     */
    public MandateLimits limits() {
        return limits;
    }

    /**
     * Tells whether a mandate may be used right now: it and every ancestor are active and unexpired. In memory,
     * O(depth), lock-free and allocation-free. On a node that is one of several {@link Replica}s it answers
     * {@link LiveCheck#STALE} while the replica's view is older than its staleness bound, and a mandate it has not
     * seen yet is looked up in the shared store once (the only I/O, bounded; misses remembered briefly).
     *
     * @param id the mandate id
     * @return {@link LiveCheck#LIVE} or why not
     */
    public LiveCheck checkLive(String id) {
        Node n = nodes.get(id);
        Replica r = replica;
        if (r != null) {
            // One of several replicas: vouch for nothing unless this view was confirmed within the staleness bound.
            if (!r.confirmed(clock.millis())) {
                return LiveCheck.STALE;
            }
            if (n == null) {
                r.fetch(id); // the miss path: once per unknown id, bounded, negative answers remembered briefly
                n = nodes.get(id);
            }
        }
        if (n == null) {
            return LiveCheck.UNKNOWN;
        }
        long now = clock.millis();
        LiveCheck own = n.own(now);
        if (own != LiveCheck.LIVE) {
            return own;
        }
        for (Node p = n.parent; p != null; p = p.parent) {
            if (p.own(now) != LiveCheck.LIVE) {
                return LiveCheck.ANCESTOR_ENDED;
            }
        }
        return LiveCheck.LIVE;
    }

    /**
     * Returns a mandate as it stands now (an active mandate past its expiry shows as active until swept).
     *
     * @param id the mandate id
     * @return the mandate, if known
     */
    public Optional<Mandate> find(String id) {
        Node n = known(id);
        return n == null ? Optional.empty() : Optional.of(n.snapshot());
    }

    /**
     * Returns a mandate, or fails.
     *
     * @param id the mandate id
     * @return the mandate
     * @throws MandateException with {@code NOT_FOUND} if there is none
     */
    public Mandate get(String id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    /**
     * Writes back the flow labels a mandate has accumulated, so that a restart does not forget what it has read. Labels
     * only grow, so callers write only when they changed, and each mandate's writes in order (a {@code FlowState}
     * does both); the write is durable when this returns. It does not take the registry lock: it changes no state
     * that checks read.
     *
     * <p>The store merges: its labels become the union of what it holds and {@code labels}, so replicas that each saw
     * part of a mandate's data never overwrite each other; in memory the labels likewise only grow.
     *
     * @param id the mandate
     * @param labels all its labels now, as label words
     * @throws MandateException with {@code NOT_FOUND} if there is no such mandate, {@code UNAVAILABLE} if the store
     *     could not record them (the labels in memory stay, so enforcement is not weakened)
     */
    public void recordFlowLabels(String id, Set<String> labels) {
        Node n = nodes.get(id);
        if (n == null) {
            throw notFound(id);
        }
        Set<String> copy = Scope.names("flow labels", labels);
        store.updateFlowLabels(id, copy);
        n.mergeFlowLabels(copy);
    }

    /**
     * Returns the direct children of a mandate.
     *
     * @param id the mandate id
     * @return its children, oldest first
     * @throws MandateException with {@code NOT_FOUND} if there is no such mandate
     */
    public List<Mandate> children(String id) {
        Node n = known(id);
        if (n == null) {
            throw notFound(id);
        }
        synchronized (lock) {
            return n.children.stream().map(Node::snapshot).toList();
        }
    }

    /**
     * Lists mandates matching a filter, newest first.
     *
     * @param filter which to return
     * @param limit the most to return, 1 to {@value #MAX_LIST}
     * @return the mandates
     * @throws MandateException with {@code BAD_REQUEST} for a limit out of range
     */
    public List<Mandate> list(Predicate<Mandate> filter, int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw new MandateException(ErrorCode.BAD_REQUEST, "limit must be 1-" + MAX_LIST + ", got " + limit);
        }
        return nodes.values().stream()
                .map(Node::snapshot)
                .filter(filter)
                .sorted(Comparator.comparing(Mandate::issued).reversed().thenComparing(Mandate::id))
                .limit(limit)
                .toList();
    }

    /**
     * Opens a root mandate.
     *
     * @param request what is asked, for an agent already authenticated and allowed the purpose
     * @param actor who asks, for the audit log
     * @return the new mandate
     * @throws MandateRefused with {@code TTL} if the ttl or max lifetime exceed the tier's limits
     * @throws MandateException with {@code UNAVAILABLE} if it could not be stored or audited (then it is not open)
     */
    public Mandate open(OpenRequest request, String actor) {
        TierLimits tier = limits.of(request.tier());
        Duration ttl = request.ttl();
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(tier.maxTtl()) > 0) {
            throw new MandateRefused(
                    MandateRefused.Rule.TTL,
                    "ttl " + ttl + " must be positive and at most the "
                            + request.tier().wireName() + " tier's " + tier.maxTtl() + " (config tier."
                            + request.tier().wireName() + ".max-ttl)");
        }
        Duration life = request.maxLifetime() == null ? tier.maxLifetime() : request.maxLifetime();
        if (life.compareTo(ttl) < 0 || life.compareTo(tier.maxLifetime()) > 0) {
            throw new MandateRefused(
                    MandateRefused.Rule.TTL,
                    "max lifetime " + life + " must be between the ttl " + ttl + " and the "
                            + request.tier().wireName() + " tier's " + tier.maxLifetime() + " (config tier."
                            + request.tier().wireName() + ".max-lifetime)");
        }
        if (request.callBudget() < 0) {
            throw new MandateRefused(MandateRefused.Rule.BUDGET, "call budget < 0: " + request.callBudget());
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Mandate m = new Mandate(
                newId(),
                request.agent(),
                request.onBehalfOf(),
                request.purpose(),
                request.tools(),
                request.resources(),
                request.tier(),
                null,
                0,
                now,
                now.plus(ttl),
                now.plus(life),
                ttl,
                MandateState.ACTIVE,
                Set.of(),
                request.labelCeiling(),
                request.callBudget(),
                null,
                null,
                request.clearance());
        Opening o = beginOpening(m, "mandate.opened", actor);
        Node n;
        synchronized (lock) {
            opening.remove(m.id());
            // putIfAbsent: the change feed may have brought this very row in already (replicas)
            n = nodes.computeIfAbsent(m.id(), id -> new Node(m, null));
        }
        admit(n, o, actor);
        return m;
    }

    /**
     * Writes a new mandate with its audit event, announced as being opened so that an agent revocation meanwhile
     * marks it ({@link #endAgent}). The caller takes it out of {@link #opening} when it puts it in memory.
     */
    private Opening beginOpening(Mandate m, String type, String actor) {
        Opening o = new Opening(m.agent());
        synchronized (lock) {
            opening.put(m.id(), o);
        }
        try {
            persistAndAudit(m, type, actor);
        } catch (RuntimeException e) {
            synchronized (lock) {
                opening.remove(m.id());
            }
            throw e;
        }
        return o;
    }

    /**
     * Ends a mandate just opened whose agent was revoked (disabled) while it was written: that revocation looked at
     * memory before the mandate was there, and the store took the row because the agent was still active when it
     * read it (on PostgreSQL the agent's row stays share-locked until the mandate's row is committed, so the disable
     * came after). Audited as any revocation, then refused to the caller.
     */
    private void admit(Node n, Opening o, String actor) {
        String reason = o.agentRevoked;
        if (reason == null) {
            return;
        }
        Ended ended;
        synchronized (lock) {
            ended = endSubtreesRecorded(List.of(n), MandateState.REVOKED, reason);
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (Node e : ended.nodes()) {
            // Not if the revocation's own sweep of the store ended (and recorded) the row first.
            if (ended.auditedHere(e, true)) {
                entries.add(endEntry(e, MandateState.REVOKED, reason, actor, "agent " + o.agent + " revoked"));
            }
        }
        recordAll(entries);
        notifyEnded(ended.nodes(), reason);
        throw new MandateRefused(
                MandateRefused.Rule.AGENT,
                "agent " + o.agent + " was revoked (" + reason + ") while mandate " + n.grant.id()
                        + " was being opened; the mandate is revoked");
    }

    /**
     * Delegates part of a live mandate to a sub-agent (see {@link Attenuation} for the rules).
     *
     * @param parentId the parent mandate
     * @param request what the sub-agent asks for
     * @param actor who asks, for the audit log
     * @return the child mandate
     * @throws MandateException with {@code NOT_FOUND} for an unknown parent
     * @throws MandateRefused if the parent is not live or the request would widen it
     */
    public Mandate delegate(String parentId, DelegationRequest request, String actor) {
        Node parent = known(parentId);
        if (parent == null) {
            throw notFound(parentId);
        }
        requireLive(parentId);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Mandate child = Attenuation.derive(parent.snapshot(), request, now, limits.maxDepth(), newId());
        Opening o = beginOpening(child, "mandate.delegated", actor);
        Node n;
        synchronized (lock) {
            opening.remove(child.id());
            // The parent may have ended between the check and now; a child attached after that would escape its
            // cascade, so it ends here instead.
            LiveCheck again = checkLive(parentId);
            n = nodes.get(child.id()); // the change feed may have brought this very row in already (replicas)
            if (n == null) {
                n = new Node(child, parent);
                nodes.put(child.id(), n);
                parent.children.add(n);
            }
            if (!again.isLive()) {
                endSubtrees(List.of(n), MandateState.REVOKED, "parent " + parentId + " ended before delegation");
                throw new MandateRefused(
                        MandateRefused.Rule.PARENT_NOT_LIVE, "parent mandate " + parentId + " is " + describe(again));
            }
        }
        admit(n, o, actor);
        return child;
    }

    /**
     * Renews (heartbeats) a live mandate: it now expires one ttl from now, capped by its max lifetime and by its
     * parent's expiry.
     *
     * @param id the mandate
     * @param actor who renews, for the audit log
     * @return the mandate with its new expiry
     * @throws MandateException with {@code NOT_FOUND} for an unknown mandate, {@code CONFLICT} if it is not live or
     *     has reached its max lifetime, {@code UNAVAILABLE} if the renewal could not be stored or audited
     */
    public Mandate renew(String id, String actor) {
        return renew(id, actor, Map.of());
    }

    /**
     * Renews as {@link #renew(String, String)}, recording more in the audit event: what else the renewal changed, such
     * as the client certificate a certificate-bound token is re-bound to.
     *
     * @param id the mandate
     * @param actor who renews, for the audit log
     * @param auditDetails details added to the {@code mandate.renewed} event (never secrets: digests only)
     * @return the mandate with its new expiry
     * @throws MandateException as {@link #renew(String, String)}
     */
    public Mandate renew(String id, String actor, Map<String, String> auditDetails) {
        Map<String, String> details = Map.copyOf(auditDetails);
        known(id); // outside the lock: a replica may look it up in the store
        synchronized (lock) {
            Node n = nodes.get(id);
            if (n == null) {
                throw notFound(id);
            }
            LiveCheck live = checkLive(id);
            if (!live.isLive()) {
                throw new MandateException(ErrorCode.CONFLICT, "mandate " + id + " is " + describe(live));
            }
            long cap = n.maxExpiresMillis;
            if (n.parent != null) {
                cap = Math.min(cap, n.parent.expiresMillis);
            }
            if (n.expiresMillis >= cap) {
                throw new MandateException(
                        ErrorCode.CONFLICT,
                        "mandate " + id + " cannot be renewed past " + Instant.ofEpochMilli(n.expiresMillis)
                                + ": it reached its max lifetime " + n.grant.maxExpires()
                                + (n.parent == null ? "" : " or its parent's expiry"));
            }
            long target = Math.min(clock.millis() + n.grant.ttl().toMillis(), cap);
            if (target > n.expiresMillis) {
                Instant expires = Instant.ofEpochMilli(target);
                store.renew(id, expires);
                n.expiresMillis = target;
            }
            Map<String, String> recorded = new java.util.TreeMap<>(details);
            recorded.put("expires", Instant.ofEpochMilli(n.expiresMillis).toString());
            audit.record(new AuditEntry("mandate.renewed", actor, id, null, recorded));
            return n.snapshot();
        }
    }

    /**
     * Closes a mandate because its task ended; its live descendants close with it.
     *
     * @param id the mandate
     * @param actor who closes it, for the audit log
     * @return the ids that ended, the mandate first
     * @throws MandateException with {@code NOT_FOUND} for an unknown mandate, {@code CONFLICT} if it already ended,
     *     {@code UNAVAILABLE} if the change could not be stored or audited
     */
    public List<String> close(String id, String actor) {
        return endOne(id, MandateState.CLOSED, "closed", actor, Map.of());
    }

    /**
     * Closes a mandate as {@link #close(String, String)} does, recording more details in its own {@code
     * mandate.closed} event (for example, which certificate its holder presented).
     *
     * @param id the mandate
     * @param actor who closes it, for the audit log
     * @param auditDetails added to the mandate's own event
     * @return the ids that ended, the mandate first
     * @throws MandateException with {@code NOT_FOUND} for an unknown mandate, {@code CONFLICT} if it already ended,
     *     {@code UNAVAILABLE} if the change could not be stored or audited
     */
    public List<String> close(String id, String actor, Map<String, String> auditDetails) {
        return endOne(id, MandateState.CLOSED, "closed", actor, auditDetails);
    }

    /**
     * Revokes a mandate and its whole delegation subtree. Takes effect in memory before this returns.
     *
     * @param id the mandate
     * @param reason why, for the audit log and the listeners
     * @param actor who revokes it
     * @return the ids that ended, the mandate first
     * @throws MandateException with {@code NOT_FOUND} for an unknown mandate, {@code CONFLICT} if it already ended,
     *     {@code UNAVAILABLE} if the revocation could not be stored or audited (it is in force in memory regardless)
     */
    public List<String> revoke(String id, String reason, String actor) {
        return endOne(id, MandateState.REVOKED, reason, actor, Map.of());
    }

    /**
     * Revokes every active mandate an agent holds, and their subtrees: the kill switch.
     *
     * @param agent the agent
     * @param reason why
     * @param actor who pulls the switch
     * @return the ids that ended
     * @throws MandateException with {@code UNAVAILABLE} if the revocation could not be stored or audited (it is in
     *     force in memory regardless)
     */
    public List<String> revokeAgent(SpiffeId agent, String reason, String actor) {
        return revokeAgent(agent, reason, actor, true);
    }

    /**
     * Revokes the mandates an agent still holds once it has been disabled (the disable itself is already recorded):
     * {@code agent.revoked} is recorded only if some mandate ended, so a kill switch that revoked everything just
     * before disabling the agent leaves one {@code agent.revoked}, not a second one saying nothing ended.
     *
     * @param agent the disabled agent
     * @param reason why
     * @param actor who disabled it
     * @return the ids that ended (often none)
     * @throws MandateException with {@code UNAVAILABLE} if the revocation could not be stored or audited (it is in
     *     force in memory regardless)
     */
    public List<String> revokeDisabledAgent(SpiffeId agent, String reason, String actor) {
        return revokeAgent(agent, reason, actor, false);
    }

    private List<String> revokeAgent(SpiffeId agent, String reason, String actor, boolean recordIfNothingEnded) {
        Ended ended = endAgent(agent, reason);
        boolean replicated = replica != null;
        // Rows of the agent still active in the store that memory did not hold: on a shared store, mandates other
        // replicas opened just before the disable (the store refuses them after it) and this one has not learned of
        // yet; here, one being opened right now. They end in the store now, recorded here, and the feed brings them
        // ended to every replica, even if the agent is enabled again before it polls.
        List<String> elsewhere = List.of();
        MandateException failure = null;
        try {
            elsewhere = List.copyOf(store.endActiveOfAgent(agent, MandateState.REVOKED, clock.instant(), reason));
        } catch (MandateException e) {
            failure = e;
        }
        int count = ended.nodes().size() + elsewhere.size();
        List<AuditEntry> entries = new ArrayList<>();
        if (recordIfNothingEnded || count > 0) {
            entries.add(new AuditEntry(
                    "agent.revoked", actor, agent.toString(), reason, Map.of("mandates", Integer.toString(count))));
        }
        for (Node n : ended.nodes()) {
            // A replica that learned of the disable first may have revoked (and audited) it already.
            if (ended.auditedHere(n, replicated)) {
                entries.add(endEntry(n, MandateState.REVOKED, reason, actor, "agent " + agent + " revoked"));
            }
        }
        for (String id : elsewhere) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("agent", agent.toString());
            details.put("cascade", "agent " + agent + " revoked");
            entries.add(new AuditEntry("mandate.revoked", actor, id, fit(reason), details));
        }
        recordAll(entries);
        notifyEnded(ended.nodes(), reason);
        if (failure != null) {
            throw new MandateException(
                    ErrorCode.UNAVAILABLE,
                    "agent " + agent + "'s mandates here are revoked, but those other replicas may hold could not be"
                            + " ended in the store; retry: " + failure.getMessage(),
                    failure);
        }
        List<String> ids = new ArrayList<>(count);
        ended.nodes().forEach(n -> ids.add(n.grant.id()));
        ids.addAll(elsewhere);
        return ids;
    }

    /**
     * Revokes, on this replica, the mandates still active here of an agent that another replica disabled. The agent's
     * revocation is that replica's to record; of the mandates, this one audits those whose end it wrote to the store
     * (still active there: opened here, or not known yet there), so a mandate's revocation is recorded once however many
     * replicas learn of the disable.
     *
     * @param agent the agent disabled elsewhere
     * @param reason why, for the audit log and the listeners
     * @return the ids that ended here
     * @throws MandateException with {@code UNAVAILABLE} if the change could not be stored or audited (in force in
     *     memory regardless)
     */
    List<String> revokeAgentDisabledElsewhere(SpiffeId agent, String reason) {
        Ended ended = endAgent(agent, reason);
        List<AuditEntry> entries = new ArrayList<>();
        for (Node n : ended.nodes()) {
            if (ended.auditedHere(n, true)) {
                entries.add(endEntry(n, MandateState.REVOKED, reason, "system", "agent " + agent + " disabled"));
            }
        }
        recordAll(entries);
        notifyEnded(ended.nodes(), reason);
        return ended.nodes().stream().map(n -> n.grant.id()).toList();
    }

    private Ended endAgent(SpiffeId agent, String reason) {
        List<Node> roots = new ArrayList<>();
        synchronized (lock) {
            // Mandates of the agent being written now are not in memory yet: their opening ends them (admit).
            for (Opening o : opening.values()) {
                if (o.agent.equals(agent)) {
                    o.agentRevoked = reason;
                }
            }
            for (Node n : nodes.values()) {
                if (n.state == MandateState.ACTIVE && n.grant.agent().equals(agent)) {
                    roots.add(n);
                }
            }
            return endSubtreesRecorded(roots, MandateState.REVOKED, reason);
        }
    }

    /**
     * Marks every active mandate whose time ran out as expired, with its live descendants. The node calls this
     * periodically; checks already treat such mandates as not live in between.
     *
     * @return how many mandates ended
     * @throws MandateException with {@code UNAVAILABLE} if the change could not be stored or audited
     */
    public int expireDue() {
        long now = clock.millis();
        Replica r = replica;
        // A mandate another replica opened is expired here only once a renewal there would have reached this replica:
        // checks treat it as expired at its expiry anyway, and its own replica records the expiry.
        long remoteGrace = r == null ? 0 : r.boundMillis();
        List<Node> ended;
        synchronized (lock) {
            List<Node> due = new ArrayList<>();
            for (Node n : nodes.values()) {
                if (n.state == MandateState.ACTIVE
                        && n.expiresMillis <= now
                        && (!n.remote || n.expiresMillis <= now - remoteGrace)) {
                    due.add(n);
                }
            }
            if (due.isEmpty()) {
                return 0;
            }
            ended = endSubtrees(due, MandateState.EXPIRED, "expired");
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (Node n : ended) {
            entries.add(endEntry(n, MandateState.EXPIRED, "expired", "system", null));
        }
        recordAll(entries);
        notifyEnded(ended, "expired");
        return ended.size();
    }

    /**
     * Returns how many mandates are in memory, ended ones included.
     *
     * @return the count
     */
    public int size() {
        return nodes.size();
    }

    private List<String> endOne(
            String id, MandateState state, String reason, String actor, Map<String, String> auditDetails) {
        known(id); // outside the lock: a replica may look it up in the store
        List<Node> ended;
        synchronized (lock) {
            Node n = nodes.get(id);
            if (n == null) {
                throw notFound(id);
            }
            if (n.state != MandateState.ACTIVE && !n.notDurable) {
                throw new MandateException(
                        ErrorCode.CONFLICT, "mandate " + id + " already ended: it is " + n.state.wireName());
            }
            ended = endSubtrees(List.of(n), state, reason);
        }
        List<AuditEntry> entries = new ArrayList<>();
        String type = state == MandateState.CLOSED ? "closed" : "revoked";
        for (Node n : ended) {
            boolean own = n.grant.id().equals(id);
            AuditEntry entry = endEntry(n, state, reason, actor, own ? null : "ancestor " + id + " " + type);
            if (own && !auditDetails.isEmpty()) {
                Map<String, String> details = new LinkedHashMap<>(entry.details());
                details.putAll(auditDetails);
                entry = new AuditEntry(entry.type(), entry.actor(), entry.subject(), entry.reason(), details);
            }
            entries.add(entry);
        }
        recordAll(entries);
        notifyEnded(ended, reason);
        return ended.stream().map(n -> n.grant.id()).toList();
    }

    /**
     * Ends the active mandates of the given subtrees: durable first, then in memory. Must hold the lock. If the
     * store fails, memory still ends them (fail closed: a revocation is never undone by an outage) and the failure is
     * thrown so the caller can retry.
     */
    private List<Node> endSubtrees(List<Node> roots, MandateState state, String reason) {
        return endSubtreesRecorded(roots, state, reason).nodes();
    }

    /**
     * Mandates ended in memory, and the ids among them whose end this node wrote to the store (those still active
     * there): on a replica, only these are audited here, so that replicas learning the same revocation record it once.
     */
    private record Ended(List<Node> nodes, Set<String> storedHere) {
        boolean auditedHere(Node n, boolean replicated) {
            return !replicated || storedHere.contains(n.grant.id());
        }
    }

    /** Ends the live mandates of the given subtrees. Must hold the lock. */
    private Ended endSubtreesRecorded(List<Node> roots, MandateState state, String reason) {
        Map<String, Node> ended = new LinkedHashMap<>();
        Deque<Node> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if ((n.state == MandateState.ACTIVE || n.notDurable) && !ended.containsKey(n.grant.id())) {
                ended.put(n.grant.id(), n);
            }
            todo.addAll(n.children);
        }
        if (ended.isEmpty()) {
            return new Ended(List.of(), Set.of());
        }
        Instant now = clock.instant();
        MandateException failure = null;
        Set<String> storedHere = Set.of();
        try {
            storedHere = store.endActive(ended.keySet(), state, now, reason);
        } catch (MandateException e) {
            failure = e;
        }
        for (Node n : ended.values()) {
            if (n.state == MandateState.ACTIVE) {
                n.ended = now;
                n.endReason = reason;
                n.state = state;
            }
            n.notDurable = failure != null;
        }
        if (failure != null) {
            throw new MandateException(
                    ErrorCode.UNAVAILABLE,
                    ended.size() + " mandate(s) are " + state.wireName()
                            + " in memory but the store could not record it; retry: " + failure.getMessage(),
                    failure);
        }
        return new Ended(new ArrayList<>(ended.values()), storedHere);
    }

    private void persistAndAudit(Mandate m, String type, String actor) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("agent", m.agent().toString());
        details.put("purpose", m.purpose());
        details.put("tier", m.tier().wireName());
        details.put("depth", Integer.toString(m.depth()));
        details.put("expires", m.expires().toString());
        details.put("max_expires", m.maxExpires().toString());
        details.put("tools", fit(String.join(" ", m.tools())));
        details.put("resources", fit(String.join(" ", m.resources())));
        if (m.parentId() != null) {
            details.put("parent", m.parentId());
        }
        if (m.onBehalfOf() != null) {
            details.put("on_behalf_of", fit(m.onBehalfOf()));
        }
        dev.mandate.core.flow.Sensitivity clearance = m.clearance();
        if (clearance != null) {
            details.put("clearance", clearance.wireName());
        }
        AuditEntry entry = new AuditEntry(type, actor, m.id(), null, details);
        if (store instanceof AuditedMandateStore joint) {
            // The row and its event in one transaction: both durable, or neither (nothing to compensate).
            try {
                joint.insertAudited(m, entry);
            } catch (MandateRefused e) {
                throw e; // the store refused this row by a rule (its agent is disabled), nothing was written
            } catch (MandateException e) {
                throw new MandateException(
                        ErrorCode.UNAVAILABLE,
                        "mandate not opened: the mandate and its audit event could not be stored: " + e.getMessage(),
                        e);
            }
            return;
        }
        store.insert(m);
        try {
            audit.record(entry);
        } catch (MandateException e) {
            try {
                store.end(List.of(m.id()), MandateState.REVOKED, clock.instant(), "audit unavailable");
            } catch (MandateException ignored) {
                // it was never in memory, so it is not live either way
            }
            throw new MandateException(
                    ErrorCode.UNAVAILABLE, "mandate not opened: the audit log is unavailable: " + e.getMessage(), e);
        }
    }

    private static AuditEntry endEntry(
            Node n, MandateState state, String reason, String actor, @Nullable String cascade) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("agent", n.grant.agent().toString());
        if (cascade != null) {
            details.put("cascade", cascade);
        }
        return new AuditEntry("mandate." + state.wireName(), actor, n.grant.id(), fit(reason), details);
    }

    private void recordAll(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try {
            if (audit instanceof BatchAuditSink batch) {
                batch.recordAll(entries);
            } else {
                for (AuditEntry e : entries) {
                    audit.record(e);
                }
            }
        } catch (MandateException e) {
            // The mandates have ended (durably); only their record is missing, and the caller must hear it.
            throw new MandateException(
                    ErrorCode.UNAVAILABLE,
                    "the change is in force but the audit log could not record it: " + e.getMessage(),
                    e);
        }
    }

    private void notifyEnded(List<Node> ended, String reason) {
        for (Node n : ended) {
            for (MandateEndListener l : listeners) {
                try {
                    l.mandateEnded(n.grant.id(), reason);
                } catch (RuntimeException e) {
                    listenerFailures.accept(n.grant.id(), e);
                }
            }
        }
    }

    /** Makes this registry one replica of several: checks consult {@code r}'s freshness and miss path. */
    void replicate(Replica r) {
        replica = Objects.requireNonNull(r, "replica");
    }

    /**
     * Brings memory in line with mandates as the shared store holds them after other replicas changed them. An unknown
     * mandate is added (its parent must be known or come in the same list); a later expiry (a renewal) is taken over;
     * stored flow labels are joined into the ones in memory, whatever the mandate's state (labels only grow; the
     * {@link FlowLabelsListener}s hear of every growth); a final state is taken over without writing or auditing it again (the replica that made the change did) and the
     * end listeners hear of it. An active mandate whose ancestor has ended here ends with it, written and audited
     * here: a child delegated on this replica that the revoking replica did not know yet, or one delegated elsewhere
     * just as its parent ended. Never revives an ended mandate. Must not be called holding the lock.
     *
     * @param stored mandates as stored, in any order
     * @return the ids skipped because their parent is not known here
     * @throws MandateException with {@code UNAVAILABLE} if a cascade could not be stored or audited (it is in force
     *     in memory regardless)
     */
    List<String> applyStored(List<Mandate> stored) {
        if (stored.isEmpty()) {
            return List.of();
        }
        List<Mandate> byDepth = new ArrayList<>(stored);
        byDepth.sort(Comparator.comparingInt(Mandate::depth));
        List<String> skipped = new ArrayList<>();
        List<Node> endedElsewhere = new ArrayList<>();
        List<Node> cascaded = new ArrayList<>();
        List<AuditEntry> entries = new ArrayList<>();
        Map<String, Set<String>> grew = new LinkedHashMap<>();
        MandateException failure = null;
        synchronized (lock) {
            List<Node> touched = new ArrayList<>();
            for (Mandate m : byDepth) {
                Node n = nodes.get(m.id());
                if (n != null) {
                    // Labels another replica stored count here too, even after the mandate ended (a late result).
                    Set<String> merged = n.mergeFlowLabels(m.flowLabels());
                    if (merged != null) {
                        grew.put(m.id(), merged);
                    }
                }
                if (n == null) {
                    String pid = m.parentId();
                    Node parent = pid == null ? null : nodes.get(pid);
                    if (pid != null && parent == null) {
                        skipped.add(m.id());
                        continue;
                    }
                    n = new Node(m, parent);
                    n.remote = true;
                    nodes.put(m.id(), n);
                    if (parent != null) {
                        parent.children.add(n);
                    }
                } else if (n.state == MandateState.ACTIVE) {
                    if (m.state() == MandateState.ACTIVE) {
                        n.expiresMillis = Math.max(n.expiresMillis, m.expires().toEpochMilli());
                    } else {
                        n.ended = m.ended();
                        n.endReason = m.endReason();
                        n.state = m.state();
                        endedElsewhere.add(n);
                    }
                }
                touched.add(n);
            }
            for (Node n : touched) {
                Node from = n.state == MandateState.ACTIVE ? endedAncestor(n) : n;
                if (from == null) {
                    continue;
                }
                List<Node> roots = from == n ? List.copyOf(n.children) : List.of(n);
                List<Node> due = activeIn(roots);
                if (due.isEmpty()) {
                    continue;
                }
                String why = "ancestor " + from.grant.id() + " " + from.state.wireName();
                Ended ended = null;
                try {
                    ended = endSubtreesRecorded(roots, from.state, why);
                } catch (MandateException e) {
                    failure = failure == null ? e : failure; // ended in memory regardless
                }
                for (Node d : due) {
                    cascaded.add(d);
                    // Another replica may have cascaded (and audited) it first: audit only what this one stored.
                    if (ended == null || ended.auditedHere(d, true)) {
                        entries.add(endEntry(d, from.state, why, "system", why + " on another replica"));
                    }
                }
            }
        }
        for (Node n : endedElsewhere) {
            String reason = n.endReason;
            notifyEnded(List.of(n), reason == null ? n.state.wireName() : reason);
        }
        for (Node n : cascaded) {
            String reason = n.endReason;
            notifyEnded(List.of(n), reason == null ? n.state.wireName() : reason);
        }
        for (Map.Entry<String, Set<String>> e : grew.entrySet()) {
            for (FlowLabelsListener l : labelListeners) {
                try {
                    l.flowLabelsGrew(e.getKey(), e.getValue());
                } catch (RuntimeException ex) {
                    listenerFailures.accept(e.getKey(), ex);
                }
            }
        }
        recordAll(entries);
        if (failure != null) {
            throw failure;
        }
        return skipped;
    }

    /**
     * Tells whether an agent holds an active mandate in memory.
     *
     * @param agent the agent
     * @return true if at least one of its mandates is active
     */
    boolean holdsActive(SpiffeId agent) {
        for (Node n : nodes.values()) {
            if (n.state == MandateState.ACTIVE && n.grant.agent().equals(agent)) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable Node endedAncestor(Node n) {
        for (Node p = n.parent; p != null; p = p.parent) {
            if (p.state != MandateState.ACTIVE) {
                return p;
            }
        }
        return null;
    }

    /** The active mandates of the given subtrees. Must hold the lock. */
    private static List<Node> activeIn(List<Node> roots) {
        List<Node> out = new ArrayList<>();
        Deque<Node> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n.state == MandateState.ACTIVE) {
                out.add(n);
            }
            todo.addAll(n.children);
        }
        return out;
    }

    /** The node of a mandate, looked up in the shared store once if this is a replica that has not seen it yet. */
    private @Nullable Node known(String id) {
        Node n = nodes.get(id);
        Replica r = replica;
        if (n == null && r != null && r.confirmed(clock.millis())) {
            r.fetch(id);
            n = nodes.get(id);
        }
        return n;
    }

    private void requireLive(String id) {
        LiveCheck live = checkLive(id);
        if (!live.isLive()) {
            throw new MandateRefused(
                    MandateRefused.Rule.PARENT_NOT_LIVE, "parent mandate " + id + " is " + describe(live));
        }
    }

    static String describe(LiveCheck check) {
        return switch (check) {
            case LIVE -> "live";
            case UNKNOWN -> "unknown";
            case EXPIRED -> "expired";
            case CLOSED -> "closed";
            case REVOKED -> "revoked";
            case ANCESTOR_ENDED -> "no longer live: an ancestor ended";
            case STALE -> "not confirmed: this replica has lost the shared store for longer than its staleness bound";
        };
    }

    private static String fit(String s) {
        return s.length() <= AuditEntry.MAX_FIELD_LENGTH ? s : dev.mandate.core.audit.AuditDigest.of(s);
    }

    private static MandateException notFound(String id) {
        return new MandateException(ErrorCode.NOT_FOUND, "no mandate with id '" + Scope.abbreviate(id) + "'");
    }

    private static String newId() {
        return "mdt_" + dev.mandate.core.keys.RandomIds.next128();
    }
}
