package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.core.audit.AuditEntry;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests from an upstream to the client that belong to no call, and the notifications about them: a mandate's own
 * upstream process (stdio, {@code client-requests: true}) asks roots/list when the agent's roots change; the gateway
 * passes the agent's {@code notifications/roots/list_changed} to that process only, relays the request to the
 * agent's GET stream, refuses it saying why when no GET stream is open, and passes the upstream's
 * {@code notifications/cancelled} to the agent under the agent's own id. A shared process hears of no agent's roots
 * and has its requests refused. Real peers: {@code asking-server.mjs} under node, an agent speaking raw HTTP.
 */
// A GET stream is read until the expected message: a regression would hang the read, so it is bounded here.
@Timeout(120)
final class OutsideCallRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOTS = "{\"roots\":{\"listChanged\":true}}";

    private final Recorders.Tokens tokens = new Recorders.Tokens();
    private final Recorders.Audit audit = new Recorders.Audit();
    private @Nullable McpGateway gateway;
    private @Nullable Javalin web;

    private String start(boolean clientRequests) throws Exception {
        Path node = NpmPeers.requireNode();
        ObjectNode config = JSON.createObjectNode();
        ObjectNode asker = config.putObject("upstreams").putObject("asker").put("command", node.toString());
        if (clientRequests) {
            asker.put("client-requests", true);
        }
        asker.putArray("args").add(NpmPeers.DIR.resolve("asking-server.mjs").toString());
        tokens.add("m-a", Recorders.fresh());
        tokens.add("m-b", Recorders.fresh());
        McpGateway built = McpGateway.builder()
                .settings(GatewaySettings.defaults("test"))
                .config(GatewayConfig.fromTree(config, "test"))
                .authenticator(tokens)
                .decider(new Recorders.Decider())
                .audit(audit)
                .build();
        gateway = built;
        McpGateway g = built;
        Javalin w = Javalin.create(cfg -> {
                    cfg.startup.showJavalinBanner = false;
                    cfg.concurrency.useVirtualThreads = true;
                    g.register(cfg.routes);
                })
                .start("127.0.0.1", 0);
        web = w;
        return "http://127.0.0.1:" + w.port() + "/mcp";
    }

    @AfterEach
    void stop() {
        McpGateway g = gateway;
        if (g != null) {
            g.close();
        }
        Javalin w = web;
        if (w != null) {
            w.stop();
        }
    }

    @Test
    void aMandatesOwnProcessAsksItsAgentOverTheGetStreamWhenTheAgentsRootsChange() throws Exception {
        String url = start(true);
        RawAgent a = new RawAgent(url, "token-m-a", ROOTS);
        RawAgent b = new RawAgent(url, "token-m-b", ROOTS);
        assertThat(outside(b).path("heard").asInt()).isZero(); // b's own process runs
        try (RawAgent.Events stream = a.listen()) {
            assertThat(outside(a).path("heard").asInt()).isZero();

            a.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");
            JsonNode asked = next(stream);
            assertThat(asked.path("method").asText()).as(asked.toString()).isEqualTo("roots/list");
            a.post("""
                    {"jsonrpc":"2.0","id":"%s","result":{"roots":[{"uri":"file:///A"}]}}""".formatted(asked.path("id").asText()));

            JsonNode seen = outside(a);
            assertThat(seen.path("heard").asInt()).isEqualTo(1);
            assertThat(firstRoot(seen)).as(seen.toString()).isEqualTo("file:///A");
        }
        // Only a's process heard of a's change.
        assertThat(outside(b).path("heard").asInt()).isZero();
        assertThat(audit.entries)
                .filteredOn(e -> e.type().equals("gateway.client-request"))
                .extracting(e -> e.actor() + " " + e.subject() + " "
                        + e.details().get("method") + " " + e.details().get("decision") + " "
                        + e.details().get("outcome"))
                .containsExactly("spiffe://mandate.local/agent/m-a m-a roots/list allow answered");
    }

    @Test
    void ofTheMandatesSessionsWithAGetStreamOneWhoseAgentDeclaredTheCapabilityIsAsked() throws Exception {
        String url = start(true);
        RawAgent capable = new RawAgent(url, "token-m-a", ROOTS);
        RawAgent other = new RawAgent(url, "token-m-a"); // the same mandate, declaring nothing, and used last
        try (RawAgent.Events asked = capable.listen();
                RawAgent.Events unasked = other.listen()) {
            assertThat(unasked.response.statusCode()).isEqualTo(200);
            outside(other);

            other.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");
            JsonNode request = next(asked);
            capable.post("""
                    {"jsonrpc":"2.0","id":"%s","result":{"roots":[{"uri":"file:///capable"}]}}""".formatted(request.path("id").asText()));

            JsonNode seen = outside(other);
            assertThat(firstRoot(seen)).as(seen.toString()).isEqualTo("file:///capable");
        }
    }

    @Test
    void withNoGetStreamOpenTheRequestIsRefusedSayingWhyAndRecorded() throws Exception {
        String url = start(true);
        RawAgent a = new RawAgent(url, "token-m-a", ROOTS);
        outside(a);

        a.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");

        JsonNode answer = outside(a).path("answers").get(0);
        assertThat(answer.path("error").asInt()).as(answer.toString()).isEqualTo(-32601);
        assertThat(answer.path("message").asText())
                .isEqualTo("upstream 'asker' sent roots/list outside any call, and no session of mandate m-a has a GET"
                        + " stream open to relay it on");
        AuditEntry entry = audit.await(e -> e.type().equals("gateway.client-request"));
        assertThat(entry.actor()).isEqualTo("upstream:asker");
        assertThat(entry.subject()).isEqualTo("m-a");
        assertThat(entry.details()).containsEntry("outcome", "no-agent").containsEntry("decision", "not-asked");
    }

    @Test
    void anUpstreamsCancellationReachesTheAgentUnderItsOwnIdAndItsLateAnswerGoesNowhere() throws Exception {
        String url = start(true);
        RawAgent a = new RawAgent(url, "token-m-a", ROOTS);
        try (RawAgent.Events stream = a.listen()) {
            outside(a);
            a.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");
            JsonNode asked = next(stream);
            String agentSideId = asked.path("id").asText();

            call(a, "withdraw");

            JsonNode cancelled = next(stream);
            assertThat(cancelled.path("method").asText())
                    .as(cancelled.toString())
                    .isEqualTo("notifications/cancelled");
            assertThat(cancelled.path("params").path("requestId").asText()).isEqualTo(agentSideId);
            assertThat(cancelled.path("params").path("reason").asText())
                    .isEqualTo("upstream 'asker' cancelled the request: no longer needed");
            // The agent answers all the same: the gateway has nothing pending for it, so nothing goes upstream.
            a.post("""
                    {"jsonrpc":"2.0","id":"%s","result":{"roots":[]}}""".formatted(agentSideId));
            JsonNode seen = outside(a);
            assertThat(seen.path("answers").get(0).path("withdrawn").asBoolean())
                    .as(seen.toString())
                    .isTrue();
            assertThat(seen.path("late")).isEmpty();
        }
        AuditEntry entry =
                audit.await(e -> "upstream-cancelled".equals(e.details().get("outcome")));
        assertThat(entry.subject()).isEqualTo("m-a");
        assertThat(entry.details()).containsEntry("method", "roots/list");
    }

    @Test
    void aSharedProcessHearsOfNoAgentsRootsAndItsRequestsAreRefusedSayingWhy() throws Exception {
        String url = start(false);
        RawAgent a = new RawAgent(url, "token-m-a", "{\"sampling\":{},\"roots\":{\"listChanged\":true}}");
        outside(a);

        a.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");
        JsonNode seen = call(a, "ask");

        assertThat(outside(a).path("heard").asInt()).isZero();
        assertThat(seen.path("sampling").path("error").asInt())
                .as(seen.toString())
                .isEqualTo(-32601);
        assertThat(seen.path("sampling").path("message").asText())
                .isEqualTo("upstream 'asker' sent sampling/createMessage on its one connection, shared by all agents,"
                        + " and not on the stream of a call: nothing ties it to one agent, so it is refused");
        assertThat(audit.entries)
                .filteredOn(e -> e.type().equals("gateway.client-request"))
                .extracting(e -> e.subject() + " " + e.details().get("method") + " "
                        + e.details().get("outcome"))
                .containsExactly(
                        "upstream:asker sampling/createMessage no-agent",
                        "upstream:asker elicitation/create no-agent",
                        "upstream:asker roots/list no-agent");
    }

    /** The URI of the first root in the answer to the upstream's first request outside a call. */
    private static String firstRoot(JsonNode seen) {
        return seen.path("answers")
                .path(0)
                .path("result")
                .path("roots")
                .path(0)
                .path("uri")
                .asText();
    }

    private static JsonNode next(RawAgent.Events stream) throws java.io.IOException {
        return Objects.requireNonNull(stream.next(), "the GET stream ended");
    }

    /** What the upstream's requests outside any call got so far, once they are all settled. */
    private static JsonNode outside(RawAgent agent) throws Exception {
        return call(agent, "outside");
    }

    private static JsonNode call(RawAgent agent, String tool) throws Exception {
        JsonNode answer = JSON.readTree(agent.post("""
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"asker.%s","arguments":{}}}""".formatted(tool)));
        String text = answer.path("result").path("content").path(0).path("text").asText();
        assertThat(text).as(answer.toString()).isNotEmpty();
        return text.startsWith("{")
                ? JSON.readTree(text)
                : JSON.getNodeFactory().textNode(text);
    }
}
