package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A stdio upstream that sends sampling, elicitation and roots requests during a call. Without {@code client-requests}
 * the gateway declared none of those capabilities, and each is answered with an error ({@code -32601}), so the upstream
 * is never left waiting; with it, each mandate gets its own process and the requests reach the agent that called.
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

                JsonNode seen = whatTheServerGot(agent);
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

    @Test
    void withClientRequestsEachMandatesOwnProcessAsksOnlyThatMandatesAgent() throws Exception {
        Path node = NpmPeers.requireNode();
        ObjectNode config = JSON.createObjectNode();
        config.putObject("upstreams")
                .putObject("asker")
                .put("command", node.toString())
                .put("client-requests", true)
                .putArray("args")
                .add(NpmPeers.DIR.resolve("asking-server.mjs").toString());
        Recorders.Tokens tokens = new Recorders.Tokens();
        tokens.add("m-a", Recorders.fresh());
        tokens.add("m-b", Recorders.fresh());
        tokens.add("m-none", Recorders.fresh());
        Recorders.Audit audit = new Recorders.Audit();
        try (McpGateway gateway = McpGateway.builder()
                .settings(GatewaySettings.defaults("test"))
                .config(GatewayConfig.fromTree(config, "test"))
                .authenticator(tokens)
                .decider(new Recorders.Decider())
                .audit(audit)
                .build()) {
            Javalin web = Javalin.create(cfg -> {
                        cfg.startup.showJavalinBanner = false;
                        gateway.register(cfg.routes);
                    })
                    .start("127.0.0.1", 0);
            try {
                String url = "http://127.0.0.1:" + web.port() + "/mcp";
                String capabilities = """
                        {"sampling":{},"elicitation":{},"roots":{}}""";
                RawAgent a = new RawAgent(url, "token-m-a", capabilities);
                RawAgent b = new RawAgent(url, "token-m-b", capabilities);

                JsonNode seenByA = ask(a, "A");
                JsonNode seenByB = ask(b, "B");

                assertThat(seenByA.path("sampling")
                                .path("result")
                                .path("content")
                                .path("text")
                                .asText())
                        .as(seenByA.toString())
                        .isEqualTo("sampled by A");
                assertThat(seenByA.path("elicitation")
                                .path("result")
                                .path("content")
                                .path("name")
                                .asText())
                        .isEqualTo("A");
                assertThat(seenByA.path("roots")
                                .path("result")
                                .path("roots")
                                .get(0)
                                .path("uri")
                                .asText())
                        .isEqualTo("file:///A");
                assertThat(seenByB.path("sampling")
                                .path("result")
                                .path("content")
                                .path("text")
                                .asText())
                        .as(seenByB.toString())
                        .isEqualTo("sampled by B");
                assertThat(audit.entries)
                        .filteredOn(e -> e.type().equals("gateway.client-request"))
                        .extracting(e -> e.subject() + " " + e.details().get("method") + " "
                                + e.details().get("outcome"))
                        .containsExactly(
                                "m-a sampling/createMessage answered",
                                "m-a elicitation/create answered",
                                "m-a roots/list answered",
                                "m-b sampling/createMessage answered",
                                "m-b elicitation/create answered",
                                "m-b roots/list answered");

                // An agent that declared nothing is never asked; its process's requests get -32601.
                RawAgent none = new RawAgent(url, "token-m-none");
                JsonNode seen = whatTheServerGot(none);
                assertThat(seen.path("sampling").path("error").asInt())
                        .as(seen.toString())
                        .isEqualTo(-32601);
                assertThat(seen.path("roots").path("error").asInt()).isEqualTo(-32601);
            } finally {
                web.stop();
            }
        }
    }

    /** Calls asker.ask as the agent, answering each of the upstream's requests as {@code name}; what the tool saw. */
    private static JsonNode ask(RawAgent agent, String name) throws Exception {
        try (RawAgent.Events call = agent.stream("""
                {"jsonrpc":"2.0","id":"call","method":"tools/call","params":{"name":"asker.ask","arguments":{}}}""")) {
            for (JsonNode message = call.next(); message != null; message = call.next()) {
                String method = message.path("method").asText("");
                String id = message.path("id").asText();
                switch (method) {
                    case "sampling/createMessage" -> agent.post("""
                                {"jsonrpc":"2.0","id":"%s","result":{"role":"assistant","model":"m",
                                 "content":{"type":"text","text":"sampled by %s"}}}""".formatted(id, name));
                    case "elicitation/create" -> agent.post("""
                                {"jsonrpc":"2.0","id":"%s","result":{"action":"accept","content":{"name":"%s"}}}""".formatted(id, name));
                    case "roots/list" -> agent.post("""
                                {"jsonrpc":"2.0","id":"%s","result":{"roots":[{"uri":"file:///%s"}]}}""".formatted(id, name));
                    default -> {
                        if (message.has("result")) {
                            return JSON.readTree(message.path("result")
                                    .path("content")
                                    .get(0)
                                    .path("text")
                                    .asText());
                        }
                    }
                }
            }
        }
        throw new AssertionError("the call's stream ended without an answer");
    }

    /** Calls the asking server's {@code ask} tool and returns what its requests to the client got, as it reports. */
    private static JsonNode whatTheServerGot(RawAgent agent) throws Exception {
        JsonNode answer = JSON.readTree(agent.post("""
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"asker.ask","arguments":{}}}"""));
        return JSON.readTree(
                answer.path("result").path("content").get(0).path("text").asText());
    }
}
