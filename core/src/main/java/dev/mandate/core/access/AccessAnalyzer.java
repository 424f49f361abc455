package dev.mandate.core.access;

import dev.mandate.cedar.Authorizer;
import dev.mandate.cedar.Effect;
import dev.mandate.cedar.Policy;
import dev.mandate.cedar.PolicySet;
import dev.mandate.cedar.RecordValue;
import dev.mandate.cedar.Response;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKind;
import dev.mandate.core.flow.Category;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.policy.AgentFacts;
import dev.mandate.core.policy.CallFacts;
import dev.mandate.core.policy.CallHistory;
import dev.mandate.core.policy.CedarMapping;
import dev.mandate.core.policy.MandateFacts;
import dev.mandate.core.policy.PolicyDecision;
import dev.mandate.core.policy.PolicyEngine;
import dev.mandate.core.policy.PolicyInfo;
import dev.mandate.core.policy.PolicySnapshot;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Explains access by evaluating the policies in force with concrete requests. For each agent, purpose and target it
 * decides a base call (nothing seen yet, no approval, a root mandate) and variants that differ in one respect: flow
 * labels holding one sensitivity, one category or {@code untrusted}, and a delegated mandate. Conditions are read off
 * the variants whose answer differs from the base. What it cannot see: conditions on the call's arguments, on history,
 * on the destination host or on time are reported only when they make the base call fail to evaluate; combinations of
 * labels are not tried, except along toxic flows. Thread-safe; each call reads the policy set in force once per
 * decision.
 */
public final class AccessAnalyzer {
    /** The most agent × purpose × target cells one report evaluates (each takes about ten decisions). */
    public static final int MAX_CELLS = 50_000;

    private static final List<Category> STANDARD_CATEGORIES =
            List.of(Category.PII, Category.PHI, Category.PCI, Category.SECRET);
    private static final String PROBE = "mandate-access-probe";

    private final PolicyEngine engine;
    private final MandateLimits limits;
    private final InstantSource clock;

