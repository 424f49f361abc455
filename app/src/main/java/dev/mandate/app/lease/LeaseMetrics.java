package dev.mandate.app.lease;

import dev.mandate.core.credential.LeaseManager;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * Lease metrics, read from the manager when scraped: {@code mandate_leases_active{backend}},
 * {@code mandate_leases_revoking{backend}} (revocations pending or being retried) and
 * {@code mandate_lease_revocation_seconds} (count and total time from a lease ending to its backend's confirmation).
 */
public final class LeaseMetrics {
    private LeaseMetrics() {}

    /**
     * Registers the meters.
     *
     * @param registry where to register
     * @param manager the lease manager to read
     */
    public static void bind(MeterRegistry registry, LeaseManager manager) {
        for (String backend : manager.backendNames()) {
            Gauge.builder(
                            "mandate.leases.active",
                            manager,
                            m -> m.stats().active().getOrDefault(backend, 0))
                    .description("Active leases")
                    .tag("backend", backend)
                    .register(registry);
            Gauge.builder(
                            "mandate.leases.revoking",
                            manager,
                            m -> m.stats().revoking().getOrDefault(backend, 0))
                    .description("Leases whose revocation is pending or being retried")
                    .tag("backend", backend)
                    .register(registry);
        }
        FunctionTimer.builder(
                        "mandate.lease.revocation",
                        manager,
                        m -> m.stats().revocations(),
                        m -> m.stats().revocationTime().toNanos(),
                        TimeUnit.NANOSECONDS)
                .description("Time from a lease ending to its backend confirming the credential is gone")
                .register(registry);
    }
}
