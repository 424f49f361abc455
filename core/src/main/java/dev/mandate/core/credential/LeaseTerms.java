package dev.mandate.core.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a lease lives: each grant lasts {@code ttl}, renewals may extend it up to {@code maxTtl} after issue.
 *
 * @param ttl the length of the first grant and of each renewal; positive, at most {@link #LIMIT}
 * @param maxTtl the longest the lease may live; at least {@code ttl}, at most {@link #LIMIT}
 * @param renewable whether the lease may be renewed
 */
public record LeaseTerms(Duration ttl, Duration maxTtl, boolean renewable) {
    /** The longest TTL or max TTL accepted: one day. Leases are for tasks, not standing access. */
    public static final Duration LIMIT = Duration.ofDays(1);

    /**
     * Validates the durations.
     *
     * @throws MandateException with {@code BAD_REQUEST} naming the values and the rule
     */
    public LeaseTerms {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(maxTtl, "maxTtl");
        if (ttl.isNegative() || ttl.isZero() || maxTtl.compareTo(ttl) < 0 || maxTtl.compareTo(LIMIT) > 0) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "lease terms need 0 < ttl <= maxTtl <= " + LIMIT + ", got ttl " + ttl + ", maxTtl " + maxTtl);
        }
    }
}