    /**
     * Creates an analyzer.
     *
     * @param engine decides against the policies in force
     * @param limits the tier limits, for the mandate lifetime the requests carry
     * @param clock the time the requests are made at
     */
    public AccessAnalyzer(PolicyEngine engine, MandateLimits limits, InstantSource clock) {
        this.engine = engine;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Explains every purpose of every agent against every target.
     *
     * @param agents the agents
     * @param targets the targets
     * @return one explanation per agent, purpose and target; an agent without purposes gets one {@link Verdict#NEVER}
     *     per target with purpose {@code ""}
     * @throws MandateException with {@code BAD_REQUEST} if more than {@link #MAX_CELLS} cells would be evaluated
     */
    public List<AccessExplanation> explainAll(List<Agent> agents, List<AccessTarget> targets) {
        long cells = 0;
        for (Agent a : agents) {
            cells += (long) Math.max(1, a.purposes().size()) * targets.size();
        }
        if (cells > MAX_CELLS) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "the access report would evaluate " + cells + " agent x purpose x target cells: at most "
                            + MAX_CELLS + " (AccessAnalyzer.MAX_CELLS); ask about one tool or one agent");
        }
        List<Category> categories = categories(targets);
        List<AccessExplanation> out = new ArrayList<>();
        for (Agent a : agents) {
            for (AccessTarget t : targets) {
                if (a.purposes().isEmpty()) {
                    out.add(never(a, "", t, "the agent has no purposes, so it cannot open a mandate"));
                }
                for (String p : a.purposes()) {
                    out.add(explain(a, p, t, categories));
                }
            }
        }
        return out;
    }

    /**
     * Explains one agent acting for one purpose against one target.
     *
     * @param agent the agent
     * @param purpose the purpose of the mandate
     * @param target the target
     * @return the explanation
     */
    public AccessExplanation explain(Agent agent, String purpose, AccessTarget target) {
        return explain(agent, purpose, target, categories(List.of(target)));
    }

    private AccessExplanation explain(Agent agent, String purpose, AccessTarget target, List<Category> categories) {
        if (!agent.isActive()) {
            return never(
                    agent, purpose, target, "the agent is " + agent.status().wireName());
        }
        if (!agent.purposes().contains(purpose)) {
            return never(agent, purpose, target, "the agent may not act for purpose '" + purpose + "'");
        }
        PolicyDecision base = decide(agent, purpose, target, FlowLabels.NONE, 0);
        Set<String> policies = new LinkedHashSet<>(base.policyIds());
        List<String> conditions = new ArrayList<>();
        boolean baseAllows = !(base instanceof PolicyDecision.Deny);
        if (base instanceof PolicyDecision.ApprovalRequired ask) {
            conditions.add("only with approval"
                    + (ask.approvers().isEmpty() ? "" : " by " + String.join(", ", ask.approvers())) + " ("
                    + String.join(", ", ask.policyIds()) + ")");
        }
        if (base instanceof PolicyDecision.Deny d && !d.errors().isEmpty()) {
            return new AccessExplanation(
                    agent.name(),
                    purpose,
                    target,
                    Verdict.CONDITIONAL,
                    List.of("depends on the call's arguments: " + String.join(", ", d.policyIds())
                            + " could not be evaluated without them"),
                    d.policyIds(),
                    d.reason());
        }
        boolean sensitivityNoted = false;
        for (Variant v : variants(categories)) {
            PolicyDecision d = decide(agent, purpose, target, v.flow(), v.depth());
            boolean allows = !(d instanceof PolicyDecision.Deny);
            if (baseAllows && !allows) {
                if (v.sensitivity() && sensitivityNoted) {
                    continue; // the lowest sensitivity that denies says it all
                }
                sensitivityNoted |= v.sensitivity();
                conditions.add(v.without());
                policies.addAll(d.policyIds());
            } else if (baseAllows
                    && d instanceof PolicyDecision.ApprovalRequired ask
                    && !(base instanceof PolicyDecision.ApprovalRequired)) {
                conditions.add("needs approval " + v.once() + " (" + String.join(", ", ask.policyIds()) + ")");
                policies.addAll(ask.policyIds());
            } else if (!baseAllows && allows) {
                conditions.add(v.with());
                policies.addAll(d.policyIds());
            }
        }
        if (!baseAllows && conditions.isEmpty()) {
            PolicyDecision.Deny d = (PolicyDecision.Deny) base;
            return new AccessExplanation(
                    agent.name(), purpose, target, Verdict.NEVER, List.of(), d.policyIds(), d.reason());
        }
        Verdict verdict = conditions.isEmpty() ? Verdict.ALLOWED : Verdict.CONDITIONAL;
        String reason = verdict == Verdict.ALLOWED
                ? "allowed by " + String.join(", ", base.policyIds())
                : "allowed only under conditions";
        return new AccessExplanation(agent.name(), purpose, target, verdict, conditions, List.copyOf(policies), reason);
    }

    /**
     * Finds, for each purpose of an agent, the first toxic flow among the targets: a sensitive read, then an untrusted
     * read (or the other way round), then an egress call, each allowed given the labels before it.
     *
     * @param agent the agent
     * @param targets the targets
     * @return at most one flow per purpose
     */
    public List<ToxicFlow> toxicFlows(Agent agent, List<AccessTarget> targets) {
        List<ToxicFlow> out = new ArrayList<>();
        if (!agent.isActive()) {
            return out;
        }
        List<AccessTarget> sensitive =
                targets.stream().filter(AccessAnalyzer::readsSensitive).toList();
        List<AccessTarget> untrusted = targets.stream()
                .filter(t -> t.entry().resultLabels().untrusted())
                .toList();
        List<AccessTarget> egress =
                targets.stream().filter(t -> t.entry().egress()).toList();
        for (String purpose : agent.purposes()) {
            ToxicFlow found = firstToxic(agent, purpose, sensitive, untrusted, egress);
            if (found != null) {
                out.add(found);
            }
        }
        return out;
    }

    private @org.jspecify.annotations.Nullable ToxicFlow firstToxic(
            Agent agent,
            String purpose,
            List<AccessTarget> sensitive,
            List<AccessTarget> untrusted,
            List<AccessTarget> egress) {
        ToxicFlow guarded = null;
        for (AccessTarget s : sensitive) {
            for (AccessTarget u : untrusted) {
                for (boolean sensitiveFirst : new boolean[] {true, false}) {
                    AccessTarget first = sensitiveFirst ? s : u;
                    AccessTarget second = sensitiveFirst ? u : s;
                    PolicyDecision d1 = decide(agent, purpose, first, FlowLabels.NONE, 0);
                    if (d1 instanceof PolicyDecision.Deny) {
                        continue;
                    }
                    FlowLabels after1 = first.entry().resultLabels();
                    PolicyDecision d2 = decide(agent, purpose, second, after1, 0);
                    if (d2 instanceof PolicyDecision.Deny) {
                        continue;
                    }
                    FlowLabels after2 = after1.join(second.entry().resultLabels());
                    for (AccessTarget e : egress) {
                        PolicyDecision d3 = decide(agent, purpose, e, after2, 0);
                        if (d3 instanceof PolicyDecision.Deny) {
                            continue;
                        }
                        boolean approval = d1 instanceof PolicyDecision.ApprovalRequired
                                || d2 instanceof PolicyDecision.ApprovalRequired
                                || d3 instanceof PolicyDecision.ApprovalRequired;
                        Set<String> ids = new LinkedHashSet<>(d1.policyIds());
                        ids.addAll(d2.policyIds());
                        ids.addAll(d3.policyIds());
                        ToxicFlow flow = new ToxicFlow(
                                agent.name(), purpose, s.action(), u.action(), e.action(), approval, List.copyOf(ids));
                        if (!approval) {
                            return flow;
                        }
                        if (guarded == null) {
                            guarded = flow;
                        }
                    }
                }
            }
        }
        return guarded;
    }

    /**
     * Finds permits that allow an action, on a server, that no catalog names: for every agent (a probe agent no
     * policy can know) or for one of the given agents. Each permit is evaluated alone, in a neutral context.
     *
     * @param agents the agents to try as principals
     * @return the broad permits, each once, the all-agents form first
     */
    public List<BroadPermit> broadPermits(List<Agent> agents) {
        PolicySnapshot snapshot = engine.current();
        List<BroadPermit> out = new ArrayList<>();
        for (Policy p : snapshot.policies().policies()) {
            if (p.effect() != Effect.PERMIT) {
                continue;
            }
            PolicyInfo info = snapshot.info(p.id());
            String id = info == null ? p.id() : info.id();
            String location = info == null ? "" : info.location();
            PolicySet alone = PolicySet.of(List.of(p));
            if (permits(alone, probeAgent(), PROBE)) {
                out.add(new BroadPermit(id, location, null));
                continue;
            }
            for (Agent a : agents) {
                String purpose =
                        a.purposes().isEmpty() ? PROBE : a.purposes().iterator().next();
                if (permits(alone, facts(a), purpose)) {
                    out.add(new BroadPermit(id, location, a.name()));
                    break;
                }
            }
        }
        return out;
    }

    private boolean permits(PolicySet alone, AgentFacts agent, String purpose) {
        Instant now = clock.instant();
        CallFacts probe = new CallFacts(
                agent,
                new MandateFacts(
                        PROBE,
                        agent.id(),
                        purpose,
                        agent.tier(),
                        0,
                        null,
                        now,
                        now.plus(limits.of(agent.tier()).maxTtl()),
                        Set.of("*"),
                        0,
                        null),
                "tools/call",
                PROBE + "." + PROBE,
                PROBE,
                new CatalogEntry(FlowLabels.NONE, false, false, false, null, List.of(), CatalogEntry.Source.CONFIGURED),
                FlowLabels.NONE,
                RecordValue.EMPTY,
                false,
                CallHistory.EMPTY,
                "",
                now);
        try {
            Response r = Authorizer.authorize(alone, CedarMapping.request(probe), CedarMapping.entities(probe));
            return r.allowed();
        } catch (RuntimeException e) {
            return false; // a permit that cannot be evaluated on the probe allows nothing there
        }
    }

    private static AgentFacts probeAgent() {
        return new AgentFacts(
                "spiffe://" + PROBE + "/agent/" + PROBE, "team-" + PROBE, true, dev.mandate.core.mandate.Tier.COPILOT);
    }

    private PolicyDecision decide(Agent agent, String purpose, AccessTarget target, FlowLabels flow, int depth) {
        Instant now = clock.instant();
        AgentFacts a = facts(agent);
        MandateFacts m = new MandateFacts(
                depth == 0 ? PROBE : PROBE + "-child",
                a.id(),
                purpose,
                agent.tier(),
                depth,
                null,
                now,
                now.plus(limits.of(agent.tier()).maxTtl()),
                Set.of(target.kind() == CatalogKind.RESOURCE ? target.server() + "." + target.name() : target.action()),
                0,
                null);
        return engine.decide(new CallFacts(
                a,
                m,
                target.method(),
                target.action(),
                target.server(),
                target.entry(),
                flow,
                RecordValue.EMPTY,
                false,
                CallHistory.EMPTY,
                "",
                now));
    }

    /** The facts the gateway builds for an agent (owners named team-... are teams, as in the gateway). */
    private static AgentFacts facts(Agent agent) {
        return new AgentFacts(
                agent.id().toString(), agent.owner(), agent.owner().startsWith("team-"), agent.tier());
    }

    private static AccessExplanation never(Agent a, String purpose, AccessTarget t, String reason) {
        return new AccessExplanation(a.name(), purpose, t, Verdict.NEVER, List.of(), List.of(), reason);
    }

    /**
     * Tells whether a target's output is sensitive: confidential or above, or in any category.
     *
     * @param t the target
     * @return true if reading it taints a mandate with sensitive labels
     */
    public static boolean readsSensitive(AccessTarget t) {
        FlowLabels out = t.entry().resultLabels();
        return out.sensitivity().compareTo(Sensitivity.CONFIDENTIAL) >= 0
                || !out.categories().isEmpty();
    }

    private static List<Category> categories(List<AccessTarget> targets) {
        TreeSet<Category> all = new TreeSet<>(STANDARD_CATEGORIES);
        for (AccessTarget t : targets) {
            all.addAll(t.entry().resultLabels().categories());
        }
        return List.copyOf(all);
    }

    private static List<Variant> variants(List<Category> categories) {
        List<Variant> out = new ArrayList<>();
        for (Sensitivity s : Sensitivity.values()) {
            if (s != Sensitivity.PUBLIC) {
                String w = "`" + s.wireName() + "`";
                out.add(new Variant(
                        FlowLabels.of(s, Set.of(), false),
                        0,
                        true,
                        "only while flow sensitivity is below " + w,
                        "once flow sensitivity reaches " + w,
                        "only once flow sensitivity reaches " + w));
            }
        }
        for (Category c : categories) {
            String w = "`" + c.name() + "`";
            out.add(new Variant(
                    FlowLabels.of(Sensitivity.PUBLIC, Set.of(c), false),
                    0,
                    false,
                    "only without " + w + " in flow labels",
                    "once " + w + " is in flow labels",
                    "only with " + w + " in flow labels"));
        }
        out.add(new Variant(
                FlowLabels.of(Sensitivity.PUBLIC, Set.of(), true),
                0,
                false,
                "only before untrusted content is seen (`untrusted` not in flow labels)",
                "once untrusted content is seen",
                "only after untrusted content is seen"));
        out.add(new Variant(
                FlowLabels.NONE,
                1,
                false,
                "only in a root mandate, not a delegated one",
                "in a delegated mandate",
                "only in a delegated mandate"));
        return out;
    }

    /** One context that differs from the base call in one respect, with the words for each kind of difference. */
    private record Variant(FlowLabels flow, int depth, boolean sensitivity, String without, String once, String with) {}
}
