package dev.mandate.app.config;

import java.time.Duration;

/**
 * How replicas sharing a PostgreSQL store follow each other's mandate changes; the embedded store ignores them.
 *
 * @param pollInterval the longest time between two polls of the change feed ({@code store.replicas.poll-interval})
 * @param stalenessBound how old a replica's confirmed view may be before its checks fail closed
 *     ({@code store.replicas.staleness-bound}), at least twice the poll interval
 */
public record ReplicaSettings(Duration pollInterval, Duration stalenessBound) {
    /** Refuses a bound that a single late poll would break. */
    public ReplicaSettings {
        if (stalenessBound.compareTo(pollInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("staleness bound " + stalenessBound + " is shorter than twice the poll"
                    + " interval " + pollInterval);
        }
    }
}
