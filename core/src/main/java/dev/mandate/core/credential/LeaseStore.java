package dev.mandate.core.credential;

import dev.mandate.core.MandateException;
import java.util.List;
import java.util.Optional;

/**
 * The storage port for leases. Every write is durable when the method returns. Implementations are thread-safe.
 */
public interface LeaseStore {
    /**
     * Stores a new lease.
     *
     * @param lease the lease
     * @throws MandateException with {@code CONFLICT} if the id exists, {@code UNAVAILABLE} if the store is down
     */
    void insert(Lease lease);

    /**
     * Replaces the expiry, state and end reason of a stored lease.
     *
     * @param lease the lease with its new values
     * @throws MandateException with {@code NOT_FOUND} if the id is unknown, {@code UNAVAILABLE} if the store is down
     */
    void update(Lease lease);

    /**
     * Finds a lease by id.
     *
     * @param id the lease id
     * @return the lease, or empty
     * @throws MandateException with {@code UNAVAILABLE} if the store is down
     */
    Optional<Lease> find(String id);

    /**
     * Lists leases matching a query, newest first.
     *
     * @param query the filters and limit
     * @return the matching leases
     * @throws MandateException with {@code UNAVAILABLE} if the store is down
     */
    List<Lease> list(LeaseQuery query);

    /**
     * Returns every lease whose credential may still exist ({@code active} or {@code revoking}), for start-up restore.
     *
     * @return the live leases, in no particular order
     * @throws MandateException with {@code UNAVAILABLE} if the store is down
     */
    List<Lease> live();
}
