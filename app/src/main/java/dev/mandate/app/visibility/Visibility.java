package dev.mandate.app.visibility;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.access.AccessAnalyzer;
import dev.mandate.core.access.AccessExplanation;
import dev.mandate.core.access.AccessTarget;
import dev.mandate.core.access.Verdict;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.catalog.CatalogKind;
import dev.mandate.core.catalog.ToolHints;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.LeaseQuery;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.policy.PolicyEngine;
import dev.mandate.core.posture.AgentActivity;
import dev.mandate.core.posture.Finding;
import dev.mandate.core.posture.PostureInputs;
import dev.mandate.core.posture.PostureScanner;
import dev.mandate.core.posture.PostureSettings;
import dev.mandate.core.posture.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Answers the three visibility questions from the node's live state, as JSON-ready maps: who can use a tool or
 * resource, what one agent can do (with its mandate trees and leases), and the posture findings. Every access answer
 * says how it would be revoked and how long that took when measured.
 */
public final class Visibility {
    /** The longest resource query accepted. */
    public static final int MAX_QUERY_LENGTH = 2048;

    private final AgentRegistry agents;
    private final MandateRegistry mandates;
    private final LeaseManager leases;
    private final Supplier<Catalog> catalog;
    private final AuditLog audit;
    private final RevocationMeter revocations;
    private final Set<String> sharedSecretBackends;
    private final Supplier<Set<String>> inactiveOwners;
    private final PostureSettings settings;
    private final InstantSource clock;
    private final AccessAnalyzer analyzer;
    private final PostureScanner scanner;

    /**
     * Creates the service.
     *
     * @param agents the agent registry
     * @param mandates the mandate registry
     * @param leases the lease manager
     * @param catalog the gateway's catalog in force
     * @param engine decides against the policies in force
     * @param audit the audit log, read for recent activity
     * @param revocations the measured revocation latency
     * @param sharedSecretBackends the names of the credential backends that check out shared accounts
     * @param inactiveOwners owners known to be inactive (an HR or IdP feed; empty when none is connected)
     * @param settings the posture thresholds
     * @param clock the time answers are computed at
     */
    public Visibility(
            AgentRegistry agents,
            MandateRegistry mandates,
            LeaseManager leases,
            Supplier<Catalog> catalog,
            PolicyEngine engine,
            AuditLog audit,
            RevocationMeter revocations,
            Set<String> sharedSecretBackends,
            Supplier<Set<String>> inactiveOwners,
            PostureSettings settings,
            InstantSource clock) {
        this.agents = agents;
        this.mandates = mandates;
        this.leases = leases;
        this.catalog = catalog;
        this.audit = audit;
        this.revocations = revocations;
        this.sharedSecretBackends = Set.copyOf(sharedSecretBackends);
        this.inactiveOwners = inactiveOwners;
        this.settings = settings;
        this.clock = clock;
        this.analyzer = new AccessAnalyzer(engine, mandates.limits(), clock);
        this.scanner = new PostureScanner(analyzer, mandates.limits(), settings, clock);
    }

