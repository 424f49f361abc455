package dev.mandate.app;

import dev.mandate.core.MandateException;
import dev.mandate.core.oauth.OAuthError;
import dev.mandate.core.oauth.OAuthException;
import io.javalin.http.HttpResponseException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from a failed OAuth request's exception to its RFC 6749 error, shared by {@link OAuthRoutes} and the
 * direct token route ({@link TokenEndpoint}) so that both answer a failure alike. Internal failures are logged under
 * an incident id that the answer names; their details never reach the client.
 *
 * @param error the OAuth error
 * @param description the {@code error_description}
 */
record OAuthFailure(OAuthError error, String description) {
    private static final Logger LOG = LoggerFactory.getLogger(OAuthRoutes.class);

    /**
     * Maps a failure.
     *
     * @param e what the request failed with
     * @param method the request's method, for the log
     * @param path the request's path, for the log
     * @return the error to answer
     */
    static OAuthFailure of(RuntimeException e, String method, String path) {
        if (e instanceof OAuthException o) {
            return new OAuthFailure(o.error(), String.valueOf(o.getMessage()));
        }
        if (e instanceof MandateException m) {
            OAuthError error = switch (m.code()) {
                case BAD_REQUEST, NOT_FOUND, CONFLICT -> OAuthError.INVALID_REQUEST;
                case UNAUTHENTICATED -> OAuthError.INVALID_CLIENT;
                case FORBIDDEN -> OAuthError.UNAUTHORIZED_CLIENT;
                case UNAVAILABLE -> OAuthError.TEMPORARILY_UNAVAILABLE;
                case BAD_CONFIG, INTERNAL -> OAuthError.SERVER_ERROR;
            };
            return new OAuthFailure(
                    error,
                    error == OAuthError.SERVER_ERROR ? incident(e, method, path) : String.valueOf(m.getMessage()));
        }
        if (e instanceof HttpResponseException h) {
            return new OAuthFailure(OAuthError.INVALID_REQUEST, "the request was refused: " + h.getMessage());
        }
        return new OAuthFailure(OAuthError.SERVER_ERROR, incident(e, method, path));
    }

    private static String incident(Exception e, String method, String path) {
        String incident = UUID.randomUUID().toString();
        LOG.error("internal error {} on {} {}", incident, method, path, e);
        return "internal error; the server log has the details under " + incident;
    }
}
