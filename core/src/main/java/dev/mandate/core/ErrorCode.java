package dev.mandate.core;

/**
 * Stable, machine-readable error codes. HTTP statuses, OAuth error names, JSON-RPC error codes and CLI exit codes are
 * derived from the code, never from message text. Codes are part of the public contract: add, never rename.
 */
public enum ErrorCode {
    /** The request is malformed: bad syntax, a missing or invalid field, a value past a limit. */
    BAD_REQUEST(400, 2),
    /** No credential, or a credential that failed verification. */
    UNAUTHENTICATED(401, 3),
    /** The caller is known but not allowed to do this. */
    FORBIDDEN(403, 4),
    /** The thing named does not exist. */
    NOT_FOUND(404, 5),
    /** The request conflicts with current state (already exists, already closed, lease checked out). */
    CONFLICT(409, 6),
    /** Configuration is invalid; start-up stops. */
    BAD_CONFIG(400, 78),
    /** A dependency (store, backend, upstream) is unavailable; the operation did not happen. */
    UNAVAILABLE(503, 69),
    /** A bug: something Mandate did not expect. Details are logged, never sent to a client. */
    INTERNAL(500, 70);

    private final int httpStatus;
    private final int exitCode;

    ErrorCode(int httpStatus, int exitCode) {
        this.httpStatus = httpStatus;
        this.exitCode = exitCode;
    }

    /**
     * Returns the HTTP status this code answers with.
     *
     * @return an HTTP status code
     */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Returns the process exit code a CLI command ends with when it fails with this code.
     *
     * @return an exit code between 1 and 125
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * Returns the code as it appears on the wire: lower case with dashes, e.g. {@code bad-request}.
     *
     * @return the wire name
     */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
