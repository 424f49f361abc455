package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.core.catalog.CatalogKind;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.gateway.CallDecider;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.Decision;
import dev.mandate.gateway.DecisionRequest;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.transport.Exchange;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays an upstream's request to the client — {@code sampling/createMessage}, {@code elicitation/create},
 * {@code roots/list} — to the agent session whose call it arrived on, and the agent's answer back. In order: the
 * method must be one of these three (else {@code -32601}); the agent must have declared the matching client capability
 * at {@code initialize} (else {@code -32601}, and the agent is not asked); the decider must allow it — the action is the
 * method group itself ({@code Action::"sampling"}, {@code Action::"elicitation"}, {@code Action::"roots"}) on the
 * upstream that asks ({@code McpServer::"<server>"}), so with no policy that permits it the request is refused
 * ({@code -32003}); then the request goes to the agent over that session, and its result or error comes back, or
 * {@code -32006} if it does not answer within the timeout. Every outcome is recorded as a {@code gateway.client-request}
 * audit event (a digest of the parameters, never their text) before the upstream hears it; if the record cannot be
 * written the upstream gets {@code -32007} instead of the agent's answer.
 */
final class ClientRequests {
    /** The longest error message from an agent relayed to an upstream. */
    static final int MAX_ERROR_MESSAGE = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ClientRequests.class);

    /** What a relayed request is decided as: nothing of the catalog applies, so no label group either. */
    private static final CatalogEntry ENTRY =
            new CatalogEntry(FlowLabels.NONE, false, false, false, null, List.of(), CatalogEntry.Source.CONFIGURED);

    private final CallDecider decider;
    private final AuditSink audit;
    private final InstantSource clock;

    ClientRequests(CallDecider decider, AuditSink audit, InstantSource clock) {
        this.decider = decider;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The client capability an upstream's request needs, or null if the method is none the gateway relays.
     *
     * @param method the request's method
     * @return {@code sampling}, {@code elicitation}, {@code roots} or null
     */
    static @Nullable String capability(String method) {
        return switch (method) {
            case "sampling/createMessage" -> "sampling";
            case "elicitation/create" -> "elicitation";
            case "roots/list" -> "roots";
            default -> null;
        };
    }

    /**
     * Answers one upstream request made during the caller's call. Blocks until the agent answers or {@code timeout}
     * passes; never throws.
     *
     * @param caller the caller of the call the request arrived on
     * @param server the upstream that asks
     * @param exchange the agent request the call answers, through which the agent is asked
     * @param method the upstream's request method
     * @param params its parameters
     * @param timeout the longest wait for the agent's answer
     * @param withdrawn completed with the upstream's reason if it cancels the request: the wait ends and the request
     *     to the agent is withdrawn (it gets {@code notifications/cancelled} under its own id)
     * @return the response to send upstream without {@code jsonrpc} and {@code id}: {@code {"result": ...}} or
     *     {@code {"error": ...}} (not to be sent if {@code withdrawn} is complete)
     */
    ObjectNode answer(
            CallerContext caller,
            String server,
            Exchange exchange,
            String method,
            JsonNode params,
            Duration timeout,
            CompletableFuture<String> withdrawn) {
        long started = System.nanoTime();
        String capability = capability(method);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("method", truncate(method));
        details.put("upstream", server);
        String digest = Canonical.digest(params);
        details.put("argumentDigest", digest);
        if (capability == null) {
            return error(GatewayError.METHOD_NOT_FOUND, "method '" + truncate(method) + "' is not relayed to agents");
        }
        if (!params.isObject()) {
            return error(GatewayError.BAD_REQUEST, method + " params must be an object");
        }
        if (!exchange.clientCapabilities().has(capability)) {
            details.put("decision", "not-asked");
            details.put("outcome", "capability-missing");
            return recorded(
                    caller,
                    details,
                    started,
                    error(
                            GatewayError.METHOD_NOT_FOUND,
                            "the agent did not declare the '" + capability + "' client capability; it was not asked"));
        }
        Decision decision;
        try {
            decision = decider.decide(new DecisionRequest(
                    caller,
                    method,
                    capability,
                    new CatalogKey(CatalogKind.TOOL, server, capability),
                    ENTRY,
                    ENTRY.actionGroups(),
                    caller.flow().current(),
                    params,
                    Map.of(),
                    digest,
                    false,
                    clock.instant()));
        } catch (RuntimeException e) {
            LOG.warn("the decider failed on {} from upstream '{}'; refusing", method, server, e);
            decision = new Decision.Deny(List.of(), "the policy decision failed, so the request is refused");
        }
        switch (decision) {
            case Decision.Allow a -> details.put("decision", "allow");
            case Decision.Deny d -> {
                return denied(
                        caller,
                        details,
                        started,
                        d.policyIds(),
                        "denied: upstream '" + server + "' may not send " + method + " to the agent (decision deny,"
                                + " policies " + d.policyIds() + "): " + d.reason());
            }
            case Decision.ApprovalRequired r -> {
                return denied(
                        caller,
                        details,
                        started,
                        r.policyIds(),
                        "denied: " + method + " needs an approval, which it cannot wait for");
            }
        }
        if (withdrawn.isDone()) {
            // Cancelled while it was being decided: the agent is not asked, the upstream gets nothing.
            details.put("outcome", "upstream-cancelled");
            return recorded(caller, details, started, error(GatewayError.CANCELLED, "cancelled by the upstream"));
        }
        ObjectNode forwarded = params.deepCopy();
        ObjectNode response;
        CompletableFuture<JsonNode> asked = null;
        try {
            asked = exchange.ask(method, forwarded);
            Object unused = CompletableFuture.anyOf(asked, withdrawn).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (withdrawn.isDone() && !asked.isDone()) {
                String reason = truncate(withdrawn.getNow(""));
                asked.completeExceptionally(new GatewayException(
                        GatewayError.CANCELLED,
                        "upstream '" + server + "' cancelled the request" + (reason.isEmpty() ? "" : ": " + reason)));
                details.put("outcome", "upstream-cancelled");
                response = error(GatewayError.CANCELLED, "cancelled by the upstream");
            } else {
                response = relayed(asked.get()); // done: does not wait
                details.put("outcome", response.has("error") ? "agent-error" : "answered");
            }
        } catch (TimeoutException e) {
            if (asked != null) {
                asked.cancel(false);
            }
            details.put("outcome", "timeout");
            response = error(
                    GatewayError.UPSTREAM_UNAVAILABLE,
                    "the agent did not answer " + method + " within " + timeout + " (gateway.upstream-timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            details.put("outcome", "unavailable");
            response = error(GatewayError.UPSTREAM_UNAVAILABLE, "the gateway stopped waiting for the agent");
        } catch (GatewayException e) {
            details.put("outcome", e.error() == GatewayError.OVERLOADED ? "overloaded" : "unavailable");
            response = error(e.error(), e.getMessage());
        } catch (java.util.concurrent.ExecutionException e) {
            details.put("outcome", "unavailable");
            response = error(
                    GatewayError.UPSTREAM_UNAVAILABLE,
                    e.getCause() instanceof GatewayException g ? g.getMessage() : "the agent's session has ended");
        }
        return recorded(caller, details, started, response);
    }

    /**
     * Refuses an upstream request that no agent session can be asked (see {@link OutsideCalls}) with {@code -32601}
     * and the reason, recorded as a {@code gateway.client-request} event with outcome {@code no-agent}: by the
     * upstream, about the mandate its connection belongs to (or the upstream, for a shared connection).
     *
     * @param server the upstream that asks
     * @param mandateId the mandate its connection belongs to, or null for a shared connection
     * @param method the request's method
     * @param params its parameters
     * @param why the reason, for the upstream and the audit log
     * @return the error response to send upstream
     */
    ObjectNode refused(String server, @Nullable String mandateId, String method, JsonNode params, String why) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("method", truncate(method));
        details.put("upstream", server);
        details.put("argumentDigest", Canonical.digest(params));
        details.put("decision", "not-asked");
        details.put("outcome", "no-agent");
        details.put("latencyMicros", "0");
        ObjectNode response = error(GatewayError.METHOD_NOT_FOUND, why);
        try {
            audit.record(new AuditEntry(
                    "gateway.client-request",
                    "upstream:" + server,
                    mandateId != null ? mandateId : "upstream:" + server,
                    truncate(why),
                    details));
            return response;
        } catch (RuntimeException e) {
            LOG.error("the audit log refused the record of {} from '{}'", details.get("method"), server, e);
            return error(
                    GatewayError.AUDIT_UNAVAILABLE,
                    "the request could not be recorded in the audit log; it is refused: " + why);
        }
    }

    /** The agent's response as it goes upstream: its result object, or its error with the message bounded. */
    private static ObjectNode relayed(JsonNode agentResponse) {
        JsonNode error = agentResponse.get("error");
        if (error != null && error.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ObjectNode e = out.putObject("error");
            JsonNode code = error.path("code");
            e.put("code", code.canConvertToInt() ? code.asInt() : GatewayError.INTERNAL.jsonRpcCode());
            String message = error.path("message").asText("");
            e.put("message", message.length() <= MAX_ERROR_MESSAGE ? message : message.substring(0, MAX_ERROR_MESSAGE));
            return out;
        }
        JsonNode result = agentResponse.get("result");
        if (result == null || !result.isObject()) {
            return error(GatewayError.INTERNAL, "the agent answered without a result object");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("result", result);
        return out;
    }

    /** A request the policy refused: the agent is not asked, and the refusal is recorded with its policies. */
    private ObjectNode denied(
            CallerContext caller, Map<String, String> details, long started, List<String> policyIds, String message) {
        details.put("decision", "deny");
        details.put("policies", String.join(",", policyIds));
        details.put("outcome", "not-asked");
        return recorded(caller, details, started, error(GatewayError.DENIED, message));
    }

    private ObjectNode recorded(CallerContext caller, Map<String, String> details, long started, ObjectNode response) {
        details.put("latencyMicros", Long.toString((System.nanoTime() - started) / 1000));
        JsonNode error = response.get("error");
        String reason = error == null ? null : truncate(error.path("message").asText(""));
        try {
            audit.record(
                    new AuditEntry("gateway.client-request", caller.agentId(), caller.mandateId(), reason, details));
            return response;
        } catch (RuntimeException e) {
            LOG.error(
                    "the audit log refused the record of {} to {}; refusing it",
                    details.get("method"),
                    caller.agentId(),
                    e);
            return error(
                    GatewayError.AUDIT_UNAVAILABLE,
                    "the request could not be recorded in the audit log, so the agent's answer is withheld");
        }
    }

    /** An error response in the gateway's shape: the code, the message, and {@code data.code}. */
    static ObjectNode error(GatewayError error, String message) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode e = out.putObject("error");
        e.put("code", error.jsonRpcCode());
        e.put("message", message);
        e.putObject("data").put("code", error.wireName());
        return out;
    }

    static String truncate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
