package dev.mandate.gateway.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.IssuedCredential;
import dev.mandate.core.credential.IssuedLease;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.core.credential.LeaseTerms;
import dev.mandate.core.mandate.MandateEndListener;
import dev.mandate.core.policy.MandateFacts;
import dev.mandate.core.policy.MandateLookup;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.CredentialBinding;
import dev.mandate.gateway.GatewayConfig;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.UpstreamConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the credential an upstream needs for a mandate: reuses the mandate's live lease for that upstream, renews it
 * when less than a third of its TTL is left, replaces it when it cannot be renewed, or issues one — never past the
 * mandate's own expiry — and records every injection through {@link LeaseManager#use} (audited {@code lease.used}
 * with the lease id and mandate, never the secret). When no credential can be had the call fails closed with a
 * JSON-RPC error naming the backend, and the upstream is never called without it.
 *
 * <p>The manager revokes a mandate's leases when the mandate ends; this class then only forgets what it held. Calls
 * for one mandate and upstream are serialised (one lease each, no duplicate issue); different mandates proceed in
 * parallel. Thread-safe.
 */
public final class LeaseInjector implements MandateEndListener {
    /** How long each lease grant lasts unless configured otherwise. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    /** How long a lease may live with renewals unless configured otherwise. */
    public static final Duration DEFAULT_MAX_TTL = Duration.ofHours(1);
    /** The most (mandate, upstream) leases held at once. */
    public static final int MAX_HELD = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(LeaseInjector.class);

    private final LeaseManager leases;
    private final MandateLookup mandates;
    private final InstantSource clock;
    private final LeaseTerms terms;
    private final ConcurrentHashMap<Key, Slot> held = new ConcurrentHashMap<>();

    private record Key(String mandateId, String upstream) {}

    /** What is held for one mandate and upstream; guarded by its own monitor. */
    private static final class Slot {
        private @Nullable String leaseId;
    }

    /**
     * Creates an injector with {@link #DEFAULT_TTL} and {@link #DEFAULT_MAX_TTL}, renewable.
     *
     * @param leases the lease manager
     * @param mandates finds a mandate's expiry
     * @param clock the time source
     */
    public LeaseInjector(LeaseManager leases, MandateLookup mandates, InstantSource clock) {
        this(leases, mandates, clock, new LeaseTerms(DEFAULT_TTL, DEFAULT_MAX_TTL, true));
    }

    /**
     * Creates an injector.
     *
     * @param leases the lease manager
     * @param mandates finds a mandate's expiry
     * @param clock the time source
     * @param terms the terms of every lease it issues (each still ends at its mandate's expiry at the latest)
     */
    public LeaseInjector(LeaseManager leases, MandateLookup mandates, InstantSource clock, LeaseTerms terms) {
        this.leases = leases;
        this.mandates = mandates;
        this.clock = clock;
        this.terms = terms;
    }

