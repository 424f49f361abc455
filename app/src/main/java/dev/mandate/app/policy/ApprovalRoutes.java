package dev.mandate.app.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.approval.Approval;
import dev.mandate.core.approval.ApprovalState;
import dev.mandate.core.approval.Approvals;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The approvals queue: {@code GET /v1/approvals[?state=pending]}, {@code GET /v1/approvals/{id}},
 * {@code POST /v1/approvals/{id}/approve} and {@code .../deny} with {@code {"by": "...", "reason": "..."}}.
 */
public final class ApprovalRoutes implements RouteGroup {
    private final Approvals approvals;
    private final ObjectMapper json;
    private final AuditSink audit;

    /**
     * Creates the routes.
     *
     * @param approvals the approvals
     * @param json the JSON mapper
     * @param audit where each decision on an approval is recorded before it takes effect
     */
    public ApprovalRoutes(Approvals approvals, ObjectMapper json, AuditSink audit) {
        this.approvals = approvals;
        this.json = json;
        this.audit = audit;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/approvals", ctx -> {
            String state = ctx.queryParam("state");
            ArrayNode list = json.createArrayNode();
            approvals.list(state == null ? null : state(state)).forEach(a -> list.add(toJson(a)));
            ObjectNode out = json.createObjectNode();
            out.set("approvals", list);
            ctx.json(out);
        });
        routes.get("/v1/approvals/{id}", ctx -> ctx.json(toJson(find(ctx.pathParam("id")))));
        routes.post("/v1/approvals/{id}/approve", ctx -> decide(ctx, true));
        routes.post("/v1/approvals/{id}/deny", ctx -> decide(ctx, false));
    }

    private void decide(Context ctx, boolean approve) {
        JsonNode body;
        try {
            body = json.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new MandateException(ErrorCode.BAD_REQUEST, "the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "the body must be {\"by\": \"...\", \"reason\": \"...\"}");
        }
        String by = body.path("by").asText("");
        String reason = body.path("reason").asText("");
        String id = ctx.pathParam("id");
        Approval pending = find(id);
        if (pending.state() == ApprovalState.PENDING && !by.isBlank()) {
            // A privilege change: recorded before it takes effect, so that an approval the log cannot hold is never
            // granted. (A bad "by" or a decided approval is refused below, with nothing to record.)
            audit.record(new AuditEntry(
                    approve ? "approval.approved" : "approval.denied",
                    by,
                    id,
                    reason.isBlank() ? null : reason,
                    Map.of(
                            "mandate", pending.key().mandateId(),
                            "tool", pending.key().tool(),
                            "policies", String.join(",", pending.policyIds()))));
        }
        Approval a = approve ? approvals.approve(id, by, reason) : approvals.deny(id, by, reason);
        ctx.json(toJson(a));
    }

    private Approval find(String id) {
        Approval a = approvals.get(id);
        if (a == null) {
            throw new MandateException(ErrorCode.NOT_FOUND, "no approval " + id);
        }
        return a;
    }

    private static ApprovalState state(String text) {
        for (ApprovalState s : ApprovalState.values()) {
            if (s.wireName().equals(text.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new MandateException(
                ErrorCode.BAD_REQUEST,
                "unknown approval state '" + text + "': expected pending, approved, denied or used");
    }

    private ObjectNode toJson(Approval a) {
        ObjectNode o = json.createObjectNode();
        o.put("id", a.id());
        o.put("state", a.state().wireName());
        o.put("mandateId", a.key().mandateId());
        o.put("tool", a.key().tool());
        o.put("argumentDigest", a.key().argumentDigest());
        o.put("policyVersion", a.key().policyVersion());
        ArrayNode ids = o.putArray("policyIds");
        a.policyIds().forEach(ids::add);
        ArrayNode approvers = o.putArray("approvers");
        a.approvers().forEach(approvers::add);
        o.put("createdAt", a.createdAt().toString());
        o.put("expiresAt", a.expiresAt().toString());
        o.put("decidedBy", a.decidedBy());
        o.put("reason", a.reason());
        o.put("decidedAt", instant(a.decidedAt()));
        return o;
    }

    private static @Nullable String instant(@Nullable Instant i) {
        return i == null ? null : i.toString();
    }
}
