package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One upstream MCP server as the relay uses it, with results as JSON trees. Every method throws a
 * {@link dev.mandate.gateway.GatewayException} with {@code UPSTREAM_UNAVAILABLE} when the server cannot be reached,
 * and with {@code BAD_REQUEST} carrying the server's message when it answers with an error.
 */
interface Upstream extends AutoCloseable {
    /** The upstream's configured name. */
    String name();

    /** The server's capabilities from {@code initialize}, connecting first if needed. */
    JsonNode capabilities();

    /** Every tool the server lists (all pages). */
    List<JsonNode> tools();

    /** The tool's description from the latest list, refreshing it once if the name is not known; null if none. */
    @Nullable
    JsonNode tool(String name);

    /** The tool's description from the latest list, without asking the server; null if not listed. */
    @Nullable
    JsonNode cachedTool(String name);

    /** Calls a tool, telling the observer about its progress; the result is the server's {@code CallToolResult}. */
    JsonNode callTool(String name, JsonNode arguments, CallObserver observer);

    /** Every resource the server lists. */
    List<JsonNode> resources();

    /** Every resource template the server lists. */
    List<JsonNode> resourceTemplates();

    /** Reads a resource. */
    JsonNode readResource(String uri);

    /**
     * Reads a resource, telling the observer about its progress (and the upstream's requests to the client made as
     * part of it); the default ignores the observer.
     */
    default JsonNode readResource(String uri, CallObserver observer) {
        return readResource(uri);
    }

    /** Every prompt the server lists. */
    List<JsonNode> prompts();

    /** Gets a prompt. */
    JsonNode getPrompt(String name, JsonNode arguments);

    /** Gets a prompt, telling the observer as {@link #readResource(String, CallObserver)} does. */
    default JsonNode getPrompt(String name, JsonNode arguments, CallObserver observer) {
        return getPrompt(name, arguments);
    }

    /**
     * Tells the server that the agent's roots changed ({@code notifications/roots/list_changed}). Only a connection of
     * one mandate does, when connected; a shared one would tell the server of one agent's change in every agent's
     * view. The default does nothing.
     */
    default void rootsListChanged() {}

    /** Ends the connection (and the process of a stdio server). */
    @Override
    void close();
}
