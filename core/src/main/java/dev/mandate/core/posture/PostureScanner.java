package dev.mandate.core.posture;

import dev.mandate.core.access.AccessAnalyzer;
import dev.mandate.core.access.AccessExplanation;
import dev.mandate.core.access.BroadPermit;
import dev.mandate.core.access.ToxicFlow;
import dev.mandate.core.access.Verdict;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.mandate.TierLimits;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs every {@link Rule} over a snapshot of the node and returns the findings, most severe first. The rules are
 * methods of this one class because they share the same inputs and lookups; each is a few lines.
 */
public final class PostureScanner {
    /** The most items named in one finding's evidence; the rest are counted. */
    public static final int MAX_EVIDENCE_ITEMS = 10;

    private final AccessAnalyzer access;
    private final MandateLimits limits;
    private final PostureSettings settings;
    private final InstantSource clock;

    /**
     * Creates a scanner.
     *
     * @param access explains access for the permission, policy and toxic-flow rules
     * @param limits the tier limits credentials are held to
     * @param settings the thresholds
     * @param clock the time the scan is made at
     */
    public PostureScanner(AccessAnalyzer access, MandateLimits limits, PostureSettings settings, InstantSource clock) {
        this.access = access;
        this.limits = limits;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Scans.
     *
     * @param in the snapshot
     * @return the findings, by severity then id
     * @throws dev.mandate.core.MandateException with {@code BAD_REQUEST} if the access analysis would exceed
     *     {@link AccessAnalyzer#MAX_CELLS}
     */
    public List<Finding> scan(PostureInputs in) {
        Instant now = clock.instant();
        Map<String, Agent> byId = new HashMap<>();
        Map<String, Agent> byName = new HashMap<>();
        for (Agent a : in.agents()) {
            byId.put(a.id().toString(), a);
            byName.put(a.name(), a);
        }
        List<Finding> out = new ArrayList<>();
        owners(in, byName, out);
        dormant(in, now, out);
        unused(in, now, out);
        longLived(in, byId, out);
        sharedSecrets(in, byId, out);
        broadPolicies(in, out);
        toxicFlows(in, out);
        pastHeartbeat(in, now, out);
        stuckRevoking(in, out);
        out.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::id));
        return List.copyOf(out);
    }

    private void owners(PostureInputs in, Map<String, Agent> byName, List<Finding> out) {
        for (Agent a : in.agents()) {
            if (!a.isActive()) {
                continue;
            }
            String owner = a.owner();
            if (settings.placeholderOwners().contains(owner.toLowerCase(Locale.ROOT))) {
                out.add(Finding.of(
                        Rule.OWNER_MISSING,
                        a.name(),
                        "Agent " + a.name() + " has no accountable owner",
                        "owner is '" + owner + "', a placeholder"));
                continue;
            }
            Agent ownerAgent = byName.get(owner);
            if (in.inactiveOwners().contains(owner)) {
                out.add(Finding.of(
                        Rule.OWNER_INACTIVE,
                        a.name(),
                        "Owner of agent " + a.name() + " is no longer active",
                        "owner '" + owner + "' is listed as inactive"));
            } else if (ownerAgent != null && !ownerAgent.isActive()) {
                out.add(Finding.of(
                        Rule.OWNER_INACTIVE,
                        a.name(),
                        "Owner of agent " + a.name() + " is no longer active",
                        "owner '" + owner + "' is an agent that is "
                                + ownerAgent.status().wireName()));
            }
        }
    }

    private void dormant(PostureInputs in, Instant now, List<Finding> out) {
        Instant windowStart = now.minus(settings.dormantAfter());
        if (in.activity().since().isAfter(windowStart)) {
            return; // the audit read does not reach back over the whole window: no verdict rather than a false one
        }
        Map<String, Instant> latestMandate = new HashMap<>();
        for (Mandate m : in.mandates()) {
            latestMandate.merge(m.agent().toString(), m.issued(), (x, y) -> x.isAfter(y) ? x : y);
        }
        for (Agent a : in.agents()) {
            if (!a.isActive()) {
                continue;
            }
            String id = a.id().toString();
            Instant last = a.created();
            Instant seen = in.activity().lastSeen(id).orElse(null);
            if (seen != null && seen.isAfter(last)) {
                last = seen;
            }
            Instant opened = latestMandate.get(id);
            if (opened != null && opened.isAfter(last)) {
                last = opened;
            }
            if (last.isBefore(windowStart)) {
                out.add(Finding.of(
                        Rule.DORMANT_AGENT,
                        a.name(),
                        "Agent " + a.name() + " is active but dormant",
                        "last seen " + last + " (" + days(Duration.between(last, now)) + " ago); dormant after "
                                + days(settings.dormantAfter()) + (seen == null ? "; no audit event names it" : "")));
            }
        }
    }

