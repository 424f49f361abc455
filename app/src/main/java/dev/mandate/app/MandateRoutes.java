package dev.mandate.app;

import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.oauth.MandateDetails;
import dev.mandate.core.oauth.TokenExchange;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The mandate control plane (admin token): list and show mandates (with their delegation tree), revoke or close one,
 * revoke an agent (the kill switch: the agent is disabled and every mandate it holds is revoked), and issue a mandate
 * token directly for a registered agent ({@code POST /v1/tokens}, for tests and demos).
 */
final class MandateRoutes implements RouteGroup {
    /** The most mandates shown in one tree. */
    static final int MAX_TREE = 1000;

    private static final Set<String> REASON_FIELDS = Set.of("reason");
    private static final Set<String> TOKEN_FIELDS =
            Set.of("agent", "purpose", "tools", "resources", "ttl", "jkt", "on_behalf_of");

    private final MandateRegistry mandates;
    private final AgentRegistry agents;
    private final TokenExchange exchange;

    MandateRoutes(MandateRegistry mandates, AgentRegistry agents, TokenExchange exchange) {
        this.mandates = mandates;
        this.agents = agents;
        this.exchange = exchange;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/mandates", ctx -> {
            String agent = ctx.queryParam("agent");
            String state = ctx.queryParam("state");
            SpiffeId agentId = agent == null ? null : agentId(agent);
            MandateState st = state == null ? null : MandateState.parse(state);
            Predicate<Mandate> filter =
                    m -> (agentId == null || m.agent().equals(agentId)) && (st == null || m.state() == st);
            String limit = ctx.queryParam("limit");
            List<Mandate> found = mandates.list(filter, limit == null ? 100 : parseInt(limit, "limit"));
            ctx.json(Map.of("mandates", found.stream().map(this::toJson).toList()));
        });
        routes.get("/v1/mandates/{id}", ctx -> {
            Mandate m = mandates.get(ctx.pathParam("id"));
            Map<String, Object> body = toJson(m);
            body.put("tree", tree(m, new int[] {0}));
            ctx.json(body);
        });
        routes.post("/v1/mandates/{id}/revoke", ctx -> {
            String reason = reason(ctx, "revoked by admin");
            ctx.json(Map.of("revoked", mandates.revoke(ctx.pathParam("id"), reason, "admin")));
        });
        routes.post("/v1/mandates/{id}/close", ctx -> {
            JsonBody.of(ctx, REASON_FIELDS);
            ctx.json(Map.of("closed", mandates.close(ctx.pathParam("id"), "admin")));
        });
        routes.post("/v1/mandates/{id}/renew", ctx -> ctx.json(toJson(mandates.renew(ctx.pathParam("id"), "admin"))));
        routes.post("/v1/agents/{name}/revoke", ctx -> {
            String reason = reason(ctx, "kill switch");
            Agent agent = agents.get(ctx.pathParam("name"));
            // Revoke first to report what ended; disabling then stops new mandates, and its hook revokes any
            // opened in between.
            List<String> revoked = mandates.revokeAgent(agent.id(), reason, "admin");
            if (agent.isActive()) {
                agents.disable(agent.name(), "admin", reason);
            }
            ctx.json(Map.of("agent", agent.name(), "revoked", revoked));
        });
        routes.post("/v1/tokens", ctx -> {
            JsonBody body = JsonBody.of(ctx, TOKEN_FIELDS);
            Agent agent = agents.get(body.text("agent"));
            String ttl = body.optionalText("ttl");
            TokenExchange.Result r = exchange.openAsAdmin(
                    agent.id(),
                    new MandateDetails(
                            body.text("purpose"),
                            body.optionalWords("tools"),
                            body.optionalWords("resources"),
                            ttl == null ? null : Duration.ofSeconds(parseInt(ttl, "ttl")),
                            body.optionalText("on_behalf_of")),
                    body.optionalText("jkt"),
                    "admin");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("access_token", r.token().token());
            out.put("token_type", r.tokenType());
            out.put("expires_in", r.expiresIn());
            out.put("mandate_id", r.mandate().id());
            ctx.header("Cache-Control", "no-store").status(201).json(out);
        });
    }

    private SpiffeId agentId(String agent) {
        return agent.startsWith("spiffe://")
                ? SpiffeId.parse(agent)
                : agents.get(agent).id();
    }

    private static String reason(Context ctx, String dflt) {
        String reason = JsonBody.of(ctx, REASON_FIELDS).optionalText("reason");
        if (reason != null && reason.length() > 500) {
            throw JsonBody.bad("reason is longer than 500 characters");
        }
        return reason == null || reason.isBlank() ? dflt : reason;
    }

    private static int parseInt(String value, String name) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new MandateException(ErrorCode.BAD_REQUEST, name + " must be a whole number, got '" + value + "'");
        }
    }

    private List<Map<String, Object>> tree(Mandate m, int[] count) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Mandate c : mandates.children(m.id())) {
            if (++count[0] > MAX_TREE) {
                break;
            }
            Map<String, Object> node = toJson(c);
            node.put("children", tree(c, count));
            out.add(node);
        }
        return out;
    }

    Map<String, Object> toJson(Mandate m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", m.id());
        j.put("agent", m.agent().toString());
        j.put("onBehalfOf", m.onBehalfOf());
        dev.mandate.core.flow.Sensitivity clearance = m.clearance();
        j.put("clearance", clearance == null ? null : clearance.wireName());
        j.put("purpose", m.purpose());
        j.put("tools", List.copyOf(m.tools()));
        j.put("resources", List.copyOf(m.resources()));
        j.put("tier", m.tier().wireName());
        j.put("parentId", m.parentId());
        j.put("depth", m.depth());
        j.put("issued", m.issued().toString());
        j.put("expires", m.expires().toString());
        j.put("maxExpires", m.maxExpires().toString());
        j.put("state", m.state().wireName());
        j.put("live", mandates.checkLive(m.id()).name().toLowerCase(java.util.Locale.ROOT));
        j.put("flowLabels", List.copyOf(m.flowLabels()));
        j.put("labelCeiling", List.copyOf(m.labelCeiling()));
        j.put("callBudget", m.callBudget());
        Object ended = m.ended();
        j.put("ended", ended == null ? null : ended.toString());
        j.put("endReason", m.endReason());
        return j;
    }
}
