package dev.mandate.core.oauth;

import dev.mandate.core.MandateException;
import org.jspecify.annotations.Nullable;

/** A failure with an OAuth error code; its message is the {@code error_description} and never holds a secret. */
public final class OAuthException extends MandateException {
    private static final long serialVersionUID = 1L;

    private final OAuthError error;

    /**
     * Creates the exception.
     *
     * @param error the OAuth error
     * @param description what was wrong, for {@code error_description}
     */
    public OAuthException(OAuthError error, String description) {
        this(error, description, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param error the OAuth error
     * @param description what was wrong, for {@code error_description}
     * @param cause the underlying failure
     */
    public OAuthException(OAuthError error, String description, @Nullable Throwable cause) {
        super(error.code(), description, cause);
        this.error = error;
    }

    /**
     * Returns the OAuth error.
     *
     * @return the error
     */
    public OAuthError error() {
        return error;
    }
}
