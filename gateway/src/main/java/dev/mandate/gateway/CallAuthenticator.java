package dev.mandate.gateway;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;

/**
 * Turns the credentials on an HTTP request into an authenticated caller. The gateway calls it on every request to
 * {@code /mcp}, so a revoked mandate fails on its next call. Implementations check the mandate token (signature,
 * expiry, audience = this gateway, DPoP proof) and that the mandate is live.
 */
@FunctionalInterface
public interface CallAuthenticator {
    /** Authenticates nobody: the fail-closed default until mandate tokens are wired in. */
    CallAuthenticator REFUSE_ALL = request -> {
        throw new MandateException(ErrorCode.UNAUTHENTICATED, "no authenticator is configured for the MCP gateway");
    };

    /**
     * Authenticates one request.
     *
     * @param request the request's method, URI and headers
     * @return the caller
     * @throws MandateException with {@code UNAUTHENTICATED} if there is no credential or it does not verify, or the
     *     mandate is not live; the message is sent to the client and must not contain the token
     */
    CallerContext authenticate(AuthenticationRequest request);
}
