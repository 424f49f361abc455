package dev.mandate.gateway;

import java.util.List;

/**
 * Decides one call. The gateway treats anything but an {@link Decision.Allow} as a refusal, and an exception from
 * the decider as a deny (fail closed).
 */
@FunctionalInterface
public interface CallDecider {
    /** Denies everything: the fail-closed default until a policy engine is wired in. */
    CallDecider DENY_ALL =
            request -> new Decision.Deny(List.of(), "no policy engine is configured for the MCP gateway");

    /**
     * Decides.
     *
     * @param request the fully built request
     * @return the decision
     */
    Decision decide(DecisionRequest request);
}
