package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.FlowState;
import io.javalin.Javalin;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A trusted upstream started as a process over stdio: its tool hints seed the catalog. */
final class StdioUpstreamTest {
    @Test
    void aTrustedStdioUpstreamIsRelayedAndItsHintsSeedTheCatalog() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        ObjectNode files = config.putObject("upstreams").putObject("files");
        files.put(
                "command",
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        files.putArray("args")
                .add("-cp")
                .add(System.getProperty("java.class.path"))
                .add(StdioToolServer.class.getName());
        files.put("trusted", true);
        Recorders.Tokens tokens = new Recorders.Tokens();
        Recorders.Decider decider = new Recorders.Decider();
        FlowState flow = Recorders.fresh();
        tokens.add("m1", flow);

        try (McpGateway gateway = McpGateway.builder()
                .settings(GatewaySettings.defaults("test"))
                .config(GatewayConfig.fromTree(config, "test"))
                .authenticator(tokens)
                .decider(decider)
                .audit(new Recorders.Audit())
                .build()) {
            Javalin web = Javalin.create(cfg -> {
                        cfg.startup.showJavalinBanner = false;
                        gateway.register(cfg.routes);
                    })
                    .start("127.0.0.1", 0);
            McpSyncClient agent =
                    TestGateway.sdkAgent("http://127.0.0.1:" + web.port(), "m1", Duration.ofSeconds(30), spec -> spec);
            try {
                agent.initialize();
                assertThat(agent.listTools().tools())
                        .extracting(McpSchema.Tool::name)
                        .contains("files.echo");

                McpSchema.CallToolResult result =
                        agent.callTool(new McpSchema.CallToolRequest("files.echo", Map.of("text", "over stdio")));

                assertThat(((McpSchema.TextContent) result.content().get(0)).text())
                        .isEqualTo("echo over stdio");
                CatalogEntry seeded = decider.calls().get(0).entry();
                assertThat(seeded.source()).isEqualTo(CatalogEntry.Source.TRUSTED_HINTS);
                assertThat(seeded.egress()).isFalse();
                assertThat(seeded.destructive()).isFalse();
                assertThat(flow.current()).isEqualTo(FlowLabels.parse("internal"));

                agent.callTool(new McpSchema.CallToolRequest("files.send_email", Map.of("to", "a@b.c")));
                assertThat(decider.calls().get(1).entry().actionGroups())
                        .containsAll(List.of("egress", "destructive", "untrusted"));
            } finally {
                agent.closeGracefully();
                web.stop();
            }
        }
    }
}
