package dev.mandate.core.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The lease port in memory, for core tests; the JDBC store has its own tests on H2 and PostgreSQL. */
final class InMemoryLeaseStore implements LeaseStore {
    private final Map<String, Lease> leases = new LinkedHashMap<>();
    volatile boolean failingWrites;

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
