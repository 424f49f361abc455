package dev.mandate.cedar;

/**
 * The root of the exceptions this library throws for bad input: policy text, JSON documents, requests
 * that do not match a schema, or input beyond a {@link Limits} value.
 */
public class CedarException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the value and the rule
     */
    public CedarException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the value and the rule
     * @param cause the underlying failure
     */
    public CedarException(String message, Throwable cause) {
        super(message, cause);
    }
}
