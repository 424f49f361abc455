package dev.mandate.cedar.validation;

import java.util.Objects;

/**
 * One validation problem.
 *
 * @param policyId the id of the policy that has it
 * @param line the line (1-based) of the expression at fault when the policies were validated from text with
 *     {@link Validator#validate(dev.mandate.cedar.schema.Schema, String, ValidationMode)}, else of the policy's start
 * @param column the column (1-based), likewise
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
