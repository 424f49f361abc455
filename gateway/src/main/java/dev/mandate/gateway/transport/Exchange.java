package dev.mandate.gateway.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One agent request in flight, as the {@link McpHandler} sees it: which session and JSON-RPC id it has, and how to send
 * the agent notifications about it (progress) while it runs.
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
}
