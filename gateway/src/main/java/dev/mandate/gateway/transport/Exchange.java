package dev.mandate.gateway.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * One agent request in flight, as the {@link McpHandler} sees it: which session and JSON-RPC id it has, what client
 * capabilities the agent declared, and how to send the agent notifications (progress) and requests (an upstream's
 * sampling, elicitation or roots request) related to it while it runs.
 */
public interface Exchange {
    /**
     * Returns the MCP session the request arrived on.
     *
     * @return the {@code Mcp-Session-Id}
     */
    String sessionId();

    /**
     * Returns the agent's JSON-RPC id of the request.
     *
     * @return a string or integer node
     */
    JsonNode requestId();

    /**
     * Sends the agent a notification related to this request: on the request's SSE response while it is open (when
     * the agent accepts {@code text/event-stream}), else on the session's GET stream. Safe to call from any thread;
     * after the response has been sent it goes to the GET stream.
     *
     * @param method the notification method, e.g. {@code notifications/progress}
     * @param params its parameters
     */
    void notify(String method, ObjectNode params);

    /**
     * Returns the client capabilities the agent declared at {@code initialize} (e.g. {@code sampling},
     * {@code elicitation}, {@code roots}).
     *
     * @return the {@code capabilities} object of the agent's {@code initialize}, empty if it declared none
     */
    JsonNode clientCapabilities();

    /**
     * Sends the agent a request related to this request, the way {@link #notify} sends notifications, under an id of
     * the gateway's choosing; the agent answers it with a POST of a JSON-RPC response.
     *
     * @param method the request method, e.g. {@code sampling/createMessage}
     * @param params its parameters
     * @return completes with the agent's response message (with {@code result} or {@code error}); fails with a
     *     {@link dev.mandate.gateway.GatewayException} when the session ends first. The caller bounds the wait.
     * @throws dev.mandate.gateway.GatewayException with {@code OVERLOADED} when the session already awaits too many
     *     answers
     */
    CompletableFuture<JsonNode> ask(String method, ObjectNode params);
}
