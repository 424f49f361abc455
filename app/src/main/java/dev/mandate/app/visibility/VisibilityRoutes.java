package dev.mandate.app.visibility;

import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import io.javalin.config.RoutesConfig;

/**
 * The visibility control plane (admin token): {@code GET /v1/access?resource=<tool|resource|server>},
 * {@code GET /v1/agents/{name}/access} (name or URL-encoded SPIFFE ID) and {@code GET /v1/posture}.
 */
public final class VisibilityRoutes implements RouteGroup {
    private final Visibility visibility;

    /**
     * Creates the routes.
     *
     * @param visibility answers the questions
     */
    public VisibilityRoutes(Visibility visibility) {
        this.visibility = visibility;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/access", ctx -> {
            String resource = ctx.queryParam("resource");
            if (resource == null) {
                throw new MandateException(
                        ErrorCode.BAD_REQUEST,
                        "query parameter 'resource' is required: a tool (<server>.<tool>), a resource URI or a server");
            }
            ctx.json(visibility.whoCan(resource));
        });
        routes.get("/v1/agents/{name}/access", ctx -> ctx.json(visibility.ofAgent(ctx.pathParam("name"))));
        routes.get("/v1/posture", ctx -> ctx.json(visibility.posture()));
    }
}
