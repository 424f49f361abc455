package dev.mandate.gateway.policy;

import dev.mandate.cedar.schema.SchemaType.RecordType;
import dev.mandate.core.approval.Approval;
import dev.mandate.core.approval.ApprovalKey;
import dev.mandate.core.approval.Approvals;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.core.mandate.MandateEndListener;
import dev.mandate.core.policy.AgentFacts;
import dev.mandate.core.policy.CallFacts;
import dev.mandate.core.policy.MandateFacts;
import dev.mandate.core.policy.MandateLookup;
import dev.mandate.core.policy.PolicyDecision;
import dev.mandate.core.policy.PolicyEngine;
import dev.mandate.gateway.CallDecider;
import dev.mandate.gateway.Decision;
import dev.mandate.gateway.DecisionRequest;
import dev.mandate.gateway.Obligation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's decider backed by Mandate's Cedar policies. In order: the mandate and agent must be known and live;
 * the call must be in the mandate's declared scope (denied before policy otherwise); a drifted mandate (call budget
 * spent, or a burst of denials) is denied with {@link Decision.Deny.Kind#BUDGET_EXCEEDED} and reported once to the
 * {@link DriftListener}; then policy decides. An {@code @approval} denial becomes an approval bound to (mandate,
 * tool, argument digest, policy-set version): when that approval has been granted the identical call passes, once.
 * Thread-safe. It is also a {@link MandateEndListener}, to forget what ended mandates did.
 */
public final class CedarCallDecider implements CallDecider, MandateEndListener {
    /** The most mandates whose activity is tracked at once; past it new mandates are denied (fail closed). */
    public static final int MAX_TRACKED_MANDATES = 200_000;

    private final PolicyEngine engine;
    private final Approvals approvals;
    private final MandateLookup mandates;
    private final DriftSettings drift;
    private final DriftListener driftListener;
    private final Function<String, @Nullable RecordType> inputTypes;
    private final Map<String, Activity> activity = new ConcurrentHashMap<>();

    /**
     * Creates the decider.
     *
     * @param engine decides against the policies in force
     * @param approvals the approval workflow
     * @param mandates looks up mandates and agents
     * @param drift the drift limits
     * @param driftListener told when a mandate drifts
     * @param inputTypes the input type of a tool by its action id ({@code <server>.<tool>}), or null when unknown
     */
    public CedarCallDecider(
            PolicyEngine engine,
            Approvals approvals,
            MandateLookup mandates,
            DriftSettings drift,
            DriftListener driftListener,
            Function<String, @Nullable RecordType> inputTypes) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.approvals = Objects.requireNonNull(approvals, "approvals");
        this.mandates = Objects.requireNonNull(mandates, "mandates");
        this.drift = Objects.requireNonNull(drift, "drift");
        this.driftListener = Objects.requireNonNull(driftListener, "driftListener");
        this.inputTypes = Objects.requireNonNull(inputTypes, "inputTypes");
    }

    @Override
    public Decision decide(DecisionRequest request) {
        String mandateId = request.caller().mandateId();
        MandateFacts mandate = mandates.mandate(mandateId);
        if (mandate == null) {
            return deny("mandate " + mandateId + " is not live");
        }
        AgentFacts agent = mandates.agent(request.caller().agentId());
        if (agent == null || !agent.id().equals(mandate.agentId())) {
            return deny("agent " + request.caller().agentId() + " is unknown or does not hold mandate " + mandateId);
        }
        if (request.method().equals("sampling/createMessage")
                || request.method().equals("elicitation/create")
                || request.method().equals("roots/list")) {
            return clientRequest(request, agent, mandate);
        }
        if (!mandate.inScope(scopeName(request))) {
            return deny(request.action() + " is outside the declared scope of mandate " + mandateId);
        }
        if (request.listing()) {
            return listing(request, agent, mandate);
        }
        Activity act = activity(mandateId);
        if (act == null) {
            return deny(
                    "too many mandates tracked (CedarCallDecider.MAX_TRACKED_MANDATES = " + MAX_TRACKED_MANDATES + ")");
        }
        String drifted = act.drift();
        if (drifted != null) {
            return budget(mandateId, drifted);
        }
        long budget = mandate.callBudget() > 0 ? mandate.callBudget() : drift.defaultCallBudget();
        if (act.calls() >= budget) {
            String reason = "call budget of " + budget + " spent";
            if (act.markDrift(reason)) {
                driftListener.drifted(mandateId, reason);
            }
            return budget(mandateId, reason);
        }
        CallFacts facts = facts(request, agent, mandate, act);
        PolicyDecision decision = engine.decide(facts);
        if (decision instanceof PolicyDecision.ApprovalRequired ask) {
            ApprovalKey key = new ApprovalKey(mandateId, request.action(), request.argumentDigest(), ask.version());
            if (approvals.consume(key)) {
                decision = engine.decide(facts.withApprovalGranted(true));
            } else {
                Approval approval = approvals.request(key, ask.policyIds(), ask.approvers());
                return new Decision.ApprovalRequired(approval.id(), ask.policyIds());
            }
        }
        return switch (decision) {
            case PolicyDecision.Allow allow -> {
                act.allowed(request.action());
                List<Obligation> obligations = new ArrayList<>();
                for (String path : allow.redactions()) {
                    obligations.add(new Obligation.Redact(path));
                }
                yield new Decision.Allow(obligations);
            }
            case PolicyDecision.Deny d -> {
                if (act.denied(request.at(), drift.denialBurst(), drift.burstWindow())) {
                    String reason = drift.denialBurst() + " denials within " + drift.burstWindow();
                    driftListener.drifted(mandateId, reason);
                    yield new Decision.Deny(
                            d.policyIds(),
                            d.reason() + "; " + reason + ": mandate drifted",
                            Decision.Deny.Kind.BUDGET_EXCEEDED);
                }
                yield new Decision.Deny(d.policyIds(), d.reason() + " [policy set " + d.version() + "]");
            }
            case PolicyDecision.ApprovalRequired a ->
                // Only reachable if an approval was consumed and the set changed in between: fail closed.
                new Decision.Deny(a.policyIds(), "approval was used but the policies changed; ask again");
        };
    }

    /**
     * An upstream's request to the agent (sampling, elicitation, roots): not an act of the agent, so it is outside the
     * declared scope's reach, spends no call budget and counts as no denial towards drift (an upstream could otherwise
     * revoke an agent's mandate by asking often); a drifted mandate is refused. An {@code @approval} denial is
     * a plain deny here: the upstream waits for no approver.
     */
    private Decision clientRequest(DecisionRequest request, AgentFacts agent, MandateFacts mandate) {
        Activity act = activity.get(mandate.id());
        if (act != null && act.drift() != null) {
            return deny("mandate " + mandate.id() + " drifted");
        }
        PolicyDecision d = engine.decide(facts(request, agent, mandate, act));
        return switch (d) {
            case PolicyDecision.Allow a -> new Decision.Allow(List.of());
            case PolicyDecision.ApprovalRequired a ->
                new Decision.Deny(a.policyIds(), "approval required, which an upstream's request cannot wait for");
            case PolicyDecision.Deny x ->
                new Decision.Deny(x.policyIds(), x.reason() + " [policy set " + x.version() + "]");
        };
    }

    private Decision listing(DecisionRequest request, AgentFacts agent, MandateFacts mandate) {
        Activity act = activity.get(mandate.id());
        if (act != null && act.drift() != null) {
            return deny("mandate " + mandate.id() + " drifted");
        }
        PolicyDecision d = engine.decide(facts(request, agent, mandate, act));
        return switch (d) {
            case PolicyDecision.Allow a -> new Decision.Allow(List.of());
            case PolicyDecision.ApprovalRequired a -> new Decision.ApprovalRequired("listing", a.policyIds());
            // A policy that failed to evaluate on the empty listing input may depend on the arguments: list the tool,
            // the call itself is decided on its real arguments.
            case PolicyDecision.Deny x ->
                x.errors().isEmpty() ? new Decision.Deny(x.policyIds(), x.reason()) : new Decision.Allow(List.of());
        };
    }

    private CallFacts facts(DecisionRequest request, AgentFacts agent, MandateFacts mandate, @Nullable Activity act) {
        CatalogKey target = request.target();
        RecordType type = inputTypes.apply(request.action());
        return new CallFacts(
                agent,
                mandate,
                request.method(),
                request.action(),
                target.server(),
                request.entry(),
                request.flow(),
                CedarInput.input(request.input(), type),
                false,
                act == null ? dev.mandate.core.policy.CallHistory.EMPTY : act.history(),
                CedarInput.destinationHost(request.input()),
                request.at());
    }

    /** The name the declared scope is checked against: the namespaced tool or prompt, or server + URI. */
    private static String scopeName(DecisionRequest request) {
        return request.method().equals("resources/read")
                ? request.target().server() + "." + request.action()
                : request.action();
    }

    private @Nullable Activity activity(String mandateId) {
        Activity a = activity.get(mandateId);
        if (a != null) {
            return a;
        }
        if (activity.size() >= MAX_TRACKED_MANDATES) {
            return null;
        }
        return activity.computeIfAbsent(mandateId, k -> new Activity());
    }

    private static Decision budget(String mandateId, String reason) {
        return new Decision.Deny(
                List.of(), "mandate " + mandateId + " drifted: " + reason, Decision.Deny.Kind.BUDGET_EXCEEDED);
    }

    private static Decision deny(String reason) {
        return new Decision.Deny(List.of(), reason);
    }

    /** Forgets what an ended mandate did. */
    @Override
    public void mandateEnded(String mandateId, String reason) {
        activity.remove(mandateId);
    }
}
