package dev.mandate.app;

import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.identity.EmbeddedTrustDomain;
import dev.mandate.core.identity.IdentityException;
import dev.mandate.core.identity.IssuedJoinToken;
import dev.mandate.core.identity.IssuedSvids;
import dev.mandate.core.identity.Pem;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The embedded trust domain over HTTP. Admin: {@code POST /v1/agents/{name}/join-tokens} (the token is in this answer
 * only) {@code POST /v1/trust-domain/rotate-jwt-key} and {@code POST /v1/trust-domain/rotate-ca}. Agents, authenticated by a join token or their current
 * SVID rather than the admin token: {@code POST /v1/svid} and {@code POST /v1/svid/renew}. Anyone: the SPIFFE bundle
 * at {@code GET /.well-known/spiffe-bundle.json}.
 */
final class IdentityRoutes implements RouteGroup {
    static final String SVID = "/v1/svid";
    static final String RENEW = "/v1/svid/renew";
    static final String BUNDLE = "/.well-known/spiffe-bundle.json";

    private static final long REFRESH_HINT_SECONDS = 300;

    private final EmbeddedTrustDomain domain;

    IdentityRoutes(EmbeddedTrustDomain domain) {
        this.domain = domain;
    }

    @Override
    public Set<String> publicPaths() {
        return Set.of(SVID, RENEW);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/agents/{name}/join-tokens", ctx -> {
            JsonBody.of(ctx, Set.of());
            IssuedJoinToken token = domain.createJoinToken(ctx.pathParam("name"), "admin");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("token", token.token());
            m.put("spiffeId", token.agent().toString());
            m.put("expiresAt", token.expiresAt().toString());
            ctx.status(201).header("Cache-Control", "no-store").json(m);
        });
        routes.post("/v1/trust-domain/rotate-jwt-key", ctx -> ctx.json(Map.of("kid", domain.rotateJwtKey("admin"))));
        routes.post("/v1/trust-domain/rotate-ca", ctx -> {
            java.security.cert.X509Certificate root = domain.rotateCa("admin");
            ctx.json(Map.of(
                    "serial", root.getSerialNumber().toString(16),
                    "notAfter", root.getNotAfter().toInstant().toString()));
        });
        routes.post(SVID, ctx -> {
            JsonBody body = JsonBody.of(ctx, Set.of("joinToken", "csr", "audience"));
            IssuedSvids svids = domain.issue(body.text("joinToken"), body.text("csr"), audience(body));
            ctx.header("Cache-Control", "no-store").json(toJson(svids));
        });
        routes.post(RENEW, ctx -> {
            JsonBody body = JsonBody.of(ctx, Set.of("x509Svid", "csr", "proof", "audience"));
            IssuedSvids svids = domain.renew(
                    Pem.decodeCertificates(body.text("x509Svid")),
                    body.text("csr"),
                    body.text("proof"),
                    audience(body));
            ctx.header("Cache-Control", "no-store").json(toJson(svids));
        });
        routes.get(
                BUNDLE,
                ctx -> ctx.contentType("application/json")
                        .header("Cache-Control", "max-age=" + REFRESH_HINT_SECONDS)
                        .result(domain.bundle().toJson(REFRESH_HINT_SECONDS)));
        routes.exception(IdentityException.class, (e, ctx) -> {
            // Like every error, plus the precise reason: a caller may act on it (renew when expired, re-join).
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", e.code().wireName());
            m.put("message", e.getMessage());
            m.put("failure", e.failure().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            ctx.status(e.code().httpStatus()).json(m);
        });
    }

    private static List<String> audience(JsonBody body) {
        Set<String> audience = body.optionalWords("audience");
        if (audience == null) {
            throw JsonBody.bad("field 'audience' is required: the audiences of the JWT-SVID, e.g. [\"mandate\"]");
        }
        return List.copyOf(audience);
    }

    private static Map<String, Object> toJson(IssuedSvids svids) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spiffeId", svids.id().toString());
        m.put("jwtSvid", svids.jwtSvid());
        m.put("jwtSvidExpiresAt", svids.jwtExpiresAt().toString());
        m.put("x509Svid", Pem.encode(svids.x509Chain()));
        m.put("x509SvidExpiresAt", svids.x509ExpiresAt().toString());
        return m;
    }
}
