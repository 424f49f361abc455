package dev.mandate.app;

import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.audit.AuditVerification;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The audit log over the control plane (admin token): {@code GET /v1/audit?after=<seq>&limit=<n>} pages through
 * events in order; {@code POST /v1/audit/verify} recomputes the chain and checkpoints and names the first broken link.
 */
final class AuditRoutes implements RouteGroup {
    private final AuditLog log;

    AuditRoutes(AuditLog log) {
        this.log = log;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/audit", ctx -> {
            long after = number(ctx.queryParam("after"), "after", 0);
            int limit = (int) number(ctx.queryParam("limit"), "limit", 100);
            List<AuditEvent> events = log.page(after, limit);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("events", events.stream().map(AuditRoutes::toJson).toList());
            body.put(
                    "next",
                    events.isEmpty() ? null : events.get(events.size() - 1).seq());
            ctx.json(body);
        });
        routes.post("/v1/audit/verify", ctx -> ctx.json(toJson(log.verify())));
    }

    private static long number(@Nullable String value, String name, long dflt) {
        if (value == null) {
            return dflt;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MandateException(ErrorCode.BAD_REQUEST, name + " must be a whole number, got '" + value + "'");
        }
    }

    static Map<String, Object> toJson(AuditEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("time", e.time().toString());
        m.put("type", e.type());
        m.put("actor", e.actor());
        m.put("subject", e.subject());
        m.put("reason", e.reason());
        m.put("details", e.details());
        m.put("prevHash", e.prevHash());
        m.put("hash", e.hash());
        return m;
    }

    static Map<String, Object> toJson(AuditVerification v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", v.ok());
        m.put("eventsChecked", v.eventsChecked());
        m.put("checkpointsChecked", v.checkpointsChecked());
        m.put("brokenSeq", v.brokenSeq());
        m.put("problem", v.problem());
        return m;
    }
}
