package dev.mandate.app;

import dev.mandate.app.config.Config;
import dev.mandate.app.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/** {@code GET /v1/status}: what this node is (admin only, like everything under {@code /v1}). */
final class StatusRoutes implements RouteGroup {
    private final Config config;
    private final String version;

    StatusRoutes(Config config, String version) {
        this.config = config;
        this.version = version;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(
                "/v1/status",
                ctx -> ctx.json(Map.of(
                        "version",
                        version,
                        "trustDomain",
                        config.trustDomain(),
                        "store",
                        config.storeUrl() == null ? "embedded-h2" : "external")));
    }
}
