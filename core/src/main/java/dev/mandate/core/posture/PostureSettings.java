package dev.mandate.core.posture;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Duration;
import java.util.Set;

/**
 * The thresholds of the posture rules.
 *
 * @param dormantAfter an active agent unseen for longer is dormant
 * @param unusedWindow permissions not used within this window are unused
 * @param heartbeatGrace how far past its expiry a live mandate or lease may be before it is reported
 * @param placeholderOwners owner values that name nobody (compared ignoring case)
 */
public record PostureSettings(
        Duration dormantAfter, Duration unusedWindow, Duration heartbeatGrace, Set<String> placeholderOwners) {
    /** Defaults: 30 days dormancy and unused window, one minute of grace, the usual placeholders. */
    public static final PostureSettings DEFAULTS = new PostureSettings(
            Duration.ofDays(30),
            Duration.ofDays(30),
            Duration.ofMinutes(1),
            Set.of("unknown", "none", "nobody", "unowned", "tbd", "todo", "n/a", "-", "?"));

    /** Checks the durations are positive and copies the set. */
    public PostureSettings {
        for (Duration d : new Duration[] {dormantAfter, unusedWindow, heartbeatGrace}) {
            if (d.isNegative() || d.isZero()) {
                throw new MandateException(ErrorCode.BAD_CONFIG, "posture durations must be positive, got " + d);
            }
        }
        placeholderOwners = Set.copyOf(placeholderOwners);
    }
}
