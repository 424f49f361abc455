package dev.mandate.gateway.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.gateway.CallerContext;

/** What the transport hands authenticated, well-framed JSON-RPC messages to. */
public interface McpHandler {
    /**
     * Answers {@code initialize}: capabilities, server info; the transport adds the negotiated protocol version.
     *
     * @param caller the authenticated caller
     * @param params the client's parameters
     * @return the result without {@code protocolVersion}
     */
    ObjectNode initialize(CallerContext caller, JsonNode params);

    /**
     * Answers one request.
     *
     * @param caller the authenticated caller
     * @param method the JSON-RPC method
     * @param params the parameters, an empty object if absent
     * @return the result
     * @throws dev.mandate.gateway.GatewayException for a refusal or failure to answer as a JSON-RPC error
     */
    JsonNode request(CallerContext caller, String method, JsonNode params);

    /**
     * Answers one request, with the exchange through which notifications about it reach the agent while it runs.
     * Handlers that send none keep the default, which ignores the exchange.
     *
     * @param caller the authenticated caller
     * @param method the JSON-RPC method
     * @param params the parameters, an empty object if absent
     * @param exchange the request in flight
     * @return the result
     * @throws dev.mandate.gateway.GatewayException for a refusal or failure to answer as a JSON-RPC error
     */
    default JsonNode request(CallerContext caller, String method, JsonNode params, Exchange exchange) {
        return request(caller, method, params);
    }

    /**
     * Takes one notification from the agent.
     *
     * @param caller the authenticated caller
     * @param method the notification method
     * @param params the parameters, an empty object if absent
     */
    void notification(CallerContext caller, String method, JsonNode params);

    /**
     * Takes one notification from the agent, knowing its session (so that {@code notifications/cancelled} can find the
     * request it names). The default ignores the session.
     *
     * @param caller the authenticated caller
     * @param method the notification method
     * @param params the parameters, an empty object if absent
     * @param sessionId the session it arrived on
     */
    default void notification(CallerContext caller, String method, JsonNode params, String sessionId) {
        notification(caller, method, params);
    }
}
