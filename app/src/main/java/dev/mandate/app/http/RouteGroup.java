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

    /**
     * Returns the routes of this group that are served ahead of Javalin (see {@link DirectRoute}). Default: none.
     *
     * @return the direct routes
     */
    default java.util.List<DirectRoute> directRoutes() {
        return java.util.List.of();
    }

    /**
     * Called after a direct route answered, for groups that observe every request (metrics): Javalin's before and
     * after handlers do not see those requests. Default: nothing.
     *
     * @param method the route's method
     * @param route the route's path
     * @param status the status answered
     * @param nanos how long answering took
     */
    default void served(String method, String route, int status, long nanos) {}
}
