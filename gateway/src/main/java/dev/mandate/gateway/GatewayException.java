package dev.mandate.gateway;

import dev.mandate.core.MandateException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A refusal or failure the gateway answers as a JSON-RPC error.
 */
public final class GatewayException extends MandateException {
    private static final long serialVersionUID = 1L;

    private final GatewayError error;
    private final transient @Nullable Decision decision;

    /**
     * Creates an exception.
     *
     * @param error the stable error
     * @param message for the agent; no secrets, no internals
     */
    public GatewayException(GatewayError error, String message) {
        this(error, message, null, null);
    }

    /**
     * Creates an exception.
     *
     * @param error the stable error
     * @param message for the agent; no secrets, no internals
     * @param decision the decision that caused it, or null
     * @param cause the underlying failure, or null
     */
    public GatewayException(
            GatewayError error, String message, @Nullable Decision decision, @Nullable Throwable cause) {
        super(error.errorCode(), message, cause);
        this.error = error;
        this.decision = decision;
    }

    /**
     * Returns the stable error.
     *
     * @return the error
     */
    public GatewayError error() {
        return error;
    }

    /**
     * Returns the decision that caused the refusal, if any.
     *
     * @return the decision, or null
     */
    public @Nullable Decision decision() {
        return decision;
    }

    /**
     * Returns the policy ids of the decision, if any.
     *
     * @return the policy ids, possibly empty
     */
    public List<String> policyIds() {
        Decision d = decision;
        if (d == null) {
            return List.of();
        }
        return switch (d) {
            case Decision.Allow a -> List.of();
            case Decision.Deny deny -> deny.policyIds();
            case Decision.ApprovalRequired ar -> ar.policyIds();
        };
    }
}
