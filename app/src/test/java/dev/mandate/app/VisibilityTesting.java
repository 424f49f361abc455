package dev.mandate.app;

import dev.mandate.app.config.ConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Starts a node with the scenario's catalog and given policies, and registers its agents. */
final class VisibilityTesting {
    static final String PERMITS = """
            @id("support-triage")
            permit (principal in Team::"team-support",
                    action in [Action::"tickets.read", Action::"crm.get_customer", Action::"docs.search"],
                    resource)
            when { context.mandate.purpose == "triage" };

            @id("support-webhook")
            permit (principal in Team::"team-support", action == Action::"webhook.post", resource)
            when { context.mandate.purpose == "triage" };
            """;

    static final String FORBIDS = """
            @id("no-egress-after-pii") @approval("security-oncall")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.labels.contains("pii") }
            unless { context.approval.granted };

            @id("no-auto-egress-after-untrusted")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.untrusted && context.flow.sensitivity >= 2 };
            """;

    private static final String GATEWAY = """
            catalog:
              tools:
                tickets: { read: { labels: "internal,untrusted" } }
                crm: { get_customer: { labels: "confidential,pii" } }
                docs: { search: { labels: "internal" } }
                webhook: { post: { labels: "public", egress: true } }
            """;

    private VisibilityTesting() {}

    static MandateNode start(Path tmp, String policies) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("policies"));
        Files.writeString(data.resolve("policies").resolve("policies.cedar"), policies);
        Path gateway = tmp.resolve("gateway.yaml");
        Files.writeString(gateway, GATEWAY);
        MandateNode node =
                MandateNode.start(NodeTesting.config(data, Map.of(ConfigKey.GATEWAY_CONFIG, gateway.toString())));
        try {
            register(node, "support-bot", "team-support", "triage");
            register(node, "billing-bot", "team-billing", "billing");
            return node;
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
    }

    private static void register(MandateNode node, String name, String owner, String purpose) throws Exception {
        NodeTesting.registerAgent(node, name, owner, "copilot", purpose);
    }
}
