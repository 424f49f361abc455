package dev.mandate.app.lease;

import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.LeaseQuery;
import dev.mandate.core.credential.LeaseState;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The lease control plane (admin only, like all of {@code /v1}):
 *
 * <ul>
 *   <li>{@code GET /v1/leases?mandate=&agent=&backend=&state=&limit=}: leases, newest first
 *   <li>{@code GET /v1/leases/{id}}: one lease
 *   <li>{@code POST /v1/leases/{id}/revoke} with optional {@code {"reason": "..."}}: revoke at the backend now
 *   <li>{@code POST /v1/leases/revoke} with {@code {"mandate": "..."}} or {@code {"agent": "..."}}: revoke every live
 *       lease of a mandate or an agent
 * </ul>
 *
 * Answers never contain a secret: a lease only says where its credential is and until when.
 */
final class LeaseRoutes implements RouteGroup {
    /** The longest revocation reason accepted. */
    static final int MAX_REASON_LENGTH = 500;

    private final LeaseManager manager;

    LeaseRoutes(LeaseManager manager) {
        this.manager = manager;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/leases", this::list);
        routes.get(
                "/v1/leases/{id}",
                ctx -> ctx.json(view(manager.find(ctx.pathParam("id"))
                        .orElseThrow(() ->
                                new MandateException(ErrorCode.NOT_FOUND, "no lease '" + ctx.pathParam("id") + "'")))));
        routes.post("/v1/leases/{id}/revoke", this::revoke);
        routes.post("/v1/leases/revoke", this::revokeAll);
    }

    private void revokeAll(Context ctx) {
        BulkRevokeRequest request = ctx.bodyAsClass(BulkRevokeRequest.class);
        String reason = reason(request.reason());
        String mandate = request.mandate();
        String agent = request.agent();
        List<Lease> revoked;
        if (mandate != null && agent == null) {
            revoked = manager.revokeMandate(mandate, "admin", reason);
        } else if (agent != null && mandate == null) {
            revoked = manager.revokeAgent(agent, "admin", reason);
        } else {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "name exactly one of 'mandate' or 'agent' whose leases to revoke");
        }
        ctx.json(Map.of("leases", revoked.stream().map(LeaseRoutes::view).toList()));
    }

    private static String reason(@Nullable String given) {
        String reason = given == null ? "revoked by admin" : given;
        if (reason.isBlank() || reason.length() > MAX_REASON_LENGTH) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "reason must be 1 to " + MAX_REASON_LENGTH + " characters");
        }
        return reason;
    }

    private void list(Context ctx) {
        String state = ctx.queryParam("state");
        String limit = ctx.queryParam("limit");
        int n;
        try {
            n = limit == null ? 100 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw new MandateException(ErrorCode.BAD_REQUEST, "limit '" + limit + "' is not a whole number");
        }
        LeaseQuery query = new LeaseQuery(
                ctx.queryParam("mandate"),
                ctx.queryParam("agent"),
                ctx.queryParam("backend"),
                state == null ? null : LeaseState.parse(state),
                n);
        ctx.json(Map.of(
                "leases", manager.list(query).stream().map(LeaseRoutes::view).toList()));
    }

    private void revoke(Context ctx) {
        String reason = ctx.body().isBlank()
                ? reason(null)
                : reason(ctx.bodyAsClass(RevokeRequest.class).reason());
        ctx.json(view(manager.revoke(ctx.pathParam("id"), "admin", reason)));
    }

    /**
     * The body of a revoke request.
     *
     * @param reason why, for the audit log; optional
     */
    record RevokeRequest(@Nullable String reason) {}

    /**
     * The body of a bulk revoke request: exactly one of mandate or agent.
     *
     * @param mandate revoke every live lease of this mandate
     * @param agent revoke every live lease of this agent
     * @param reason why, for the audit log; optional
     */
    record BulkRevokeRequest(
            @Nullable String mandate,
            @Nullable String agent,
            @Nullable String reason) {}

    static Map<String, Object> view(Lease l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", l.id());
        m.put("mandate", l.mandateId());
        m.put("agent", l.agent());
        m.put("backend", l.backend());
        m.put("scope", l.scope());
        m.put("state", l.state().wireName());
        m.put("issued", l.issued().toString());
        m.put("expires", l.expires().toString());
        m.put("maxExpires", l.maxExpires().toString());
        m.put("ttlSeconds", l.ttl().toSeconds());
        m.put("maxTtlSeconds", l.maxTtl().toSeconds());
        m.put("renewable", l.renewable());
        if (l.endReason() != null) {
            m.put("endReason", l.endReason());
        }
        return m;
    }
}
