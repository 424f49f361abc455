package dev.mandate.core.access;

import java.util.List;
import java.util.Objects;

/**
 * Why one agent, acting for one purpose, could or could not use one target.
 *
 * @param agent the agent's name
 * @param purpose the purpose its mandate would name
 * @param target what it would use
 * @param verdict allowed, conditional or never
 * @param conditions what the context must hold for an allow, in words (empty unless conditional)
 * @param policies the ids of the policies that determined the answers
 * @param reason for {@link Verdict#NEVER}, why; otherwise a one-line summary
 */
public record AccessExplanation(
        String agent,
        String purpose,
        AccessTarget target,
        Verdict verdict,
        List<String> conditions,
        List<String> policies,
        String reason) {
    /** Copies the lists. */
    public AccessExplanation {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(verdict, "verdict");
        conditions = List.copyOf(conditions);
        policies = List.copyOf(policies);
        Objects.requireNonNull(reason, "reason");
    }
}
