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
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The lease control plane (admin only, like all of {@code /v1}):
 *
 * <ul>
 *   <li>{@code GET /v1/leases?mandate=&agent=&backend=&state=&limit=}: leases, newest first
 *   <li>{@code GET /v1/leases/{id}}: one lease
 *   <li>{@code POST /v1/leases/{id}/revoke} with optional {@code {"reason": "..."}}: revoke at the backend now
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
        String reason = "revoked by admin";
        String body = ctx.body();
        if (!body.isBlank()) {
            RevokeRequest request = ctx.bodyAsClass(RevokeRequest.class);
            if (request.reason() != null) {
                reason = request.reason();
            }
        }
        if (reason.isBlank() || reason.length() > MAX_REASON_LENGTH) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "reason must be 1 to " + MAX_REASON_LENGTH + " characters");
        }
        ctx.json(view(manager.revoke(ctx.pathParam("id"), "admin", reason)));
    }

    /**
     * The body of a revoke request.
     *
     * @param reason why, for the audit log; optional
     */
    record RevokeRequest(@Nullable String reason) {}

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
