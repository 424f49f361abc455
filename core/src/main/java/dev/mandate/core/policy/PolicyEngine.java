package dev.mandate.core.policy;

import dev.mandate.cedar.Authorizer;
import dev.mandate.cedar.Effect;
import dev.mandate.cedar.Entities;
import dev.mandate.cedar.Request;
import dev.mandate.cedar.Response;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Decides calls against the policy set in force. Fail closed: only an explicit permit with no forbid allows; a forbid
 * that fails to evaluate denies (Cedar would skip it, which could let a permit through); an engine failure denies.
 * Thread-safe.
 */
public final class PolicyEngine {
    private final Supplier<PolicySnapshot> policies;

    /**
     * Creates an engine.
     *
     * @param policies gives the snapshot in force, e.g. {@code store::current}
     */
    public PolicyEngine(Supplier<PolicySnapshot> policies) {
        this.policies = Objects.requireNonNull(policies, "policies");
    }

    /**
     * Returns the policy set in force.
     *
     * @return the snapshot
     */
    public PolicySnapshot current() {
        return policies.get();
    }

    /**
     * Decides an MCP call. An {@link PolicyDecision.ApprovalRequired} is only returned when the same call with
     * {@code context.approval.granted} would be allowed; otherwise approval could not help and the answer is a deny.
     * The facts' own {@code approvalGranted} is used as given.
     *
     * @param facts the call
     * @return the decision
     */
    public PolicyDecision decide(CallFacts facts) {
        PolicySnapshot snapshot = policies.get();
        PolicyDecision first = decide(snapshot, facts);
        if (first instanceof PolicyDecision.ApprovalRequired ask && !facts.approvalGranted()) {
            PolicyDecision approved = decide(snapshot, facts.withApprovalGranted(true));
            if (!(approved instanceof PolicyDecision.Allow)) {
                return new PolicyDecision.Deny(
                        approved.policyIds().isEmpty() ? ask.policyIds() : approved.policyIds(),
                        "denied by " + String.join(", ", ask.policyIds())
                                + " (approval alone would not allow it: "
                                + (approved.policyIds().isEmpty()
                                        ? "no policy permits it"
                                        : "also " + String.join(", ", approved.policyIds()))
                                + ")",
                        List.of(),
                        snapshot.version());
            }
        }
        return first;
    }

    private static PolicyDecision decide(PolicySnapshot snapshot, CallFacts facts) {
        Request request;
        Entities entities;
        try {
            request = CedarMapping.request(facts);
            entities = CedarMapping.entities(facts);
        } catch (RuntimeException e) {
            return new PolicyDecision.Deny(
                    List.of(),
                    "the call could not be mapped onto Cedar: " + e.getMessage(),
                    List.of(),
                    snapshot.version());
        }
        return decide(snapshot, request, entities);
    }

    /**
     * Decides a raw Cedar request (for {@code POST /v1/authorize}).
     *
     * @param request the request
     * @param entities the entities
     * @return the decision, made with the snapshot in force
     */
    public PolicyDecision decide(Request request, Entities entities) {
        return decide(policies.get(), request, entities);
    }

    static PolicyDecision decide(PolicySnapshot snapshot, Request request, Entities entities) {
        String version = snapshot.version();
        Response response;
        try {
            response = Authorizer.authorize(snapshot.policies(), request, entities);
        } catch (RuntimeException e) {
            // Fail closed; the message is the engine's, which never carries argument values verbatim beyond limits.
            return new PolicyDecision.Deny(
                    List.of(), "policy evaluation failed: " + e.getClass().getSimpleName(), List.of(), version);
        }
        List<String> errors = new ArrayList<>();
        List<String> failedForbids = new ArrayList<>();
        for (Response.PolicyError e : response.errors()) {
            PolicyInfo info = snapshot.info(e.policyId());
            String id = info == null ? e.policyId() : info.id();
            errors.add(id + ": " + e.message());
            if (info == null || info.effect() == Effect.FORBID) {
                failedForbids.add(id);
            }
        }
        List<PolicyInfo> determining = new ArrayList<>();
        for (String engineId : response.reasons()) {
            PolicyInfo info = snapshot.info(engineId);
            if (info != null) {
                determining.add(info);
            }
        }
        List<String> ids = determining.stream().map(PolicyInfo::id).toList();
        if (response.allowed()) {
            if (!failedForbids.isEmpty()) {
                return new PolicyDecision.Deny(
                        failedForbids,
                        "forbid " + String.join(", ", failedForbids) + " failed to evaluate; failing closed",
                        errors,
                        version);
            }
            List<String> redactions = new ArrayList<>();
            for (PolicyInfo p : determining) {
                String path = p.redact();
                if (path != null) {
                    redactions.add(path);
                }
            }
            return new PolicyDecision.Allow(ids, redactions, version);
        }
        if (ids.isEmpty()) {
            return new PolicyDecision.Deny(
                    failedForbids,
                    errors.isEmpty()
                            ? "no policy permits this call"
                            : "no policy permits this call; " + errors.size() + " policies failed to evaluate",
                    errors,
                    version);
        }
        LinkedHashSet<String> approvers = new LinkedHashSet<>();
        for (PolicyInfo p : determining) {
            String who = p.approver();
            if (who == null) {
                return new PolicyDecision.Deny(ids, "denied by " + String.join(", ", ids), errors, version);
            }
            approvers.add(who);
        }
        if (!failedForbids.isEmpty()) {
            return new PolicyDecision.Deny(
                    ids,
                    "denied by " + String.join(", ", ids) + "; forbid " + String.join(", ", failedForbids)
                            + " failed to evaluate",
                    errors,
                    version);
        }
        return new PolicyDecision.ApprovalRequired(ids, List.copyOf(approvers), version);
    }
}
