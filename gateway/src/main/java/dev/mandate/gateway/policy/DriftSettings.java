package dev.mandate.gateway.policy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Duration;
import java.util.Objects;

/**
 * Drift limits per mandate.
 *
 * @param defaultCallBudget the most calls a mandate may make when it names no budget itself
 *     ({@code policy.call-budget})
 * @param denialBurst this many denials within {@link #burstWindow} is drift ({@code policy.denial-burst})
 * @param burstWindow the window denials are counted in ({@code policy.denial-window})
 */
public record DriftSettings(long defaultCallBudget, int denialBurst, Duration burstWindow) {
    /** 1,000 calls; 10 denials within a minute. */
    public static final DriftSettings DEFAULTS = new DriftSettings(1_000, 10, Duration.ofMinutes(1));

    /** Checks the limits. */
    public DriftSettings {
        Objects.requireNonNull(burstWindow, "burstWindow");
        if (defaultCallBudget < 1 || denialBurst < 1 || burstWindow.isNegative() || burstWindow.isZero()) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG,
                    "drift settings need policy.call-budget >= 1, policy.denial-burst >= 1 and a positive"
                            + " policy.denial-window; got " + defaultCallBudget + ", " + denialBurst + ", "
                            + burstWindow);
        }
    }
}
