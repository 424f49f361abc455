package dev.mandate.core.credential;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the lease manager for metrics: live leases per backend and how long revocations took.
 *
 * @param active active leases per backend name (every configured backend present, zero included)
 * @param revoking leases per backend whose revocation is pending or being retried
 * @param revocations how many revocations the backend confirmed since start
 * @param revocationTime the sum of their latencies, from the lease leaving {@code active} to the backend's confirmation
 */
public record LeaseStats(
        Map<String, Integer> active, Map<String, Integer> revoking, long revocations, Duration revocationTime) {
    /** Copies the maps. */
    public LeaseStats {
        active = Map.copyOf(active);
        revoking = Map.copyOf(revoking);
        Objects.requireNonNull(revocationTime, "revocationTime");
    }
}
