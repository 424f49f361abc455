package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An upstream that runs one connection (or process) per mandate: calls, reads and prompt fetches go to the connection
 * of the mandate the current caller holds ({@link #forCaller()}). Subclasses decide how that connection is opened,
 * what is shared between mandates (tool lists, capabilities) and when it ends.
 */
abstract class PerMandateUpstream implements Upstream {
    /**
     * The connection of the current caller's mandate, opened if it has none yet.
     *
     * @return the connection
     * @throws dev.mandate.gateway.GatewayException if there is no caller or the connection cannot be opened
     */
    abstract Upstream forCaller();

    /**
     * The connection of the current caller's mandate if it has one open, without opening one.
     *
     * @return the connection, or null
     */
    abstract @Nullable Upstream existingForCaller();

    /** Passed to the caller's own connection, if it has one: nobody else's connection hears of it. */
    @Override
    public void rootsListChanged() {
        Upstream upstream = existingForCaller();
        if (upstream != null) {
            upstream.rootsListChanged();
        }
    }

    @Override
    public JsonNode callTool(String name, JsonNode arguments, CallObserver observer) {
        return forCaller().callTool(name, arguments, observer);
    }

    @Override
    public List<JsonNode> resources() {
        return forCaller().resources();
    }

    @Override
    public List<JsonNode> resourceTemplates() {
        return forCaller().resourceTemplates();
    }

    @Override
    public JsonNode readResource(String uri) {
        return forCaller().readResource(uri);
    }

    @Override
    public JsonNode readResource(String uri, CallObserver observer) {
        return forCaller().readResource(uri, observer);
    }

    @Override
    public List<JsonNode> prompts() {
        return forCaller().prompts();
    }

    @Override
    public JsonNode getPrompt(String name, JsonNode arguments) {
        return forCaller().getPrompt(name, arguments);
    }

    @Override
    public JsonNode getPrompt(String name, JsonNode arguments, CallObserver observer) {
        return forCaller().getPrompt(name, arguments, observer);
    }
}
