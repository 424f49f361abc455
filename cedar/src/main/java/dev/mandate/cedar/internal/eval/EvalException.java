package dev.mandate.cedar.internal.eval;

/**
 * An evaluation error: the policy being evaluated is skipped and reported. No stack trace is filled in,
 * since errors are an expected outcome on the decision path and the message says everything.
 */
public final class EvalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message what went wrong
     */
    public EvalException(String message) {
        super(message, null, false, false);
    }
}
