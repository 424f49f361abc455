package dev.mandate.app;

import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.keys.RotatingSigningKeys;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/**
 * {@code GET /.well-known/jwks.json}: the public keys of Mandate's signing key set, for anyone verifying a mandate
 * token; {@code POST /v1/keys/rotate} (admin): make a new key current, the old one stays published.
 */
final class KeyRoutes implements RouteGroup {
    private final RotatingSigningKeys keys;

    KeyRoutes(RotatingSigningKeys keys) {
        this.keys = keys;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(
                "/.well-known/jwks.json",
                ctx -> ctx.contentType("application/jwk-set+json")
                        .header("Cache-Control", "max-age=60")
                        .result(keys.publicJwks().toString()));
        routes.post("/v1/keys/rotate", ctx -> ctx.json(Map.of("kid", keys.rotate("admin"))));
    }
}
