package dev.mandate.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.audit.AuditSink;
import io.javalin.Javalin;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A gateway as the tests run it: the given configuration (JSON), authentication, decider and audit sink, served at
 * {@code /mcp} by Javalin on 127.0.0.1 port 0, and the MCP Java SDK agents that talk to it, closed with it.
 */
final class TestGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final McpGateway gateway;
    private final Javalin web;
    private final List<McpSyncClient> agents = new CopyOnWriteArrayList<>();

    TestGateway(String config, CallAuthenticator authenticator, CallDecider decider, AuditSink audit) throws Exception {
        this(config, authenticator, decider, audit, Duration.ofSeconds(10));
    }

    /** A gateway whose calls to an upstream time out after {@code upstreamTimeout}. */
    TestGateway(
            String config,
            CallAuthenticator authenticator,
            CallDecider decider,
            AuditSink audit,
            Duration upstreamTimeout)
            throws Exception {
        gateway = McpGateway.builder()
                .settings(new GatewaySettings(List.of(), 100, Duration.ofMinutes(5), 1 << 20, upstreamTimeout, "test"))
                .config(GatewayConfig.fromTree(JSON.readTree(config), "test"))
                .authenticator(authenticator)
                .decider(decider)
                .audit(audit)
                .build();
        web = Javalin.create(cfg -> {
                    cfg.startup.showJavalinBanner = false;
                    cfg.concurrency.useVirtualThreads = true;
                    gateway.register(cfg.routes);
                })
                .start("127.0.0.1", 0);
    }

    /** The base URL, {@code http://127.0.0.1:<port>}; the MCP endpoint is {@code /mcp} below it. */
    String url() {
        return "http://127.0.0.1:" + web.port();
    }

    /** An initialized agent presenting {@code Bearer token-<mandateId>}. */
    McpSyncClient agent(String mandateId) {
        return agent(mandateId, Duration.ofSeconds(20), spec -> spec);
    }

    /** An initialized agent presenting {@code Bearer token-<mandateId>}, its client configured by {@code spec}. */
    McpSyncClient agent(String mandateId, Duration requestTimeout, UnaryOperator<McpClient.SyncSpec> spec) {
        McpSyncClient client = sdkAgent(url(), mandateId, requestTimeout, spec);
        client.initialize();
        agents.add(client);
        return client;
    }

    /**
     * An MCP Java SDK agent, not yet initialized, of the gateway at {@code baseUrl} (its endpoint {@code /mcp}),
     * presenting {@code Bearer token-<mandateId>}; {@code spec} adds client capabilities and handlers.
     */
    static McpSyncClient sdkAgent(
            String baseUrl, String mandateId, Duration requestTimeout, UnaryOperator<McpClient.SyncSpec> spec) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(baseUrl)
                .endpoint("/mcp")
                .httpRequestCustomizer(
                        (b, method, uri, body, context) -> b.header("Authorization", "Bearer token-" + mandateId))
                .build();
        return spec.apply(McpClient.sync(transport).requestTimeout(requestTimeout))
                .build();
    }

    /** Closes an agent the test built itself together with the gateway. */
    McpSyncClient closedWithGateway(McpSyncClient agent) {
        agents.add(agent);
        return agent;
    }

    @Override
    public void close() {
        agents.forEach(McpSyncClient::closeGracefully);
        gateway.close();
        web.stop();
    }
}
