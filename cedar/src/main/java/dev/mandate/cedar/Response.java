package dev.mandate.cedar;

import java.util.List;
import java.util.Objects;

/**
 * The result of authorization.
 *
 * @param decision allow or deny
 * @param reasons ids of the policies that determined the decision: the forbids that applied on a deny by
 *     forbid, the permits that applied on an allow, none on a default deny
 * @param errors the policies whose evaluation failed; they were skipped
 */
public record Response(Decision decision, List<String> reasons, List<PolicyError> errors) {
    /** Copies the lists. */
    public Response {
        Objects.requireNonNull(decision, "decision");
        reasons = List.copyOf(reasons);
        errors = List.copyOf(errors);
    }

    /**
     * Tells whether the request is allowed.
     *
     * @return true on {@link Decision#ALLOW}
     */
    public boolean allowed() {
        return decision == Decision.ALLOW;
    }

    /**
     * A policy that failed to evaluate.
     *
     * @param policyId the policy id
     * @param message what went wrong
     */
    public record PolicyError(String policyId, String message) {
        /** Validates the parts. */
        public PolicyError {
            Objects.requireNonNull(policyId, "policyId");
            Objects.requireNonNull(message, "message");
        }
    }
}
