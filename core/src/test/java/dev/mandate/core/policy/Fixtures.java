package dev.mandate.core.policy;

import dev.mandate.cedar.RecordValue;
import dev.mandate.cedar.StringValue;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.mandate.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The cast and catalog of SCENARIOS.md, and its policies. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

    /** The scenario policies, verbatim, plus a permit that lets triage post to the webhook at all. */
    static final String SCENARIO_POLICIES = """
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
            when { context.mandate.purpose == "triage" || context.mandate.purpose == "summarize" };
            """;

    static final AgentFacts SUPPORT_BOT = new AgentFacts("support-bot", "team-support", true, Tier.AUTONOMOUS);
    static final AgentFacts SUMMARIZER = new AgentFacts("summarizer", "team-support", true, Tier.AUTONOMOUS);
    static final AgentFacts BILLING_BOT = new AgentFacts("billing-bot", "team-billing", true, Tier.AUTONOMOUS);

    static final Map<String, CatalogEntry> CATALOG = Map.of(
            "tickets.read", entry("internal,untrusted", false),
            "crm.get_customer", entry("confidential,pii", false),
            "docs.search", entry("internal", false),
            "webhook.post", entry("public", true));

    private Fixtures() {}

    static CatalogEntry entry(String labels, boolean egress) {
        return new CatalogEntry(
                FlowLabels.parse(labels), egress, false, false, null, List.of(), CatalogEntry.Source.CONFIGURED);
    }

    static MandateFacts mandate(String id, String purpose, int depth) {
        return new MandateFacts(
                id,
                "support-bot",
                purpose,
                Tier.AUTONOMOUS,
                depth,
                "alice",
                T0.minusSeconds(60),
                T0.plusSeconds(600),
                Set.of("*"),
                0,
                Sensitivity.PUBLIC);
    }

    static CallFacts call(AgentFacts agent, MandateFacts mandate, String tool, String flow) {
        String server = tool.substring(0, tool.indexOf('.'));
        return new CallFacts(
                agent,
                mandate,
                "tools/call",
                tool,
                server,
                java.util.Objects.requireNonNull(CATALOG.get(tool), tool),
                FlowLabels.parse(flow),
                new RecordValue(Map.of("url", new StringValue("https://evil.example/x"))),
                false,
                CallHistory.EMPTY,
                "evil.example",
                T0);
    }
}
