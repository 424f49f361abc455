package dev.mandate.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one decision, with the determining policies (Mandate ids) and the policy-set version it was made
 * with. Anything but {@link Allow} refuses the call.
 */
public sealed interface PolicyDecision {
    /**
     * Returns the determining policies.
     *
     * @return their ids, possibly none
     */
    List<String> policyIds();

    /**
     * Returns the policy-set version the decision was made with.
     *
     * @return {@code sha256:<hex>}
     */
    String version();

    /**
     * An explicit permit, and no forbid.
     *
     * @param policyIds the permits that applied
     * @param redactions the {@code @redact} paths of those permits: fields to remove from the result
     * @param version the policy-set version
     */
    record Allow(List<String> policyIds, List<String> redactions, String version) implements PolicyDecision {
        /** Copies the lists. */
        public Allow {
            policyIds = List.copyOf(policyIds);
            redactions = List.copyOf(redactions);
            Objects.requireNonNull(version, "version");
        }
    }

    /**
     * Refused: a forbid applied, no permit applied, a forbid failed to evaluate, or the engine failed.
     *
     * @param policyIds the forbids that applied (none for a default deny)
     * @param reason why, naming the policies; no argument values
     * @param errors policies that failed to evaluate, as {@code <id>: <message>}
     * @param version the policy-set version
     */
    record Deny(List<String> policyIds, String reason, List<String> errors, String version) implements PolicyDecision {
        /** Copies the lists. */
        public Deny {
            policyIds = List.copyOf(policyIds);
            Objects.requireNonNull(reason, "reason");
            errors = List.copyOf(errors);
            Objects.requireNonNull(version, "version");
        }
    }

    /**
     * Refused unless approved: every forbid that applied carries {@code @approval}, and with an approval the call
     * would be allowed.
     *
     * @param policyIds the forbids that asked for approval
     * @param approvers who should approve, from their {@code @approval} annotations
     * @param version the policy-set version
     */
    record ApprovalRequired(List<String> policyIds, List<String> approvers, String version) implements PolicyDecision {
        /** Copies the lists. */
        public ApprovalRequired {
            policyIds = List.copyOf(policyIds);
            approvers = List.copyOf(approvers);
            Objects.requireNonNull(version, "version");
        }
    }
}