    private void unused(PostureInputs in, Instant now, List<Finding> out) {
        Instant windowStart = now.minus(settings.unusedWindow());
        if (in.activity().since().isAfter(windowStart)) {
            return;
        }
        List<Agent> old = in.agents().stream()
                .filter(a -> a.isActive() && a.created().isBefore(windowStart))
                .toList();
        if (old.isEmpty() || in.targets().isEmpty()) {
            return;
        }
        Map<String, Set<String>> granted = new TreeMap<>();
        for (AccessExplanation e : access.explainAll(old, in.targets())) {
            if (e.verdict() != Verdict.NEVER) {
                granted.computeIfAbsent(e.agent(), k -> new TreeSet<>())
                        .add(e.target().action());
            }
        }
        for (Agent a : old) {
            Set<String> allowed = granted.getOrDefault(a.name(), Set.of());
            TreeSet<String> unusedTools = new TreeSet<>(allowed);
            unusedTools.removeAll(in.activity().toolsUsed(a.id().toString()));
            if (!unusedTools.isEmpty()) {
                out.add(Finding.of(
                        Rule.UNUSED_PERMISSION,
                        a.name(),
                        "Agent " + a.name() + " may use " + unusedTools.size() + " tool(s) it has not used in "
                                + days(settings.unusedWindow()),
                        "allowed but unused since " + windowStart + ": " + list(unusedTools) + " (" + allowed.size()
                                + " allowed in all)"));
            }
        }
    }

    private void longLived(PostureInputs in, Map<String, Agent> byId, List<Finding> out) {
        for (Lease l : in.leases()) {
            if (l.state() != LeaseState.ACTIVE) {
                continue;
            }
            Agent a = byId.get(l.agent());
            TierLimits t = tierOf(a);
            String tier = a == null
                    ? "strictest tier (agent unknown)"
                    : "tier " + a.tier().wireName();
            if (l.maxTtl().compareTo(t.maxLifetime()) > 0 || l.ttl().compareTo(t.maxTtl()) > 0) {
                out.add(Finding.of(
                        Rule.LONG_LIVED_CREDENTIAL,
                        "lease/" + l.id(),
                        "Lease " + l.id() + " (" + l.backend() + ") outlives its agent's tier",
                        "ttl " + l.ttl() + ", max ttl " + l.maxTtl() + "; " + tier + " allows ttl " + t.maxTtl()
                                + ", lifetime " + t.maxLifetime() + "; agent " + l.agent()));
            }
        }
        for (Mandate m : in.mandates()) {
            TierLimits t = limits.of(m.tier());
            Duration lifetime = Duration.between(m.issued(), m.maxExpires());
            if (m.ttl().compareTo(t.maxTtl()) > 0 || lifetime.compareTo(t.maxLifetime()) > 0) {
                out.add(Finding.of(
                        Rule.LONG_LIVED_CREDENTIAL,
                        "mandate/" + m.id(),
                        "Mandate " + m.id() + " outlives its tier",
                        "ttl " + m.ttl() + ", lifetime " + lifetime + "; tier "
                                + m.tier().wireName() + " allows ttl " + t.maxTtl() + ", lifetime " + t.maxLifetime()));
            }
        }
    }

    private TierLimits tierOf(@org.jspecify.annotations.Nullable Agent a) {
        if (a != null) {
            return limits.of(a.tier());
        }
        TierLimits strictest = limits.of(Tier.AUTONOMOUS);
        for (Tier t : Tier.values()) {
            if (limits.of(t).maxLifetime().compareTo(strictest.maxLifetime()) < 0) {
                strictest = limits.of(t);
            }
        }
        return strictest;
    }

    private void sharedSecrets(PostureInputs in, Map<String, Agent> byId, List<Finding> out) {
        Map<String, Set<String>> agentsByAccount = new TreeMap<>();
        for (Lease l : in.sharedSecretLeases()) {
            agentsByAccount
                    .computeIfAbsent(l.backend() + "/" + l.scope(), k -> new TreeSet<>())
                    .add(l.agent());
        }
        agentsByAccount.forEach((account, agents) -> {
            if (agents.size() > 1) {
                List<String> names = agents.stream()
                        .map(id -> byId.containsKey(id) ? byId.get(id).name() : id)
                        .toList();
                out.add(Finding.of(
                        Rule.SHARED_SECRET,
                        account,
                        "Shared secret " + account + " is used by " + agents.size() + " agents",
                        "leases of " + account + " were issued to " + list(names)));
            }
        });
    }