    /**
     * Checks at start-up that every upstream credential names a configured backend and one of its scopes.
     *
     * @param config the gateway configuration
     * @throws MandateException with {@code BAD_CONFIG} naming {@code upstreams.<name>.credential} and the rule
     */
    public void validate(GatewayConfig config) {
        for (UpstreamConfig upstream : config.upstreams().values()) {
            CredentialBinding binding = upstream.credential();
            if (binding == null) {
                continue;
            }
            try {
                leases.checkScope(binding.backend(), binding.scope());
            } catch (MandateException e) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "gateway.config: 'upstreams." + upstream.name() + ".credential': " + e.getMessage()
                                + "; configure it under credentials.backends or change the upstream's credential",
                        e);
            }
        }
    }

    /**
     * Returns the credential for one injection into a call of {@code upstream} by the caller's mandate, issuing or
     * renewing its lease as needed, and records the use.
     *
     * @param caller the calling mandate
     * @param upstream the upstream's name
     * @param binding what the upstream needs
     * @return the credential to inject
     * @throws GatewayException with {@code UPSTREAM_UNAVAILABLE} if the backend, the store or the audit log is down, or
     *     {@code DENIED} if the backend refuses (unknown scope, shared account checked out, mandate ended), each naming
     *     the backend
     */
    public Injection acquire(CallerContext caller, String upstream, CredentialBinding binding) {
        Key key = new Key(caller.mandateId(), upstream);
        Slot slot = held.get(key);
        if (slot == null) {
            if (held.size() >= MAX_HELD) {
                throw new GatewayException(
                        GatewayError.UPSTREAM_UNAVAILABLE,
                        "the gateway already holds " + MAX_HELD
                                + " upstream leases (LeaseInjector.MAX_HELD); upstream '" + upstream
                                + "' gets no credential until mandates end");
            }
            slot = held.computeIfAbsent(key, k -> new Slot());
        }
        synchronized (slot) {
            try {
                return acquire(slot, caller, binding);
            } catch (MandateException e) {
                if (e instanceof GatewayException g) {
                    throw g;
                }
                throw refused(upstream, binding, e);
            }
        }
    }

    private Injection acquire(Slot slot, CallerContext caller, CredentialBinding binding) {
        String leaseId = slot.leaseId;
        Instant now = clock.instant();
        Optional<Lease> current = leaseId == null ? Optional.empty() : leases.find(leaseId);
        if (current.isPresent()
                && current.get().state() == LeaseState.ACTIVE
                && current.get().expires().isAfter(now)) {
            Lease lease = current.get();
            Duration left = Duration.between(now, lease.expires());
            if (left.compareTo(lease.ttl().dividedBy(3)) >= 0) {
                return use(lease, caller);
            }
            Instant mandateExpires = mandateExpires(caller);
            if (lease.renewable()) {
                try {
                    return use(leases.renew(lease.id(), caller.agentId(), mandateExpires), caller);
                } catch (MandateException e) {
                    if (e.code() != ErrorCode.CONFLICT) {
                        throw e;
                    }
                    // At its max TTL, its mandate's expiry, or the backend cannot extend: replace it below.
                }
            }
            if (!mandateExpires.isAfter(lease.expires())) {
                return use(lease, caller); // the mandate ends first; a new lease would end no later
            }
        }
        IssuedLease issued = leases.issue(
                caller.mandateId(),
                caller.agentId(),
                binding.backend(),
                binding.scope(),
                terms,
                mandateExpires(caller));
        slot.leaseId = issued.lease().id();
        if (current.isPresent() && current.get().state().isLive()) {
            leases.revoke(
                    current.get().id(),
                    LeaseManager.SYSTEM,
                    "replaced by lease " + issued.lease().id());
        }
        return use(issued.lease(), caller);
    }

    private Injection use(Lease lease, CallerContext caller) {
        IssuedCredential credential = leases.use(lease.id(), caller.agentId());
        return new Injection(lease.id(), lease.expires(), credential);
    }

    private Instant mandateExpires(CallerContext caller) {
        MandateFacts facts = mandates.mandate(caller.mandateId());
        if (facts == null) {
            throw new MandateException(
                    ErrorCode.CONFLICT, "mandate " + caller.mandateId() + " is not known, so no lease is issued");
        }
        return facts.expiresAt();
    }

    private static GatewayException refused(String upstream, CredentialBinding binding, MandateException e) {
        LOG.warn(
                "no credential for upstream '{}' from backend '{}' (scope {}): {}",
                upstream,
                binding.backend(),
                binding.scope(),
                e.getMessage());
        boolean down = e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.INTERNAL;
        return new GatewayException(
                down ? GatewayError.UPSTREAM_UNAVAILABLE : GatewayError.DENIED,
                "upstream '" + upstream + "' needs a credential from backend '" + binding.backend() + "' (scope "
                        + binding.scope() + "), which "
                        + (down ? "is unavailable" : "was refused (" + e.code().wireName() + ")")
                        + "; the upstream was not called",
                null,
                e);
    }

    /** Forgets the mandate's leases; the lease manager, also a listener, revokes them. */
    @Override
    public void mandateEnded(String mandateId, String reason) {
        held.keySet().removeIf(k -> k.mandateId().equals(mandateId));
    }

    /**
     * Returns how many (mandate, upstream) leases are held, for metrics and tests.
     *
     * @return the count
     */
    public int heldCount() {
        return held.size();
    }
}
