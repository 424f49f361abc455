package dev.mandate.app.http;

import io.javalin.config.RoutesConfig;

/** A group of HTTP routes that one part of Mandate contributes to the server (control plane, OAuth, MCP, ...). */
@FunctionalInterface
public interface RouteGroup {
    /**
     * Adds this group's routes.
     *
     * @param routes the server's route table
     */
    void register(RoutesConfig routes);

    /**
     * Returns the exact paths under {@code /v1} this group serves without the admin token, because their callers
     * authenticate otherwise (an agent presenting a join token or its current SVID). Default: none.
     *
     * @return the public paths
     */
    default java.util.Set<String> publicPaths() {
        return java.util.Set.of();
    }

    /**
     * Called once when the server starts to stop, before it waits for in-flight requests: a group that holds
     * long-lived requests open (event streams) ends them here. Default: nothing.
     */
    default void stopping() {}
}