    private void broadPolicies(PostureInputs in, List<Finding> out) {
        for (BroadPermit p : access.broadPermits(in.agents())) {
            String where = p.location().isEmpty() ? "" : " (" + p.location() + ")";
            if (p.agent() == null) {
                out.add(Finding.of(
                        Rule.BROAD_POLICY,
                        p.policy(),
                        "Policy " + p.policy() + " permits any agent any action",
                        "evaluated alone, " + p.policy() + where + " allows an unknown agent an action on a server that"
                                + " no catalog entry names; the catalog needs "
                                + in.targets().size() + " action(s)"));
            } else {
                out.add(Finding.of(
                        Rule.BROAD_POLICY,
                        Severity.HIGH,
                        p.policy(),
                        "Policy " + p.policy() + " permits agent " + p.agent() + " any action",
                        "evaluated alone, " + p.policy() + where + " allows " + p.agent()
                                + " an action on a server that no catalog entry names; the catalog needs "
                                + in.targets().size() + " action(s)",
                        Rule.BROAD_POLICY.fix()));
            }
        }
    }

    private void toxicFlows(PostureInputs in, List<Finding> out) {
        for (Agent a : in.agents()) {
            for (ToxicFlow f : access.toxicFlows(a, in.targets())) {
                String evidence = "one mandate for purpose '" + f.purpose() + "' may read " + f.sensitive()
                        + ", see untrusted content from " + f.untrusted() + ", then call egress tool " + f.egress()
                        + (f.policies().isEmpty() ? "" : "; allowed by " + String.join(", ", f.policies()))
                        + (f.guardedByApproval() ? "; a step needs human approval" : "; no step needs approval");
                out.add(Finding.of(
                        Rule.TOXIC_FLOW,
                        f.guardedByApproval() ? Severity.MEDIUM : Severity.CRITICAL,
                        a.name() + "/" + f.purpose(),
                        "Agent " + a.name() + " could exfiltrate sensitive data (purpose " + f.purpose() + ")",
                        evidence,
                        Rule.TOXIC_FLOW.fix()));
            }
        }
    }

    private void pastHeartbeat(PostureInputs in, Instant now, List<Finding> out) {
        Instant cutoff = now.minus(settings.heartbeatGrace());
        for (Mandate m : in.mandates()) {
            if (m.state() == MandateState.ACTIVE && m.expires().isBefore(cutoff)) {
                out.add(Finding.of(
                        Rule.PAST_HEARTBEAT,
                        "mandate/" + m.id(),
                        "Mandate " + m.id() + " missed its heartbeat but is still recorded active",
                        "expired " + m.expires() + " ("
                                + Duration.between(m.expires(), now).toSeconds() + " s ago); agent " + m.agent()));
            }
        }
        for (Lease l : in.leases()) {
            if (l.state() == LeaseState.ACTIVE && l.expires().isBefore(cutoff)) {
                out.add(Finding.of(
                        Rule.PAST_HEARTBEAT,
                        "lease/" + l.id(),
                        "Lease " + l.id() + " is past its expiry but still active",
                        "expired " + l.expires() + " ("
                                + Duration.between(l.expires(), now).toSeconds() + " s ago); backend " + l.backend()
                                + ", agent " + l.agent()));
            }
        }
    }

    private void stuckRevoking(PostureInputs in, List<Finding> out) {
        for (Lease l : in.leases()) {
            if (l.state() == LeaseState.REVOKING) {
                out.add(Finding.of(
                        Rule.STUCK_REVOKING,
                        "lease/" + l.id(),
                        "Revocation of lease " + l.id() + " is not confirmed by " + l.backend(),
                        "state revoking" + (l.endReason() == null ? "" : " (" + l.endReason() + ")")
                                + "; the credential may work until " + l.expires() + "; agent " + l.agent()));
            }
        }
    }

    private static String days(Duration d) {
        long days = d.toDays();
        return days >= 1 ? days + " d" : d.toHours() + " h";
    }

    private static String list(java.util.Collection<String> items) {
        List<String> all = List.copyOf(items);
        if (all.size() <= MAX_EVIDENCE_ITEMS) {
            return String.join(", ", all);
        }
        return String.join(", ", all.subList(0, MAX_EVIDENCE_ITEMS)) + " and " + (all.size() - MAX_EVIDENCE_ITEMS)
                + " more";
    }
}
