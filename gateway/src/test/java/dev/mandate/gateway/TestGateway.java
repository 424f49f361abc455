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
        gateway = McpGateway.builder()
                .settings(new GatewaySettings(
                        List.of(), 100, Duration.ofMinutes(5), 1 << 20, Duration.ofSeconds(10), "test"))
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
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(url())
                .endpoint("/mcp")
                .httpRequestCustomizer(
                        (b, method, uri, body, context) -> b.header("Authorization", "Bearer token-" + mandateId))
                .build();
        McpSyncClient client =
                McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        client.initialize();
        agents.add(client);
        return client;
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