    /**
     * Answers who can use a tool, a resource, or any tool of a server.
     *
     * @param resource a tool ({@code <server>.<tool>}), a resource URI, or a server name
     * @return {@code {resource, allowed[], never[], revocation}}
     * @throws MandateException with {@code BAD_REQUEST} for an empty or too long query, {@code NOT_FOUND} if it names
     *     nothing in the catalog and is not of the form {@code <server>.<tool>}
     */
    public Map<String, Object> whoCan(String resource) {
        if (resource.isBlank() || resource.length() > MAX_QUERY_LENGTH) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "resource must be 1-" + MAX_QUERY_LENGTH + " characters: a tool (<server>.<tool>), a resource URI"
                            + " or a server name");
        }
        List<AccessTarget> targets = targets(resource);
        List<Agent> all = agents.list();
        List<AccessExplanation> cells = analyzer.explainAll(all, targets);
        List<Map<String, Object>> allowed = new ArrayList<>();
        Map<String, Set<String>> neverReasons = new TreeMap<>();
        Set<String> someAllowed = new LinkedHashSet<>();
        for (AccessExplanation e : cells) {
            if (e.verdict() == Verdict.NEVER) {
                neverReasons
                        .computeIfAbsent(e.agent(), k -> new LinkedHashSet<>())
                        .add(e.reason());
            } else {
                someAllowed.add(e.agent());
                allowed.add(cell(e));
            }
        }
        List<Map<String, Object>> never = new ArrayList<>();
        neverReasons.forEach((agent, reasons) -> {
            if (!someAllowed.contains(agent)) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("agent", agent);
                n.put("reason", String.join("; ", reasons));
                never.add(n);
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resource", resource);
        out.put("targets", targets.stream().map(AccessTarget::action).distinct().toList());
        out.put("allowed", allowed);
        out.put("never", never);
        out.put(
                "revocation",
                revocation(
                        "per agent: revoke its mandates (POST /v1/mandates/{id}/revoke, cascading to delegated mandates"
                                + " and leases) or press its kill switch (POST /v1/agents/{name}/revoke); for everyone:"
                                + " remove or narrow the policies named above (policy files reload within "
                                + dev.mandate.app.policy.PolicyServices.RELOAD_INTERVAL.toSeconds() + " s)"));
        return out;
    }

    /**
     * Answers what one agent can do.
     *
     * @param nameOrId the agent's name or SPIFFE ID
     * @return {@code {agent, owner, tier, status, purposes, tools[], never[], backends[], mandates[], leases[],
     *     revocation}}
     * @throws MandateException with {@code NOT_FOUND} for an unknown agent
     */
    public Map<String, Object> ofAgent(String nameOrId) {
        Agent agent = find(nameOrId);
        Instant now = clock.instant();
        List<AccessTarget> targets = AccessTarget.of(catalog.get());
        List<Map<String, Object>> tools = new ArrayList<>();
        List<Map<String, Object>> never = new ArrayList<>();
        for (AccessExplanation e : analyzer.explainAll(List.of(agent), targets)) {
            if (e.verdict() == Verdict.NEVER) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("tool", e.target().action());
                n.put("purpose", e.purpose());
                n.put("reason", e.reason());
                never.add(n);
            } else {
                tools.add(cell(e));
            }
        }
        String id = agent.id().toString();
        List<Lease> live = liveLeases(id);
        Map<String, Integer> perBackend = new TreeMap<>();
        leases.backendNames().forEach(b -> perBackend.put(b, 0));
        live.forEach(l -> perBackend.merge(l.backend(), 1, Integer::sum));
        List<Map<String, Object>> backends = new ArrayList<>();
        perBackend.forEach((b, n) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", b);
            m.put("liveLeases", n);
            m.put("sharedSecret", sharedSecretBackends.contains(b));
            backends.add(m);
        });
        List<Map<String, Object>> trees = new ArrayList<>();
        for (Mandate m : LiveMandates.all(mandates)) {
            boolean rootOfAgent = m.agent().equals(agent.id())
                    && (m.parentId() == null
                            || mandates.find(m.parentId())
                                    .map(p -> !p.agent().equals(agent.id()))
                                    .orElse(true));
            if (rootOfAgent) {
                trees.add(tree(m, now, 0));
            }
        }
        List<Map<String, Object>> leaseList = new ArrayList<>();
        for (Lease l : live) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("backend", l.backend());
            m.put("state", l.state().wireName());
            m.put("expiresAt", l.expires().toString());
            m.put(
                    "remainingSeconds",
                    Math.max(0, Duration.between(now, l.expires()).toSeconds()));
            m.put("mandate", l.mandateId());
            m.put("scope", l.scope());
            leaseList.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agent", agent.name());
        out.put("spiffeId", id);
        out.put("owner", agent.owner());
        out.put("tier", agent.tier().wireName());
        out.put("status", agent.status().wireName());
        out.put("purposes", List.copyOf(agent.purposes()));
        out.put("tools", tools);
        out.put("never", never);
        out.put("backends", backends);
        out.put("mandates", trees);
        out.put("leases", leaseList);
        out.put(
                "revocation",
                revocation("kill switch: POST /v1/agents/" + agent.name()
                        + "/revoke (mandate agent disable " + agent.name()
                        + ") disables the agent and revokes every mandate, delegated mandate and lease it holds; one"
                        + " task: POST /v1/mandates/{id}/revoke"));
        return out;
    }

    /**
     * Runs the posture rules.
     *
     * @return {@code {generatedAt, findings[], counts, auditSince}}
     */
    public Map<String, Object> posture() {
        Instant now = clock.instant();
        Duration window = settings.dormantAfter().compareTo(settings.unusedWindow()) > 0
                ? settings.dormantAfter()
                : settings.unusedWindow();
        AgentActivity activity = AuditWindow.read(audit, now.minus(window));
        List<Agent> all = agents.list();
        Set<String> inactive = new LinkedHashSet<>(inactiveOwners.get());
        List<Lease> live =
                new ArrayList<>(leases.list(new LeaseQuery(null, null, null, LeaseState.ACTIVE, LeaseQuery.MAX_LIMIT)));
        live.addAll(leases.list(new LeaseQuery(null, null, null, LeaseState.REVOKING, LeaseQuery.MAX_LIMIT)));
        List<Lease> shared = new ArrayList<>();
        for (String b : sharedSecretBackends) {
            shared.addAll(leases.list(new LeaseQuery(null, null, b, null, LeaseQuery.MAX_LIMIT)));
        }
        List<Finding> findings = scanner.scan(new PostureInputs(
                all, inactive, LiveMandates.all(mandates), live, shared, activity, AccessTarget.of(catalog.get())));
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Severity s : Severity.values()) {
            counts.put(s.wireName(), 0);
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Finding f : findings) {
            counts.merge(f.severity().wireName(), 1, Integer::sum);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", f.id());
            m.put("rule", f.rule().id());
            m.put("severity", f.severity().wireName());
            m.put("subject", f.subject());
            m.put("title", f.title());
            m.put("evidence", f.evidence());
            m.put("fix", f.fix());
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("owaspNhi", f.controls().owaspNhi());
            c.put("owaspAgentic", f.controls().owaspAgentic());
            c.put("nistAiRmf", f.controls().nistAiRmf());
            m.put("controls", c);
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("generatedAt", now.toString());
        out.put("findings", list);
        out.put("counts", counts);
        out.put(
                "auditSince",
                activity.since().equals(Instant.MAX) ? null : activity.since().toString());
        return out;
    }

    private Agent find(String nameOrId) {
        if (nameOrId.startsWith("spiffe://")) {
            return agents.find(SpiffeId.parse(nameOrId))
                    .orElseThrow(() -> new MandateException(ErrorCode.NOT_FOUND, "no agent " + nameOrId));
        }
        return agents.get(nameOrId);
    }

    private List<AccessTarget> targets(String resource) {
        Catalog c = catalog.get();
        List<AccessTarget> matching =
                AccessTarget.of(c).stream().filter(t -> t.matches(resource)).toList();
        if (!matching.isEmpty()) {
            return matching;
        }
        int dot = resource.indexOf('.');
        if (dot > 0 && dot < resource.length() - 1 && !resource.contains("://")) {
            // Not catalogued: the gateway labels such a tool from its server's trust, and so does this answer.
            String server = resource.substring(0, dot);
            String tool = resource.substring(dot + 1);
            return List.of(new AccessTarget(CatalogKind.TOOL, server, tool, c.tool(server, tool, ToolHints.NONE)));
        }
        throw new MandateException(
                ErrorCode.NOT_FOUND,
                "'" + resource + "' names no catalogued tool, resource or server; name a tool as <server>.<tool>"
                        + " (the catalog is in the gateway.config file)");
    }

    private List<Lease> liveLeases(String agentId) {
        List<Lease> out = new ArrayList<>(
                leases.list(new LeaseQuery(null, agentId, null, LeaseState.ACTIVE, LeaseQuery.MAX_LIMIT)));
        out.addAll(leases.list(new LeaseQuery(null, agentId, null, LeaseState.REVOKING, LeaseQuery.MAX_LIMIT)));
        return out;
    }

    private Map<String, Object> tree(Mandate m, Instant now, int depth) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id());
        out.put("agent", m.agent().toString());
        out.put("purpose", m.purpose());
        out.put("state", m.state().wireName());
        out.put("live", mandates.checkLive(m.id()).isLive());
        out.put("expiresAt", m.expires().toString());
        out.put(
                "remainingSeconds",
                Math.max(0, Duration.between(now, m.expires()).toSeconds()));
        out.put("tools", List.copyOf(m.tools()));
        out.put("flowLabels", List.copyOf(m.flowLabels()));
        List<Map<String, Object>> children = new ArrayList<>();
        if (depth < dev.mandate.core.mandate.MandateLimits.MAX_DEPTH_LIMIT) {
            for (Mandate c : mandates.children(m.id())) {
                if (c.state() == dev.mandate.core.mandate.MandateState.ACTIVE) {
                    children.add(tree(c, now, depth + 1));
                }
            }
        }
        out.put("children", children);
        return out;
    }

    private static Map<String, Object> cell(AccessExplanation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", e.agent());
        m.put("purpose", e.purpose());
        m.put("tool", e.target().action());
        m.put("verdict", e.verdict().wireName());
        m.put("conditions", e.conditions());
        m.put("policies", e.policies());
        return m;
    }

    private Map<String, Object> revocation(String how) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("how", how);
        @Nullable Double p50 = revocations.p50Millis();
        @Nullable Double p99 = revocations.p99Millis();
        r.put("p50Millis", p50);
        r.put("p99Millis", p99);
        r.put("samples", revocations.samples());
        r.put(
                "measured",
                p50 == null
                        ? "not measured yet: no revocation command has run on this node since it started"
                        : "p50 " + p50 + " ms, p99 " + Objects.requireNonNull(p99) + " ms over the last "
                                + revocations.samples() + " revocation(s), command to every enforcement point denying");
        return r;
    }
}
