package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Duration;

/**
 * What one autonomy tier may be granted.
 *
 * @param maxTtl the longest a mandate may live between heartbeats
 * @param maxLifetime the longest a mandate may live in total, renewals included
 * @param tokenTtl how long a mandate token lives (shorter than the mandate, so a leaked token dies quickly)
 * @param bearerAllowed whether mandate tokens without DPoP binding may be issued
 */
public record TierLimits(Duration maxTtl, Duration maxLifetime, Duration tokenTtl, boolean bearerAllowed) {
    /** Validates: all durations positive and {@code maxTtl <= maxLifetime}. */
    public TierLimits {
        if (maxTtl.isNegative() || maxTtl.isZero() || tokenTtl.isNegative() || tokenTtl.isZero()) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "tier max-ttl and token-ttl must be positive");
        }
        if (maxLifetime.compareTo(maxTtl) < 0) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG,
                    "a tier's max-lifetime (" + maxLifetime + ") must be at least its max-ttl (" + maxTtl + ")");
        }
    }
}
