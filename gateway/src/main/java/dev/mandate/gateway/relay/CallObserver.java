package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.gateway.GatewayError;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * What an upstream tells the relay about one call while it runs: progress, requests to the client made as part of the
 * call, and how to cancel it.
 */
interface CallObserver {
    /** Ignores progress and never cancels. */
    CallObserver NONE = new CallObserver() {
        @Override
        public void progress(double progress, @Nullable Double total, @Nullable String message) {}

        @Override
        public void cancellable(Runnable cancel) {}
    };

    /**
     * The upstream reported progress on the call.
     *
     * @param progress how far, increasing
     * @param total the total, if known
     * @param message a human-readable note, if any
     */
    void progress(double progress, @Nullable Double total, @Nullable String message);

    /**
     * Hands over the action that cancels the call upstream; called once, before the request is sent.
     *
     * @param cancel sends {@code notifications/cancelled} upstream and ends the wait for the answer
     */
    void cancellable(Runnable cancel);

    /**
     * The upstream sent a request to the client as part of this call (on the call's own response stream):
     * {@code sampling/createMessage}, {@code elicitation/create} or {@code roots/list}. Blocks until it is answered; the
     * default refuses, as there is no agent to ask.
     *
     * @param method the request's method
     * @param params its parameters
     * @param timeout the longest wait for the agent's answer
     * @param withdrawn completed with the upstream's reason when it sends {@code notifications/cancelled} for the
     *     request: the wait ends, the agent is told, and the upstream must get no response
     * @return the response to send upstream without {@code jsonrpc} and {@code id}: {@code {"result": ...}} or
     *     {@code {"error": ...}}
     */
    default ObjectNode clientRequest(
            String method, JsonNode params, Duration timeout, CompletableFuture<String> withdrawn) {
        return ClientRequests.error(
                GatewayError.METHOD_NOT_FOUND, "method '" + method + "' has no agent session to be relayed to");
    }
}
