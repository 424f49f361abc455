package dev.mandate.core.access;

import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.core.catalog.CatalogKind;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentStatus;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.policy.PolicyEngine;
import dev.mandate.core.policy.PolicyStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The scenario's cast, catalog and policies (SCENARIOS.md), for the access and posture tests. */
public final class AccessFixtures {
    public static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

    /** The scenario policies: triage may read, egress after pii needs approval, after untrusted+confidential never. */
    public static final String SCENARIO = """
            @id("support-triage")
            permit (principal in Team::"team-support",
                    action in [Action::"tickets.read", Action::"crm.get_customer", Action::"docs.search"],
                    resource)
            when { context.mandate.purpose == "triage" };

            @id("no-egress-after-pii") @approval("security-oncall")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.labels.contains("pii") }
            unless { context.approval.granted };

            @id("no-auto-egress-after-untrusted")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.untrusted && context.flow.sensitivity >= 2 };

            @id("support-webhook")
            permit (principal in Team::"team-support", action == Action::"webhook.post", resource)
            when { context.mandate.purpose == "triage" };
            """;

    /** The same permits without any forbid: the trifecta is open. */
    public static final String PERMITS_ONLY = """
            @id("support-triage")
            permit (principal in Team::"team-support",
                    action in [Action::"tickets.read", Action::"crm.get_customer", Action::"docs.search"],
                    resource)
            when { context.mandate.purpose == "triage" };

            @id("support-webhook")
            permit (principal in Team::"team-support", action == Action::"webhook.post", resource)
            when { context.mandate.purpose == "triage" };
            """;

    public static final Catalog CATALOG = new Catalog(
            Map.of(
                    key("tickets", "read"), entry("internal,untrusted", false),
                    key("crm", "get_customer"), entry("confidential,pii", false),
                    key("docs", "search"), entry("internal", false),
                    key("webhook", "post"), entry("public", true)),
            Set.of());

    public static final List<AccessTarget> TARGETS = AccessTarget.of(CATALOG);

    private AccessFixtures() {}

    public static Agent agent(String name, String owner, String purpose, AgentStatus status, Instant created) {
        return new Agent(
                name,
                SpiffeId.agent("example.org", name),
                owner,
                Tier.AUTONOMOUS,
                purpose.isEmpty() ? Set.of() : Set.of(purpose),
                null,
                status,
                created);
    }

    public static Agent agent(String name, String owner, String purpose) {
        return agent(name, owner, purpose, AgentStatus.ACTIVE, T0.minusSeconds(3600));
    }

    public static PolicyEngine engine(String policies) {
        PolicyStore store = PolicyStore.of(Map.of("p.cedar", policies), InstantSource.fixed(T0));
        return new PolicyEngine(store::current);
    }

    public static AccessAnalyzer analyzer(String policies) {
        return new AccessAnalyzer(engine(policies), MandateLimits.defaults(), InstantSource.fixed(T0));
    }

    public static AccessTarget target(String action) {
        return TARGETS.stream()
                .filter(t -> t.action().equals(action))
                .findFirst()
                .orElseThrow();
    }

    private static CatalogKey key(String server, String tool) {
        return new CatalogKey(CatalogKind.TOOL, server, tool);
    }

    private static CatalogEntry entry(String labels, boolean egress) {
        return new CatalogEntry(
                FlowLabels.parse(labels), egress, false, false, null, List.of(), CatalogEntry.Source.CONFIGURED);
    }
}
