package dev.mandate.app.demo;

import dev.mandate.app.MandateNode;
import dev.mandate.app.config.Config;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the demo runs: the customer database, the four sample MCP servers, the sample IdP of the people agents
 * act for, and a Mandate node configured for them (catalog, credential backend, OIDC issuer, sample policies) in the
 * demo's data directory. Closed in reverse order.
 */
final class DemoEstate implements AutoCloseable {
    /** The credential backend that leases customer-database roles. */
    static final String BACKEND = "customers-db";

    /** The backend's scope that may read the customer table. */
    static final String SCOPE = "read";

    static final String POLICIES = """
            // Sample policies of `mandate demo` (docs/demo.md). Catalog labels become action groups:
            // webhook.post is in Action::"egress" because the catalog marks it egress.

            @id("support-triage")
            permit (principal in Team::"team-support",
                    action in [Action::"tickets.read", Action::"crm.get_customer", Action::"docs.search",
                               Action::"docs.board_minutes", Action::"webhook.post"],
                    resource)
            when { context.mandate.purpose == "triage" };

            @id("no-egress-after-pii") @approval("security-oncall")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.labels.contains("pii") }
            unless { context.approval.granted };

            @id("no-pii-egress-by-sub-agents")
            forbid (principal, action in Action::"egress", resource)
            when { context.mandate.depth > 0 && context.flow.labels.contains("pii") };
            """;

    private final SamplePostgres postgres;
    private final List<ToolServer> servers;
    private final SampleTools tools;
    private final CustomerDb customers;
    private final SampleIdp idp;
    private final MandateNode node;

    private DemoEstate(
            SamplePostgres postgres,
            List<ToolServer> servers,
            SampleTools tools,
            CustomerDb customers,
            SampleIdp idp,
            MandateNode node) {
        this.postgres = postgres;
        this.servers = servers;
        this.tools = tools;
        this.customers = customers;
        this.idp = idp;
        this.node = node;
    }

    /**
     * Starts PostgreSQL, the sample servers, then the node (which connects to them).
     *
     * @param dataDir a fresh directory for the node's data and the sample database
     * @param listen where the node listens, e.g. {@code 127.0.0.1:0}
     * @throws MandateException if any part cannot start; what started is stopped again
     */
    static DemoEstate start(Path dataDir, String listen) {
        SamplePostgres postgres = SamplePostgres.start(dataDir.resolve("sample-postgres"));
        List<ToolServer> servers = new java.util.ArrayList<>();
        try {
            SampleTools tools = new SampleTools();
            CustomerDb customers = new CustomerDb(postgres.url());
            servers.add(ToolServer.start("tickets", tools.tickets()));
            servers.add(ToolServer.start("crm", customers.tools()));
            servers.add(ToolServer.start("docs", tools.docs()));
            servers.add(ToolServer.start("webhook", tools.webhook()));
            SampleIdp idp = SampleIdp.create(dataDir.resolve("idp"));
            Path nodeDir = dataDir.resolve("node");
            Files.createDirectories(nodeDir.resolve("policies"));
            Files.writeString(nodeDir.resolve("policies").resolve("demo.cedar"), POLICIES);
            Path gatewayFile = Files.writeString(dataDir.resolve("gateway.yaml"), gatewayYaml(servers));
            Path configFile = Files.writeString(dataDir.resolve("mandate.yaml"), configYaml(postgres, idp));
            Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
            flags.put(ConfigKey.LISTEN, listen);
            flags.put(ConfigKey.DATA_DIR, nodeDir.toString());
            flags.put(ConfigKey.GATEWAY_CONFIG, gatewayFile.toString());
            Config config = ConfigLoader.load(configFile, Map.of(), flags);
            MandateNode node = MandateNode.start(config);
            return new DemoEstate(postgres, List.copyOf(servers), tools, customers, idp, node);
        } catch (IOException | RuntimeException e) {
            servers.forEach(ToolServer::close);
            postgres.close();
            if (e instanceof MandateException me) {
                throw me;
            }
            throw new MandateException(ErrorCode.UNAVAILABLE, "demo: cannot set up in " + dataDir + ": " + e, e);
        }
    }

    private static String gatewayYaml(List<ToolServer> servers) {
        StringBuilder y = new StringBuilder("upstreams:\n");
        for (ToolServer s : servers) {
            y.append("  ").append(s.name()).append(":\n");
            y.append("    url: \"").append(s.url()).append("\"\n");
            if (s.name().equals("crm")) {
                // The gateway leases a role per mandate and sends it as HTTP Basic on every request to crm.
                y.append("    credential: { backend: ")
                        .append(BACKEND)
                        .append(", scope: ")
                        .append(SCOPE)
                        .append(", header: Authorization, value: \"Basic {basic}\" }\n");
            }
        }
        y.append("""
                catalog:
                  tools:
                    tickets:
                      read: { labels: "internal", untrusted: true, expose: ["ticketId"] }
                    crm:
                      get_customer: { labels: "confidential,pii", expose: ["customerId"] }
                    docs:
                      search: { labels: "internal" }
                      board_minutes: { labels: "restricted" }   # the board's eyes only: above most clearances
                    webhook:
                      post: { labels: "internal", egress: true, expose: ["url"] }
                  resources:
                    docs:
                      # Every knowledge-base article is internal, except one the board has not announced yet.
                      "docs://kb/{article}": { labels: "internal" }
                      "%s": { labels: "restricted" }
                """.formatted(SampleTools.RESTRICTED_DOC));
        return y.toString();
    }

    private static String configYaml(SamplePostgres postgres, SampleIdp idp) {
        return """
                # Written by mandate demo: leases of the customer database are PostgreSQL roles minted per mandate;
                # mandates may act for people whose ID tokens the demo's IdP signs (its public key in jwks-file).
                oidc:
                  issuer: "%s"
                  jwks-file: "%s"
                  audience: %s
                credentials:
                  backends:
                    %s:
                      type: postgres-role
                      url: "%s"
                      user: postgres
                      scopes:
                        %s: SELECT ON public.customers
                """.formatted(SampleIdp.ISSUER, idp.jwksFile(), SampleIdp.AUDIENCE, BACKEND, postgres.url(), SCOPE);
    }

    MandateNode node() {
        return node;
    }

    SampleTools tools() {
        return tools;
    }

    CustomerDb customers() {
        return customers;
    }

    SampleIdp idp() {
        return idp;
    }

    @Override
    public void close() {
        try {
            node.close();
        } finally {
            servers.forEach(ToolServer::close);
            postgres.close();
        }
    }
}
