package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An upstream that sends sampling, elicitation and roots requests although the gateway declared none of those
 * capabilities: each is answered with an error ({@code -32601}), so the upstream is never left waiting.
 */
final class ServerToClientRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void samplingElicitationAndRootsRequestsFromAnUpstreamAreRefusedNeverDropped() throws Exception {
        Path node = NpmPeers.requireNode();
        ObjectNode config = JSON.createObjectNode();
        config.putObject("upstreams")
                .putObject("asker")
                .put("command", node.toString())
                .putArray("args")
                .add(NpmPeers.DIR.resolve("asking-server.mjs").toString());
        Recorders.Tokens tokens = new Recorders.Tokens();
        tokens.add("m1", Recorders.fresh());
        try (McpGateway gateway = McpGateway.builder()
                .settings(GatewaySettings.defaults("test"))
                .config(GatewayConfig.fromTree(config, "test"))
                .authenticator(tokens)
                .decider(new Recorders.Decider())
                .audit(new Recorders.Audit())
                .build()) {
            Javalin web = Javalin.create(cfg -> {
                        cfg.startup.showJavalinBanner = false;
                        gateway.register(cfg.routes);
                    })
                    .start("127.0.0.1", 0);
            try {
                RawAgent agent = new RawAgent("http://127.0.0.1:" + web.port() + "/mcp", "token-m1");

                JsonNode answer = JSON.readTree(agent.post("""
                        {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"asker.ask","arguments":{}}}"""));

                JsonNode seen = JSON.readTree(answer.path("result")
                        .path("content")
                        .get(0)
                        .path("text")
                        .asText());
                assertThat(seen.path("sampling").path("error").asInt())
                        .as(seen.toString())
                        .isEqualTo(-32601);
                assertThat(seen.path("elicitation").path("error").asInt()).isEqualTo(-32601);
                assertThat(seen.path("roots").path("error").asInt()).isEqualTo(-32601);
            } finally {
                web.stop();
            }
        }
    }
}
