package dev.mandate.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one unchecked exception Mandate throws. It carries a stable {@link ErrorCode}; its message is written for the
 * person who must fix the problem: it names the bad value and the rule it broke, and never contains a secret.
 */
public class MandateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /**
     * Creates an exception.
     *
     * @param code the stable error code
     * @param message what went wrong, naming the value and the rule; no secrets
     */
    public MandateException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * Creates an exception with a cause.
     *
     * @param code the stable error code
     * @param message what went wrong, naming the value and the rule; no secrets
     * @param cause the underlying failure
     */
    public MandateException(ErrorCode code, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * Returns the message, which is never null for a {@code MandateException}.
     *
     * @return what went wrong
     */
    @Override
    public String getMessage() {
        return Objects.requireNonNullElse(super.getMessage(), code.wireName());
    }

    /**
     * Returns the stable error code.
     *
     * @return the code
     */
    public ErrorCode code() {
        return code;
    }
}
