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
}
