package dev.mandate.core.testing;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseQuery;
import dev.mandate.core.credential.LeaseStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The lease port in memory, for tests above the store; the JDBC store has its own tests on H2 and PostgreSQL. */
public final class InMemoryLeaseStore implements LeaseStore {
    private final Map<String, Lease> leases = new LinkedHashMap<>();
    private volatile boolean failingWrites;

    /**
     * Makes every later update fail as a store that is down would ({@code UNAVAILABLE}), or work again.
     *
     * @param failing whether updates fail
     */
    public void failWrites(boolean failing) {
        failingWrites = failing;
    }

    @Override
    public synchronized void insert(Lease lease) {
        if (leases.putIfAbsent(lease.id(), lease) != null) {
            throw new MandateException(ErrorCode.CONFLICT, "lease " + lease.id() + " exists");
        }
    }

    @Override
    public synchronized void update(Lease lease) {
        if (failingWrites) {
            throw new MandateException(ErrorCode.UNAVAILABLE, "store down (test)");
        }
        if (leases.replace(lease.id(), lease) == null) {
            throw new MandateException(ErrorCode.NOT_FOUND, "no lease " + lease.id());
        }
    }

    @Override
    public synchronized Optional<Lease> find(String id) {
        return Optional.ofNullable(leases.get(id));
    }

    @Override
    public synchronized List<Lease> list(LeaseQuery q) {
        return leases.values().stream()
                .filter(l -> q.mandateId() == null || l.mandateId().equals(q.mandateId()))
                .filter(l -> q.agent() == null || l.agent().equals(q.agent()))
                .filter(l -> q.backend() == null || l.backend().equals(q.backend()))
                .filter(l -> q.state() == null || l.state() == q.state())
                .sorted(Comparator.comparing(Lease::issued).reversed())
                .limit(q.limit())
                .toList();
    }

    @Override
    public synchronized List<Lease> live() {
        return leases.values().stream().filter(l -> l.state().isLive()).toList();
    }
}
