package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseQuery;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.gateway.testing.StreamableServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Just-in-time PostgreSQL credentials through a real node: an agent gets a real mandate token at the token endpoint and
 * calls a tool through the gateway; the gateway issues a PostgreSQL role for the mandate and injects it as HTTP Basic
 * credentials into the upstream request; the upstream tool connects to the database with exactly that credential
 * (the database demands {@code scram-sha-256} passwords) and reads. The agent never sees it. Revoking the mandate
 * revokes the role, and the next call fails.
 */
final class InjectedCredentialsTest {
    private static final String HBA = """
            local all postgres                 trust
            host  all postgres  127.0.0.1/32   trust
            host  all postgres  ::1/128        trust
            host  all all       127.0.0.1/32   scram-sha-256
            host  all all       ::1/128        scram-sha-256
            """;

    private static EmbeddedPostgres postgres;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("password_encryption", "scram-sha-256")
                .setDataDirectoryCustomizer(dir -> {
                    try {
                        Files.writeString(dir.toPath().resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .start();
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE shop");
        }
        try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "shop"), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL)");
            s.execute("INSERT INTO public.customers VALUES (1, 'Ada'), (2, 'Grace')");
        }
    }

    /** The database's URL without a user, so that only the credential given decides who connects. */
    private static String clientUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/shop";
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The customers MCP server: its tool reads the table as whoever the request's Basic credential names. */
    @SuppressWarnings("try") // close() may throw InterruptedException from Jetty's stop; tests just propagate it
    private static final class CustomersServer implements AutoCloseable {
        final List<String> authorizations = new CopyOnWriteArrayList<>();
        private final StreamableServer server;

        CustomersServer(String jdbcUrl) throws Exception {
            HttpServletStreamableServerTransportProvider.Builder transport =
                    HttpServletStreamableServerTransportProvider.builder().contextExtractor(request -> {
                        String header = request.getHeader("Authorization");
                        authorizations.add(header == null ? "(none)" : header);
                        return McpTransportContext.create(header == null ? Map.of() : Map.of("authorization", header));
                    });
            server = StreamableServer.start(
                    transport,
                    null,
                    t -> McpServer.sync(t)
                            .serverInfo("customers", "1.0")
                            .capabilities(McpSchema.ServerCapabilities.builder()
                                    .tools(true)
                                    .build())
                            .tools(McpServerFeatures.SyncToolSpecification.builder()
                                    .tool(McpSchema.Tool.builder()
                                            .name("list_customers")
                                            .description("names of all customers")
                                            .inputSchema(
                                                    McpJsonDefaults.getMapper(),
                                                    "{\"type\":\"object\",\"properties\":{}}")
                                            .build())
                                    .callHandler((exchange, request) -> {
                                        Object header =
                                                exchange.transportContext().get("authorization");
                                        return McpSchema.CallToolResult.builder()
                                                .addTextContent(read(jdbcUrl, header == null ? "" : header.toString()))
                                                .build();
                                    })
                                    .build())
                            .build());
        }

        private static String read(String jdbcUrl, String authorization) {
            if (!authorization.startsWith("Basic ")) {
                return "no credential";
            }
            String[] userPassword = new String(
                            Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8)
                    .split(":", 2);
            try (Connection c = DriverManager.getConnection(jdbcUrl, userPassword[0], userPassword[1]);
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT current_user, name FROM public.customers ORDER BY id")) {
                List<String> names = new ArrayList<>();
                String user = "?";
                while (r.next()) {
                    user = r.getString(1);
                    names.add(r.getString(2));
                }
                return "as " + user + ": " + String.join(",", names);
            } catch (SQLException e) {
                return "database refused: " + e.getSQLState();
            }
        }

        String url() {
            return server.url().toString();
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    private MandateNode start(String upstreamUrl, String backend) throws Exception {
        return start(upstreamUrl, backend, postgres.getJdbcUrl("postgres", "shop"));
    }

    private MandateNode start(String upstreamUrl, String backend, String shop) throws Exception {
        Path mandateYaml = tmp.resolve("mandate.yaml");
        Files.writeString(mandateYaml, """
                credentials:
                  backends:
                    customers-db:
                      type: postgres-role
                      url: "%s"
                      user: postgres
                      scopes:
                        read: SELECT ON public.customers
                """.formatted(shop));
        Path gatewayYaml = tmp.resolve("gateway.yaml");
        Files.writeString(gatewayYaml, """
                upstreams:
                  customers:
                    url: "%s"
                    credential:
                      backend: %s
                      scope: read
                      header: Authorization
                      value: "Basic {basic}"
                """.formatted(upstreamUrl, backend));
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("policies"));
        Files.writeString(data.resolve("policies/all.cedar"), "permit (principal, action, resource);\n");
        MandateNode node = MandateNode.start(
                ConfigLoader.load(
                        mandateYaml,
                        Map.of(),
                        Map.of(
                                ConfigKey.LISTEN,
                                "127.0.0.1:0",
                                ConfigKey.DATA_DIR,
                                data.toString(),
                                ConfigKey.GATEWAY_CONFIG,
                                gatewayYaml.toString())),
                svid -> {
                    if (!svid.startsWith("test-svid:")) {
                        throw new MandateException(ErrorCode.UNAUTHENTICATED, "not a test SVID");
                    }
                    return SpiffeId.parse(svid.substring("test-svid:".length()));
                });
        open.add(node);
        return node;
    }

    private record Opened(String token, String mandateId) {}

    private static Opened openMandate(MandateNode node) throws Exception {
        NodeTesting.registerAgent(node, "support-bot", "team-support", "copilot", "support");
        NodeTesting.Answer open = OAuthFlowTest.post(
                node,
                "/oauth2/token",
                OAuthFlowTest.opening(
                        "test-svid:spiffe://mandate.local/agent/support-bot",
                        OAuthFlowTest.details("support", List.of("customers.list_customers"), 600)),
                Map.of());
        assertThat(open.status()).as(open.raw()).isEqualTo(200);
        return new Opened(
                open.body().get("access_token").asText(),
                open.body().get("mandate_id").asText());
    }

    private McpSyncClient agent(MandateNode node, String token) {
        McpSyncClient agent = NodeTesting.mcpClient(node, token, Duration.ofSeconds(30));
        open.add(agent::closeGracefully);
        agent.initialize();
        return agent;
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void theUpstreamReadsWithTheMandatesRoleWhichDiesWithTheMandate() throws Exception {
        CustomersServer upstream = new CustomersServer(clientUrl());
        open.add(upstream);
        MandateNode node = start(upstream.url(), "customers-db");
        Opened mandate = openMandate(node);
        McpSyncClient agent = agent(node, mandate.token());

        String answer = text(agent.callTool(new McpSchema.CallToolRequest("customers.list_customers", Map.of())));

        List<Lease> leases = node.leases().list(new LeaseQuery(mandate.mandateId(), null, null, null, 10));
        assertThat(leases).hasSize(1);
        Lease lease = leases.get(0);
        String role = answer.substring(3, answer.indexOf(':'));
        assertThat(answer).isEqualTo("as " + role + ": Ada,Grace");
        assertThat(role).startsWith("mandate_"); // the lease's own role, not the admin
        assertThat(upstream.authorizations)
                .isNotEmpty()
                .allSatisfy(h -> assertThat(h).startsWith("Basic "))
                .noneSatisfy(h -> assertThat(h).contains(mandate.token()));
        String header = upstream.authorizations.get(upstream.authorizations.size() - 1);
        assertThat(lease.expires()).isBefore(java.time.Instant.now().plus(Duration.ofMinutes(6)));

        NodeTesting.Answer revoked = NodeTesting.admin(
                node, "POST", "/v1/mandates/" + mandate.mandateId() + "/revoke", Map.of("reason", "task hijacked"));
        assertThat(revoked.status()).as(revoked.raw()).isLessThan(300);

        assertThat(node.leases().find(lease.id()).orElseThrow().state()).isEqualTo(LeaseState.REVOKED);
        assertThat(CustomersServer.read(clientUrl(), header))
                .as("the revoked role no longer connects")
                .startsWith("database refused");
        assertThatThrownBy(() -> agent.callTool(new McpSchema.CallToolRequest("customers.list_customers", Map.of())))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void anUnknownBackendStopsStartUpNamingTheKey() throws Exception {
        assertThatThrownBy(() -> start("http://127.0.0.1:9/mcp", "orders-db"))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("upstreams.customers.credential")
                .hasMessageContaining("orders-db");
    }

    @Test
    void whenTheDatabaseIsDownTheCallFailsClosedAndTheToolIsNeverReached() throws Exception {
        CustomersServer upstream = new CustomersServer(clientUrl());
        open.add(upstream);
        MandateNode node = start(upstream.url(), "customers-db", "jdbc:postgresql://127.0.0.1:9/shop");
        Opened mandate = openMandate(node);
        McpSyncClient agent = agent(node, mandate.token());

        assertThatThrownBy(() -> agent.callTool(new McpSchema.CallToolRequest("customers.list_customers", Map.of())))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("backend 'customers-db'")
                .hasMessageContaining("unavailable");
        assertThat(upstream.authorizations).isEmpty();
        // Nothing half-created stays usable: the leases wait in revoking until the database is back.
        assertThat(node.leases().list(new LeaseQuery(mandate.mandateId(), null, null, null, 10)))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l.state()).isIn(LeaseState.REVOKING, LeaseState.REVOKED));
    }
}
