package dev.mandate.app;

import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentChanges;
import dev.mandate.core.identity.AgentRegistration;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.AgentStatus;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Tier;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The agent control plane (admin token): {@code POST/GET /v1/agents}, {@code GET/PATCH/DELETE /v1/agents/{name}}.
 * {@code DELETE} disables the agent (its record stays, for the audit trail), with an optional {@code reason} query
 * parameter.
 */
final class AgentRoutes implements RouteGroup {
    private static final Set<String> REGISTER_FIELDS =
            Set.of("name", "owner", "tier", "purposes", "labelsCeiling", "spiffeId");
    private static final Set<String> PATCH_FIELDS = Set.of("owner", "tier", "purposes", "labelsCeiling", "status");

    private final AgentRegistry registry;

    AgentRoutes(AgentRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/agents", ctx -> {
            JsonBody body = JsonBody.of(ctx, REGISTER_FIELDS);
            String tier = body.optionalText("tier");
            String id = body.optionalText("spiffeId");
            Set<String> purposes = body.optionalWords("purposes");
            Agent agent = registry.register(
                    new AgentRegistration(
                            body.text("name"),
                            body.text("owner"),
                            tier == null ? Tier.COPILOT : Tier.parse(tier),
                            purposes == null ? Set.of() : purposes,
                            body.optionalWords("labelsCeiling"),
                            id == null ? null : SpiffeId.parse(id)),
                    "admin");
            ctx.status(201).json(toJson(agent));
        });
        routes.get(
                "/v1/agents",
                ctx -> ctx.json(Map.of(
                        "agents",
                        registry.list().stream().map(AgentRoutes::toJson).toList())));
        routes.get("/v1/agents/{name}", ctx -> ctx.json(toJson(registry.get(ctx.pathParam("name")))));
        routes.patch("/v1/agents/{name}", ctx -> {
            JsonBody body = JsonBody.of(ctx, PATCH_FIELDS);
            String tier = body.optionalText("tier");
            String status = body.optionalText("status");
            AgentChanges changes = new AgentChanges(
                    body.optionalText("owner"),
                    tier == null ? null : Tier.parse(tier),
                    body.optionalWords("purposes"),
                    body.optionalWords("labelsCeiling"),
                    body.isNull("labelsCeiling"),
                    status == null ? null : AgentStatus.parse(status));
            ctx.json(toJson(registry.update(ctx.pathParam("name"), changes, "admin")));
        });
        routes.delete(
                "/v1/agents/{name}",
                ctx -> ctx.json(
                        toJson(registry.disable(ctx.pathParam("name"), "admin", reason(ctx.queryParam("reason"))))));
    }

    private static @Nullable String reason(@Nullable String reason) {
        if (reason != null && reason.length() > 500) {
            throw JsonBody.bad("reason is longer than 500 characters");
        }
        return reason;
    }

    static Map<String, Object> toJson(Agent a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.name());
        m.put("spiffeId", a.id().toString());
        m.put("owner", a.owner());
        m.put("tier", a.tier().wireName());
        m.put("purposes", List.copyOf(a.purposes()));
        m.put("labelsCeiling", a.labelsCeiling() == null ? null : List.copyOf(a.labelsCeiling()));
        m.put("status", a.status().wireName());
        m.put("created", a.created().toString());
        return m;
    }
}
