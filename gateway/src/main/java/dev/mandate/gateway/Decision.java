package dev.mandate.gateway;

import java.util.List;
import java.util.Objects;

/** The answer a {@link CallDecider} gives. Anything but {@link Allow} stops the call. */
public sealed interface Decision {
    /**
     * The call may go ahead, after the gateway fulfils the obligations.
     *
     * @param obligations what to do to the result
     */
    record Allow(List<Obligation> obligations) implements Decision {
        /** Copies the list. */
        public Allow {
            obligations = List.copyOf(obligations);
        }
    }

    /**
     * The call is refused.
     *
     * @param policyIds the determining policies, possibly none (default deny)
     * @param reason why, for the agent and the audit log; no secrets
     * @param kind why in one word, which picks the JSON-RPC error code
     */
    record Deny(List<String> policyIds, String reason, Kind kind) implements Decision {
        /** Copies the list. */
        public Deny {
            policyIds = List.copyOf(policyIds);
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(kind, "kind");
        }

        /**
         * A denial by policy.
         *
         * @param policyIds the determining policies
         * @param reason why
         */
        public Deny(List<String> policyIds, String reason) {
            this(policyIds, reason, Kind.POLICY);
        }

        /** Why a call was denied. */
        public enum Kind {
            /** Policies did not allow it (including no policy matching, and engine errors). */
            POLICY,
            /** The mandate's call budget is spent. */
            BUDGET_EXCEEDED
        }
    }

    /**
     * The call needs a human's approval first; the identical call passes once it is given.
     *
     * @param approvalId the approval to wait on
     * @param policyIds the policies that asked for approval
     */
    record ApprovalRequired(String approvalId, List<String> policyIds) implements Decision {
        /** Copies the list. */
        public ApprovalRequired {
            Objects.requireNonNull(approvalId, "approvalId");
            policyIds = List.copyOf(policyIds);
        }
    }
}
