package dev.mandate.app.http;

import org.jspecify.annotations.Nullable;

/**
 * A hot endpoint served by a Jetty core handler placed ahead of Javalin's servlet stack, for a request rate where that
 * stack's per-request work (servlet request and response objects, Javalin's context, before/after handlers, exception
 * mapping) is a large share of the cost. The server reads the body (only when its {@code Content-Length} is within
 * the node's request limit) and offers it to the route; the route either answers it whole or declines, and a declined
 * request goes on to Javalin with its body replayed, exactly as if no direct route existed. So a route handles only
 * the cases it is sure of and declines everything else (including every malformed request, whose error Javalin's
 * route then writes), as long as it declines <em>before</em> any side effect.
 *
 * <p>Only requests over the plain listener reach a direct route: requests over the TLS listener (client
 * certificates) always go through Javalin.
 */
public interface DirectRoute {
    /**
     * Returns the HTTP method served.
     *
     * @return the method, such as {@code POST}
     */
    String method();

    /**
     * Returns the exact path served.
     *
     * @return the path, such as {@code /oauth2/token}
     */
    String path();

    /**
     * Answers a request, or declines it before any side effect. Must not throw: a route maps its own failures to its
     * protocol's error answer.
     *
     * @param request the request with its whole body
     * @return the answer, or null to pass the request on to Javalin
     */
    @Nullable
    DirectAnswer handle(DirectRequest request);
}
