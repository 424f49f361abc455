package dev.mandate.core.credential;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait before retrying a failed revocation: {@code initial}, doubling per attempt, capped at {@code max}.
 *
 * @param initial the wait after the first failure; positive
 * @param max the longest wait; at least {@code initial}
 */
public record RevocationBackoff(Duration initial, Duration max) {
    /** The default: one second, doubling up to five minutes. */
    public static final RevocationBackoff DEFAULT = new RevocationBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    /** Validates the durations. */
    public RevocationBackoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "revocation backoff needs 0 < initial <= max, got " + initial + ", " + max);
        }
    }

    /**
     * Returns the wait after a number of failed attempts.
     *
     * @param failures how many attempts failed so far, at least 1
     * @return {@code min(initial * 2^(failures-1), max)}
     */
    public Duration delay(int failures) {
        int shift = Math.min(Math.max(failures, 1) - 1, 30);
        Duration d = initial.multipliedBy(1L << shift);
        return d.compareTo(max) > 0 ? max : d;
    }
}
