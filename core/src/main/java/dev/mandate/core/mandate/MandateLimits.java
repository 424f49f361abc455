package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Limits on every mandate: how deep delegation may go and what each tier may be granted.
 *
 * @param maxDepth the deepest delegation allowed (0: no delegation)
 * @param tiers the limits of each tier; every tier must be present
 */
public record MandateLimits(int maxDepth, Map<Tier, TierLimits> tiers) {
    /** The deepest {@code maxDepth} accepted. */
    public static final int MAX_DEPTH_LIMIT = 32;

    /** Validates and copies. */
    public MandateLimits {
        if (maxDepth < 0 || maxDepth > MAX_DEPTH_LIMIT) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "mandate.max-depth must be 0-" + MAX_DEPTH_LIMIT + ", got " + maxDepth);
        }
        Map<Tier, TierLimits> copy = new EnumMap<>(Tier.class);
        copy.putAll(tiers);
        for (Tier t : Tier.values()) {
            if (!copy.containsKey(t)) {
                throw new MandateException(ErrorCode.BAD_CONFIG, "no limits configured for tier " + t.wireName());
            }
        }
        tiers = Map.copyOf(copy);
    }

    /**
     * Returns defaults: depth 4; copilot 1 h per heartbeat, 8 h in total; autonomous 15 min, 4 h; 5-minute tokens;
     * bearer tokens for copilot only.
     *
     * @return the defaults
     */
    public static MandateLimits defaults() {
        return new MandateLimits(
                4,
                Map.of(
                        Tier.COPILOT,
                        new TierLimits(Duration.ofHours(1), Duration.ofHours(8), Duration.ofMinutes(5), true),
                        Tier.AUTONOMOUS,
                        new TierLimits(Duration.ofMinutes(15), Duration.ofHours(4), Duration.ofMinutes(5), false)));
    }

    /**
     * Returns the limits of a tier.
     *
     * @param tier the tier
     * @return its limits
     */
    public TierLimits of(Tier tier) {
        return Objects.requireNonNull(tiers.get(tier), "validated: every tier present");
    }
}
