package dev.mandate.core.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.mandate.MandateEndListener;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Issues, renews, expires and revokes leases, in the order that keeps a crash from leaving a credential alive: a lease
 * is durable before its backend creates the credential, and it leaves the live states only after the backend confirms
 * the credential is gone. Expiry runs on the injected clock through {@link #runDue()}, which a scheduler calls in
 * production and tests call directly; a failed revocation stays {@code revoking} and is retried with exponential
 * backoff. {@link #restore()} at start-up revokes what expired while Mandate was down and re-arms the rest.
 *
 * <p>Every event is recorded through the {@link AuditSink} with the lease id and mandate, never the secret. Secrets
 * are held in memory only, for {@link #use}; after a restart a live lease's secret is gone and a new lease is needed.
 *
 * <p>State changes hold one lock, which keeps the state machine, the timer queue and the store in step. Issuing calls
 * its backend outside that lock, so a slow backend delays only its own issue, not other leases; the lease is durable
 * and live before the backend is called, and a revocation that races with the issue is repeated once the credential
 * exists. Revocation still calls backends under the lock. Thread-safe.
 */
public final class LeaseManager implements MandateEndListener {
    /** The actor recorded for what the manager does on its own (expiry, retries, cascades). */
    public static final String SYSTEM = "system";

    private final LeaseStore store;
    private final Map<String, CredentialBackend> backends;
    private final AuditSink audit;
    private final InstantSource clock;
    private final RevocationBackoff backoff;
    private final SecureRandom random = new SecureRandom();

    private final Map<String, Lease> live = new LinkedHashMap<>();
    private final Map<String, IssuedCredential> secrets = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Instant> retryAt = new HashMap<>();
    private final Map<String, Instant> revokingSince = new HashMap<>();
    private long revocations;
    private Duration revocationTime = Duration.ZERO;
    private final PriorityQueue<Due> queue = new PriorityQueue<>(Comparator.comparing(Due::at));

    private record Due(Instant at, String leaseId) {}

    /**
     * Creates a manager. Call {@link #restore()} once before serving.
     *
     * @param store where leases are durable
     * @param backends the configured backends, with distinct names
     * @param audit where lease events are recorded
     * @param clock the time source for issue, expiry and retries
     * @param backoff how revocation retries are spaced
     * @throws MandateException with {@code BAD_CONFIG} if two backends share a name
     */
    public LeaseManager(
            LeaseStore store,
            List<? extends CredentialBackend> backends,
            AuditSink audit,
            InstantSource clock,
            RevocationBackoff backoff) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.backoff = backoff;
        Map<String, CredentialBackend> byName = new TreeMap<>();
        for (CredentialBackend b : backends) {
            if (byName.putIfAbsent(b.name(), b) != null) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "two credential backends are named '" + b.name() + "'; names must differ");
            }
        }
        this.backends = byName;
    }

    /**
     * Checks that a backend is configured and can grant a scope, so that configuration naming them (an upstream's
     * credential) is refused at start-up rather than on the first call. Takes no lock: the backends never change.
     *
     * @param backendName the backend's name
     * @param scope the scope
     * @throws MandateException with {@code BAD_REQUEST} naming the unknown backend (and the configured ones) or the
     *     scope the backend does not know
     */
    public void checkScope(String backendName, String scope) {
        CredentialBackend backend = backends.get(backendName);
        if (backend == null) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "unknown credential backend '" + backendName + "': configured are " + backends.keySet());
        }
        backend.validateScope(scope);
    }

    /**
     * Loads every live lease from the store: leases that expired while Mandate was down are revoked at their backend
     * now, revocations still pending are retried now, and active leases get their expiry timers back.
     *
     * @return how many leases were restored as still active
     * @throws MandateException with {@code BAD_CONFIG} if a live lease names a backend that is not configured (it could
     *     never be revoked), {@code UNAVAILABLE} if the store is down
     */
    public synchronized int restore() {
        List<Lease> stored = store.live();
        for (Lease lease : stored) {
            if (!backends.containsKey(lease.backend())) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "lease " + lease.id() + " is " + lease.state().wireName() + " at backend '" + lease.backend()
                                + "', which is not configured; configure credentials.backends." + lease.backend()
                                + " again so its credential can be revoked");
            }
        }
        Instant now = clock.instant();
        int active = 0;
        for (Lease lease : stored) {
            live.put(lease.id(), lease);
            switch (lease.state()) {
                case ACTIVE -> {
                    if (lease.expires().isAfter(now)) {
                        backend(lease.backend()).adopt(lease);
                        queue.add(new Due(lease.expires(), lease.id()));
                        active++;
                    } else {
                        end(lease, SYSTEM, Lease.EXPIRED_REASON);
                    }
                }
                case REVOKING -> {
                    revokingSince.put(lease.id(), now);
                    attemptRevoke(lease, SYSTEM);
                }
                case REVOKED, EXPIRED -> live.remove(lease.id());
            }
        }
        return active;
    }

    /**
     * Issues a lease: records it durably, has the backend create the credential, audits {@code lease.issued} and arms
     * its expiry. If the backend or the audit fails, the credential is revoked and nothing half-created stays live.
     *
     * @param mandateId the mandate the lease serves
     * @param agent the agent's SPIFFE ID
     * @param backendName which backend issues it
     * @param scope what to grant, in the backend's scope language
     * @param terms TTL, max TTL and whether it renews
     * @param mandateExpires when the mandate expires; the lease never outlives it
     * @return the lease and its credential
     * @throws MandateException with {@code BAD_REQUEST} for an unknown backend or scope, {@code CONFLICT} if the mandate
     *     has already expired or the backend refuses (e.g. a shared account is checked out), {@code UNAVAILABLE} if
     *     the store, the backend or the audit log is down
     */
    public IssuedLease issue(
            String mandateId,
            String agent,
            String backendName,
            String scope,
            LeaseTerms terms,
            Instant mandateExpires) {
        CredentialBackend backend = backends.get(backendName);
        if (backend == null) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "unknown credential backend '" + backendName + "': configured are " + backends.keySet());
        }
        backend.validateScope(scope);
        Lease lease = record(mandateId, agent, backendName, scope, terms, mandateExpires);
        // The backend works outside the manager's lock: a slow or hanging backend must not stop other mandates'
        // leases (or revocations) from being issued, used and revoked. The lease is durable and live already, so a
        // revocation that runs meanwhile finds it; complete() notices and revokes what the backend created.
        IssuedCredential credential;
        try {
            credential = backend.issue(new LeaseRequest(lease.id(), mandateId, agent, scope, lease.expires()));
        } catch (RuntimeException e) {
            synchronized (this) {
                revokeAfterIssue(lease, "issue failed");
            }
            if (e instanceof MandateException me) {
                throw me;
            }
            throw new MandateException(
                    ErrorCode.UNAVAILABLE,
                    "backend " + backendName + " could not issue a credential for lease " + lease.id(),
                    e);
        }
        return complete(lease, credential);
    }

    /** The first step of an issue, under the lock: the lease becomes durable and live before any credential exists. */
    private synchronized Lease record(
            String mandateId,
            String agent,
            String backendName,
            String scope,
            LeaseTerms terms,
            Instant mandateExpires) {
        Instant now = now();
        if (!mandateExpires.isAfter(now)) {
            throw new MandateException(
                    ErrorCode.CONFLICT,
                    "mandate " + mandateId + " expired at " + mandateExpires + "; no lease can be issued for it");
        }
        Instant expires = min(now.plus(terms.ttl()), mandateExpires.truncatedTo(ChronoUnit.MILLIS));
        Lease lease = new Lease(
                newId(),
                mandateId,
                agent,
                backendName,
                scope,
                now,
                terms.ttl(),
                terms.maxTtl(),
                expires,
                terms.renewable(),
                LeaseState.ACTIVE,
                null);
        store.insert(lease);
        live.put(lease.id(), lease);
        return lease;
    }

    /** The last step of an issue, under the lock: audit, hold the secret, arm the expiry — unless it was revoked. */
    private synchronized IssuedLease complete(Lease lease, IssuedCredential credential) {
        Lease current = live.get(lease.id());
        if (current == null || current.state() != LeaseState.ACTIVE) {
            // Revoked while the backend was creating it (its mandate ended): that revocation may have run before the
            // credential existed, so revoke again now that it does.
            revokeAfterIssue(lease, current == null ? "revoked while issuing" : current.endReason());
            throw new MandateException(
                    ErrorCode.CONFLICT,
                    "lease " + lease.id() + " was revoked while backend " + lease.backend()
                            + " was issuing it (its mandate " + lease.mandateId() + " ended?)");
        }
        try {
            audit.record(entry("lease.issued", lease.mandateId(), lease, null, Map.of("scope", lease.scope())));
        } catch (RuntimeException e) {
            abandon(lease, "audit failed");
            throw e;
        }
        secrets.put(lease.id(), credential);
        queue.add(new Due(lease.expires(), lease.id()));
        return new IssuedLease(lease, credential);
    }

    /**
     * Revokes a lease whose issue failed or raced with a revocation. A lease still active is abandoned as usual; one
     * that a concurrent revocation already ended is revoked once more, since the backend may have created the
     * credential after that revocation ran.
     */
    private void revokeAfterIssue(Lease lease, @Nullable String reason) {
        String why = reason == null ? "issue failed" : reason;
        Lease current = live.get(lease.id());
        if (current != null && current.state() == LeaseState.ACTIVE) {
            abandon(current, why);
            return;
        }
        if (current != null && current.state() == LeaseState.REVOKING) {
            attemptRevoke(current, SYSTEM);
            return;
        }
        Lease revoking = lease.withState(LeaseState.REVOKING, why);
        live.put(lease.id(), revoking);
        revokingSince.putIfAbsent(lease.id(), clock.instant());
        try {
            store.update(revoking);
        } catch (RuntimeException e) {
            // Revoke at the backend anyway; the outcome is recorded by attemptRevoke or its retry.
        }
        attemptRevoke(revoking, SYSTEM);
    }

    /**
     * Extends an active lease by its TTL from now, never past its max TTL nor its mandate's expiry.
     *
     * @param leaseId the lease
     * @param actor who renews, for the audit log
     * @param mandateExpires when the lease's mandate expires now
     * @return the renewed lease
     * @throws MandateException with {@code NOT_FOUND} for an unknown lease, {@code CONFLICT} if the lease is not active,
     *     not renewable, already at its max TTL or its mandate's expiry, or its backend cannot extend,
     *     {@code UNAVAILABLE} if the backend, store or audit log is down
     */
    public synchronized Lease renew(String leaseId, String actor, Instant mandateExpires) {
        Lease lease = activeLease(leaseId);
        if (!lease.renewable()) {
            throw new MandateException(ErrorCode.CONFLICT, "lease " + leaseId + " is not renewable");
        }
        Instant now = now();
        Instant newExpires =
                min(min(now.plus(lease.ttl()), lease.maxExpires()), mandateExpires.truncatedTo(ChronoUnit.MILLIS));
        if (!newExpires.isAfter(lease.expires())) {
            throw new MandateException(
                    ErrorCode.CONFLICT,
                    "lease " + leaseId + " cannot be renewed past " + lease.expires() + ": its max TTL "
                            + lease.maxTtl() + " ends at " + lease.maxExpires() + " and its mandate expires at "
                            + mandateExpires);
        }
        backend(lease.backend()).extend(lease, newExpires);
        Lease renewed = lease.withExpires(newExpires);
        store.update(renewed);
        live.put(leaseId, renewed);
        queue.add(new Due(newExpires, leaseId));
        audit.record(entry(
                "lease.renewed",
                actor,
                renewed,
                null,
                Map.of("previous-expires", lease.expires().toString())));
        return renewed;
    }

    /**
     * Returns the credential of an active lease for one use (an injection into an upstream call), auditing
     * {@code lease.used}.
     *
     * @param leaseId the lease
     * @param actor who uses it, for the audit log
     * @return the credential
     * @throws MandateException with {@code NOT_FOUND} for an unknown lease, {@code CONFLICT} if the lease is not active
     *     or its secret is not held by this process (it was issued before a restart), {@code UNAVAILABLE} if the audit
     *     log is down
     */
    public synchronized IssuedCredential use(String leaseId, String actor) {
        Lease lease = activeLease(leaseId);
        IssuedCredential credential = secrets.get(leaseId);
        if (credential == null) {
            throw new MandateException(
                    ErrorCode.CONFLICT,
                    "the secret of lease " + leaseId + " is not held by this process (issued before a restart);"
                            + " issue a new lease");
        }
        audit.record(entry("lease.used", actor, lease, null, Map.of()));
        return credential;
    }

    /**
     * Revokes one lease at its backend. Revoking a lease that already ended returns it unchanged. If the backend
     * fails, the lease stays {@code revoking} and is retried by {@link #runDue()}.
     *
     * @param leaseId the lease
     * @param actor who revokes, for the audit log
     * @param reason why, for the audit log
     * @return the lease as it is now: {@code revoked}, or {@code revoking} if the backend failed
     * @throws MandateException with {@code NOT_FOUND} for an unknown lease, {@code UNAVAILABLE} if the store is down
     */
    public synchronized Lease revoke(String leaseId, String actor, String reason) {
        Lease lease = live.get(leaseId);
        if (lease == null) {
            return store.find(leaseId).orElseThrow(() -> notFound(leaseId));
        }
        return lease.state() == LeaseState.REVOKING ? lease : end(lease, actor, reason);
    }

    /**
     * Revokes every live lease of a mandate.
     *
     * @param mandateId the mandate
     * @param actor who revokes, for the audit log
     * @param reason why, for the audit log
     * @return the leases as they are now
     * @throws MandateException with {@code UNAVAILABLE} if the store is down
     */
    public synchronized List<Lease> revokeMandate(String mandateId, String actor, String reason) {
        return endAll(l -> l.mandateId().equals(mandateId), actor, reason);
    }

    /**
     * Revokes every live lease held by an agent, across all its mandates.
     *
     * @param agent the agent's SPIFFE ID
     * @param actor who revokes, for the audit log
     * @param reason why, for the audit log
     * @return the leases as they are now
     * @throws MandateException with {@code UNAVAILABLE} if the store is down
     */
    public synchronized List<Lease> revokeAgent(String agent, String actor, String reason) {
        return endAll(l -> l.agent().equals(agent), actor, reason);
    }

    /**
     * Revokes every lease of the mandate that ended. Never throws: the mandate's end must not fail because of its
     * leases, and a lease whose revocation failed stays {@code revoking} and is retried by {@link #runDue()}.
     */
    @Override
    public void mandateEnded(String mandateId, String reason) {
        try {
            revokeMandate(mandateId, SYSTEM, "mandate " + reason);
        } catch (RuntimeException e) {
            // Already scheduled for retry in endAll; nothing else to do here.
        }
    }

    /**
     * Expires every lease whose time has come and retries every revocation that is due, at the clock's current time.
     * A failure of one lease never stops the others; it is retried with backoff.
     *
     * @return how many due entries were handled
     */
    public synchronized int runDue() {
        Instant now = clock.instant();
        int handled = 0;
        while (!queue.isEmpty() && !queue.peek().at().isAfter(now)) {
            Due due = queue.poll();
            Lease lease = live.get(due.leaseId());
            if (lease == null) {
                continue;
            }
            try {
                switch (lease.state()) {
                    case ACTIVE -> {
                        if (!lease.expires().isAfter(now)) {
                            end(lease, SYSTEM, Lease.EXPIRED_REASON);
                            handled++;
                        }
                    }
                    case REVOKING -> {
                        if (due.at().equals(retryAt.get(lease.id()))) {
                            attemptRevoke(lease, SYSTEM);
                            handled++;
                        }
                    }
                    case REVOKED, EXPIRED -> live.remove(lease.id());
                }
            } catch (RuntimeException e) {
                // The store or audit log failed mid-way; the credential may still exist, so try again later.
                scheduleRetry(live.getOrDefault(lease.id(), lease));
            }
        }
        return handled;
    }

    /**
     * Returns when {@link #runDue()} next has work, for a scheduler.
     *
     * @return the earliest due instant, or empty if nothing is armed
     */
    public synchronized Optional<Instant> nextDue() {
        while (!queue.isEmpty() && !isCurrent(queue.peek())) {
            queue.poll();
        }
        Due due = queue.peek();
        return due == null ? Optional.empty() : Optional.of(due.at());
    }

    /** Entries are never removed when a lease is renewed or ends; they are skipped once they no longer match. */
    private boolean isCurrent(Due due) {
        Lease lease = live.get(due.leaseId());
        if (lease == null) {
            return false;
        }
        return switch (lease.state()) {
            case ACTIVE -> due.at().equals(lease.expires());
            case REVOKING -> due.at().equals(retryAt.get(lease.id()));
            case REVOKED, EXPIRED -> false;
        };
    }

    /**
     * Finds a lease.
     *
     * @param leaseId the lease id
     * @return the lease, or empty
     * @throws MandateException with {@code UNAVAILABLE} if the store is down
     */
    public synchronized Optional<Lease> find(String leaseId) {
        Lease lease = live.get(leaseId);
        return lease != null ? Optional.of(lease) : store.find(leaseId);
    }

    /**
     * Lists leases, newest first.
     *
     * @param query the filters and limit
     * @return the matching leases
     * @throws MandateException with {@code UNAVAILABLE} if the store is down
     */
    public List<Lease> list(LeaseQuery query) {
        return store.list(query);
    }

    /**
     * Returns live lease counts per backend and revocation latency so far, for metrics.
     *
     * @return the snapshot
     */
    public synchronized LeaseStats stats() {
        Map<String, Integer> active = new TreeMap<>();
        Map<String, Integer> revoking = new TreeMap<>();
        for (String b : backends.keySet()) {
            active.put(b, 0);
            revoking.put(b, 0);
        }
        for (Lease l : live.values()) {
            switch (l.state()) {
                case ACTIVE -> active.merge(l.backend(), 1, Integer::sum);
                case REVOKING -> revoking.merge(l.backend(), 1, Integer::sum);
                case REVOKED, EXPIRED -> {}
            }
        }
        return new LeaseStats(active, revoking, revocations, revocationTime);
    }

    /**
     * Returns the names of the configured backends.
     *
     * @return the names, sorted
     */
    public List<String> backendNames() {
        return List.copyOf(backends.keySet());
    }

    private List<Lease> endAll(java.util.function.Predicate<Lease> which, String actor, String reason) {
        List<Lease> targets = new ArrayList<>();
        for (Lease l : live.values()) {
            if (which.test(l)) {
                targets.add(l);
            }
        }
        List<Lease> result = new ArrayList<>(targets.size());
        @Nullable RuntimeException first = null;
        for (Lease l : targets) {
            try {
                result.add(l.state() == LeaseState.REVOKING ? l : end(l, actor, reason));
            } catch (RuntimeException e) {
                // One lease's failure (its audit record, say) must not leave the others alive; it is retried.
                first = first == null ? e : first;
                Lease now = live.get(l.id());
                if (now != null && !retryAt.containsKey(l.id())) {
                    scheduleRetry(now);
                }
                result.add(now != null ? now : l);
            }
        }
        if (first != null) {
            throw first;
        }
        return result;
    }

    /**
     * Moves a live lease to {@code revoking}, drops its secret, and tries the backend. A store failure never stops the
     * revocation itself: killing the credential comes first, and the retry makes the state durable later.
     */
    private Lease end(Lease lease, String actor, String reason) {
        Lease revoking = lease.withState(LeaseState.REVOKING, reason);
        revokingSince.putIfAbsent(lease.id(), clock.instant());
        secrets.remove(lease.id());
        live.put(lease.id(), revoking);
        try {
            store.update(revoking);
        } catch (RuntimeException e) {
            // Still revoke at the backend now; the final write below, or its retry, records the outcome.
        }
        return attemptRevoke(revoking, actor);
    }

    private Lease attemptRevoke(Lease lease, String actor) {
        try {
            backend(lease.backend()).revoke(lease);
        } catch (RuntimeException e) {
            int failed = scheduleRetry(lease);
            recordQuietly(entry(
                    "lease.revoke-failed",
                    actor,
                    lease,
                    lease.endReason(),
                    Map.of(
                            "attempt", Integer.toString(failed),
                            "next-attempt", String.valueOf(retryAt.get(lease.id())),
                            "error", describe(e))));
            return lease;
        }
        LeaseState finalState =
                Lease.EXPIRED_REASON.equals(lease.endReason()) ? LeaseState.EXPIRED : LeaseState.REVOKED;
        Lease ended = lease.withState(finalState, lease.endReason());
        try {
            store.update(ended);
        } catch (RuntimeException e) {
            // The credential is gone but the store does not know yet: stay revoking and retry (revoke is idempotent).
            scheduleRetry(lease);
            return lease;
        }
        live.remove(lease.id());
        retryAt.remove(lease.id());
        Instant since = revokingSince.remove(lease.id());
        if (since != null) {
            revocations++;
            revocationTime = revocationTime.plus(Duration.between(since, clock.instant()));
        }
        int attempts = failures.getOrDefault(lease.id(), 0) + 1;
        failures.remove(lease.id());
        audit.record(entry(
                "lease.revoked",
                actor,
                ended,
                lease.endReason(),
                Map.of("state", finalState.wireName(), "attempts", Integer.toString(attempts))));
        return ended;
    }

    private int scheduleRetry(Lease lease) {
        int failed = failures.merge(lease.id(), 1, Integer::sum);
        Instant at = clock.instant().plus(backoff.delay(failed));
        retryAt.put(lease.id(), at);
        queue.add(new Due(at, lease.id()));
        return failed;
    }

    /** Cleans up after a failed issue: the credential may half exist, so revoke it like any other. */
    private void abandon(Lease lease, String reason) {
        secrets.remove(lease.id());
        try {
            end(lease, SYSTEM, reason);
        } catch (RuntimeException e) {
            // The lease stays live in memory and is retried; the original failure is what the caller sees.
            live.putIfAbsent(lease.id(), lease.withState(LeaseState.REVOKING, reason));
            if (!retryAt.containsKey(lease.id())) {
                scheduleRetry(lease);
            }
        }
    }

    private Lease activeLease(String leaseId) {
        Lease lease = live.get(leaseId);
        if (lease == null) {
            Lease stored = store.find(leaseId).orElseThrow(() -> notFound(leaseId));
            throw new MandateException(
                    ErrorCode.CONFLICT,
                    "lease " + leaseId + " is " + stored.state().wireName() + ", not active");
        }
        if (lease.state() != LeaseState.ACTIVE) {
            throw new MandateException(
                    ErrorCode.CONFLICT,
                    "lease " + leaseId + " is " + lease.state().wireName() + ", not active");
        }
        if (!lease.expires().isAfter(clock.instant())) {
            end(lease, SYSTEM, Lease.EXPIRED_REASON);
            throw new MandateException(ErrorCode.CONFLICT, "lease " + leaseId + " expired at " + lease.expires());
        }
        return lease;
    }

    private CredentialBackend backend(String name) {
        CredentialBackend b = backends.get(name);
        if (b == null) {
            throw new MandateException(ErrorCode.INTERNAL, "lease backend '" + name + "' vanished from the manager");
        }
        return b;
    }

    private void recordQuietly(AuditEntry e) {
        try {
            audit.record(e);
        } catch (RuntimeException ignored) {
            // The failure being recorded is retried anyway; losing this note must not stop the retry.
        }
    }

    private static AuditEntry entry(
            String type, String actor, Lease lease, @Nullable String reason, Map<String, String> extra) {
        Map<String, String> details = new HashMap<>(extra);
        details.put("mandate", lease.mandateId());
        details.put("agent", lease.agent());
        details.put("backend", lease.backend());
        details.put("expires", lease.expires().toString());
        return new AuditEntry(type, actor, lease.id(), reason, details);
    }

    /** Describes a failure without its message unless it is a Mandate message, which never carries secrets. */
    private static String describe(RuntimeException e) {
        return e instanceof MandateException me
                ? me.code().wireName() + ": " + me.getMessage()
                : e.getClass().getName();
    }

    private static MandateException notFound(String leaseId) {
        return new MandateException(ErrorCode.NOT_FOUND, "no lease '" + leaseId + "'");
    }

    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Lease times are kept to the millisecond, which every store holds exactly. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
