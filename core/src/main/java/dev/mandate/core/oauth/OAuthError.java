package dev.mandate.core.oauth;

import dev.mandate.core.ErrorCode;
import java.util.Locale;

/** The OAuth error codes Mandate answers with, each with its HTTP status. */
public enum OAuthError {
    /** RFC 6749: malformed request, or (RFC 8693) an invalid subject or actor token. */
    INVALID_REQUEST(400),
    /** RFC 6749: client authentication failed. */
    INVALID_CLIENT(401),
    /** RFC 6749: the grant (here: the parent mandate) is invalid, expired or revoked. */
    INVALID_GRANT(400),
    /** RFC 6749: the client may not use this grant; here: the agent is unknown or not active. */
    UNAUTHORIZED_CLIENT(400),
    /** RFC 6749: the grant type is not supported. */
    UNSUPPORTED_GRANT_TYPE(400),
    /** RFC 7009: the server does not revoke this type of token. */
    UNSUPPORTED_TOKEN_TYPE(400),
    /** RFC 8693: the requested target (purpose, tools, resources) is not allowed. */
    INVALID_TARGET(400),
    /** RFC 9396: the authorization details are malformed or of an unknown type. */
    INVALID_AUTHORIZATION_DETAILS(400),
    /** RFC 9449: the DPoP proof is invalid. */
    INVALID_DPOP_PROOF(400),
    /** RFC 6750: the access token is invalid. */
    INVALID_TOKEN(401),
    /** RFC 6749: the server could not serve the request now. */
    TEMPORARILY_UNAVAILABLE(503),
    /** RFC 6749: an unexpected condition. */
    SERVER_ERROR(500);

    private final int httpStatus;

    OAuthError(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /**
     * Returns the HTTP status of the error answer.
     *
     * @return the status
     */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Returns the error code as written on the wire.
     *
     * @return e.g. {@code invalid_request}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns Mandate's error code for this OAuth error.
     *
     * @return the code
     */
    public ErrorCode code() {
        return switch (this) {
            case INVALID_CLIENT, INVALID_TOKEN -> ErrorCode.UNAUTHENTICATED;
            case UNAUTHORIZED_CLIENT -> ErrorCode.FORBIDDEN;
            case TEMPORARILY_UNAVAILABLE -> ErrorCode.UNAVAILABLE;
            case SERVER_ERROR -> ErrorCode.INTERNAL;
            case INVALID_REQUEST,
                    INVALID_GRANT,
                    UNSUPPORTED_GRANT_TYPE,
                    UNSUPPORTED_TOKEN_TYPE,
                    INVALID_TARGET,
                    INVALID_AUTHORIZATION_DETAILS,
                    INVALID_DPOP_PROOF -> ErrorCode.BAD_REQUEST;
        };
    }
}
