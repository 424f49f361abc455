package dev.mandate.core.identity;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;

/** A presented identity was refused: code {@code UNAUTHENTICATED}, with the precise {@link IdentityFailure}. */
public final class IdentityException extends MandateException {
    private static final long serialVersionUID = 1L;

    private final IdentityFailure failure;

    /**
     * Creates the exception.
     *
     * @param failure why the identity was refused
     * @param message what was wrong, naming the value and the rule; never the token itself
     */
    public IdentityException(IdentityFailure failure, String message) {
        super(ErrorCode.UNAUTHENTICATED, message);
        this.failure = failure;
    }

    /**
     * Returns why the identity was refused.
     *
     * @return the failure
     */
    public IdentityFailure failure() {
        return failure;
    }
}
