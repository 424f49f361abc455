package dev.mandate.core.access;

import java.util.List;
import java.util.Objects;

/**
 * One mandate's path to exfiltration: read sensitive data, see untrusted content, then call an egress tool, each step
 * allowed by the policies in force given the labels the earlier steps left.
 *
 * @param agent the agent's name
 * @param purpose the purpose of the mandate
 * @param sensitive the action that reads sensitive data
 * @param untrusted the action whose output is untrusted
 * @param egress the egress action allowed afterwards
 * @param guardedByApproval true if some step needs a human approval (the flow is possible but not unattended)
 * @param policies the policies that allowed the steps
 */
public record ToxicFlow(
        String agent,
        String purpose,
        String sensitive,
        String untrusted,
        String egress,
        boolean guardedByApproval,
        List<String> policies) {
    /** Copies the list. */
    public ToxicFlow {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(sensitive, "sensitive");
        Objects.requireNonNull(untrusted, "untrusted");
        Objects.requireNonNull(egress, "egress");
        policies = List.copyOf(policies);
    }
}
