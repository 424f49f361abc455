package dev.mandate.gateway.policy;

import dev.mandate.core.policy.CallHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What one mandate did through this gateway: the history policies see and the counters drift is judged on. */
final class Activity {
    /** The most distinct tools remembered per mandate for {@code context.history.toolsUsed}. */
    static final int MAX_TOOLS = 256;

    private long calls;
    private long denials;
    private final Set<String> toolsUsed = new LinkedHashSet<>();
    private final ArrayDeque<Instant> recentDenials = new ArrayDeque<>();
    private @Nullable String drift;

    synchronized CallHistory history() {
        return new CallHistory(calls, toolsUsed, denials);
    }

    synchronized long calls() {
        return calls;
    }

    synchronized @Nullable String drift() {
        return drift;
    }

    synchronized void allowed(String tool) {
        calls++;
        if (toolsUsed.size() < MAX_TOOLS) {
            toolsUsed.add(tool);
        }
    }

    /** Records a denial; returns true if it makes a burst (and marks the drift). */
    synchronized boolean denied(Instant at, int burst, Duration window) {
        denials++;
        recentDenials.addLast(at);
        Instant from = at.minus(window);
        for (Instant first = recentDenials.peekFirst();
                first != null && first.isBefore(from);
                first = recentDenials.peekFirst()) {
            recentDenials.removeFirst();
        }
        while (recentDenials.size() > burst) {
            recentDenials.removeFirst();
        }
        return recentDenials.size() >= burst && markDrift(burst + " denials within " + window);
    }

    /** Marks the drift once; returns true the first time. */
    synchronized boolean markDrift(String reason) {
        if (drift != null) {
            return false;
        }
        drift = reason;
        return true;
    }
}
