package dev.mandate.core.policy;

import java.util.Set;

/**
 * What a mandate has done so far, as policies see it under {@code context.history}.
 *
 * @param calls calls allowed so far
 * @param toolsUsed the actions called so far
 * @param denials calls denied so far
 */
public record CallHistory(long calls, Set<String> toolsUsed, long denials) {
    /** Nothing done yet. */
    public static final CallHistory EMPTY = new CallHistory(0, Set.of(), 0);

    /** Copies the set. */
    public CallHistory {
        toolsUsed = Set.copyOf(toolsUsed);
    }
}
