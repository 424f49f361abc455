package dev.mandate.cedar.validation;

import java.util.List;

/**
 * The outcome of validating a policy set.
 *
 * @param errors every problem found, grouped by policy in set order
 */
public record ValidationResult(List<ValidationError> errors) {
    /** Copies the list. */
    public ValidationResult {
        errors = List.copyOf(errors);
    }

    /**
     * Tells whether no policy has a problem.
     *
     * @return true when {@link #errors()} is empty
     */
    public boolean isValid() {
        return errors.isEmpty();
    }
}
