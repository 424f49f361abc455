package dev.mandate.cedar.validation;

import java.util.Objects;

/**
 * One validation problem.
 *
 * @param policyId the id of the policy that has it
 * @param line the line of the policy (1-based)
 * @param column the column of the policy (1-based)
 * @param code a stable kebab-case kind, like {@code unsafe-optional-attribute-access}
 * @param message what is wrong, naming the attribute, type or entity involved
 */
public record ValidationError(String policyId, int line, int column, String code, String message) {
    /** Checks the parts are present. */
    public ValidationError {
        Objects.requireNonNull(policyId, "policyId");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** Returns {@code policyId line:column: [code] message}. */
    @Override
    public String toString() {
        return policyId + " " + line + ":" + column + ": [" + code + "] " + message;
    }
}
