package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway between the official MCP Java SDK client (the agent) and third-party MCP servers from npm: the
 * everything server over stdio ({@code everything.*}) and over Streamable HTTP ({@code web.*}), and the filesystem
 * server over stdio ({@code files.*}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class McpGatewayPeersTest {

    private final Recorders.Tokens tokens = new Recorders.Tokens();
    private final Recorders.Decider decider = new Recorders.Decider();
    private final Recorders.Audit audit = new Recorders.Audit();
    private final List<McpSyncClient> agents = new CopyOnWriteArrayList<>();
    private PeerGateway peers;
    private Path root;

    @BeforeAll
    void start() throws Exception {
        peers = new PeerGateway(tokens, decider, audit);
        root = peers.root;
    }

    @AfterAll
    void stop() {
        agents.forEach(McpSyncClient::closeGracefully);
        if (peers != null) {
            peers.close();
        }
    }

    private McpSyncClient agent(String mandateId) {
        return agent(mandateId, spec -> spec);
    }

    private McpSyncClient agent(String mandateId, java.util.function.UnaryOperator<McpClient.SyncSpec> customize) {
        tokens.add(mandateId, Recorders.fresh());
        McpSyncClient client =
                TestGateway.sdkAgent("http://127.0.0.1:" + peers.port(), mandateId, Duration.ofSeconds(60), customize);
        client.initialize();
        agents.add(client);
        return client;
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream()
                .filter(McpSchema.TextContent.class::isInstance)
                .map(c -> ((McpSchema.TextContent) c).text())
                .reduce("", String::concat);
    }

    @Test
    void initializeMergesTheCapabilitiesOfTheThirdPartyServers() {
        McpSyncClient agent = agent("m-init");

        assertThat(agent.getServerInfo().name()).isEqualTo("mandate-gateway");
        assertThat(agent.getServerCapabilities().tools()).isNotNull();
        assertThat(agent.getServerCapabilities().resources()).isNotNull();
        assertThat(agent.getServerCapabilities().prompts()).isNotNull();
    }

    @Test
    void toolsOfAllThreeUpstreamsAreListedUnderTheirNamespaces() {
        McpSyncClient agent = agent("m-list");

        assertThat(agent.listTools().tools())
                .extracting(McpSchema.Tool::name)
                .contains(
                        "everything.echo",
                        "everything.get-sum",
                        "web.echo",
                        "web.trigger-long-running-operation",
                        "files.read_text_file",
                        "files.list_directory");
    }

    @Test
    void toolCallsReachTheEverythingServerOverStdioAndHttpAndTheFilesystemServer() {
        McpSyncClient agent = agent("m-call");

        assertThat(text(agent.callTool(new McpSchema.CallToolRequest("everything.echo", Map.of("message", "hi")))))
                .contains("hi");
        assertThat(text(agent.callTool(new McpSchema.CallToolRequest("web.get-sum", Map.of("a", 2, "b", 40)))))
                .contains("42");
        assertThat(text(agent.callTool(new McpSchema.CallToolRequest(
                        "files.read_text_file",
                        Map.of("path", root.resolve("notes.txt").toString())))))
                .isEqualTo("hello from the filesystem server");
        assertThat(audit.entries)
                .filteredOn(e -> e.type().equals("gateway.call"))
                .extracting(e -> e.details().get("tool"))
                .contains("everything.echo", "web.get-sum", "files.read_text_file");
    }

    @Test
    void aToolErrorOfTheFilesystemServerReachesTheAgentAsAToolResult() {
        McpSyncClient agent = agent("m-toolerror");

        McpSchema.CallToolResult result =
                agent.callTool(new McpSchema.CallToolRequest("files.read_text_file", Map.of("path", "/etc/passwd")));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("Access denied");
    }

    @Test
    void resourcesAreListedAndReadThroughTheGateway() {
        McpSyncClient agent = agent("m-resources");

        List<McpSchema.Resource> resources = agent.listResources().resources();
        assertThat(resources).isNotEmpty();
        McpSchema.Resource first = resources.get(0);
        McpSchema.ReadResourceResult read = agent.readResource(new McpSchema.ReadResourceRequest(first.uri()));

        assertThat(read.contents()).isNotEmpty();
        assertThat(read.contents().get(0).uri()).isEqualTo(first.uri());
        // Both everything servers serve the same URIs and templates: each copy is under its upstream's namespace.
        assertThat(resources)
                .extracting(McpSchema.Resource::uri)
                .contains(first.uri())
                .anyMatch(u -> u.startsWith("mandate://everything/demo://"))
                .anyMatch(u -> u.startsWith("mandate://web/demo://"));
        assertThat(agent.listResourceTemplates().resourceTemplates())
                .extracting(McpSchema.ResourceTemplate::uriTemplate)
                .anyMatch(t -> t.startsWith("mandate://everything/demo://resource/dynamic/text/"))
                .anyMatch(t -> t.startsWith("mandate://web/demo://resource/dynamic/text/"));
    }

    @Test
    void promptsAreListedAndFetchedWithArguments() {
        McpSyncClient agent = agent("m-prompts");

        assertThat(agent.listPrompts().prompts())
                .extracting(McpSchema.Prompt::name)
                .contains("everything.simple-prompt", "everything.args-prompt", "web.args-prompt");
        McpSchema.GetPromptResult prompt =
                agent.getPrompt(new McpSchema.GetPromptRequest("everything.args-prompt", Map.of("city", "Lisbon")));

        assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text())
                .contains("Lisbon");
    }

    @Test
    void theEverythingServersSamplingRequestOverStreamableHttpReachesTheCallingAgentAndItsAnswerComesBack() {
        List<String> asked = new CopyOnWriteArrayList<>();
        McpSyncClient agent = agent(
                "m-sampling",
                spec -> spec.capabilities(McpSchema.ClientCapabilities.builder()
                                .sampling()
                                .build())
                        .sampling(request -> {
                            asked.add(((McpSchema.TextContent)
                                            request.messages().get(0).content())
                                    .text());
                            return McpSchema.CreateMessageResult.builder()
                                    .role(McpSchema.Role.ASSISTANT)
                                    .content(new McpSchema.TextContent("forty-two"))
                                    .model("agent-model")
                                    .build();
                        }));

        // The gateway declares sampling to its HTTP upstreams, so the everything server offers the tool; it sends
        // sampling/createMessage on the call's own stream, which the gateway relays to this agent's session.
        McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest(
                "web.trigger-sampling-request", Map.of("prompt", "the answer?", "maxTokens", 10)));

        assertThat(text(result)).contains("LLM sampling result", "forty-two", "agent-model");
        assertThat(asked).singleElement().asString().contains("the answer?");
        assertThat(audit.entries)
                .filteredOn(e ->
                        e.type().equals("gateway.client-request") && e.subject().equals("m-sampling"))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.details()).containsEntry("upstream", "web").containsEntry("outcome", "answered"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"everything", "web"})
    void progressOfALongRunningToolReachesTheAgentUnderItsOwnToken(String upstream) throws Exception {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        McpSyncClient agent = agent(
                "m-progress-" + upstream,
                spec -> spec.progressConsumer(p -> {
                    progress.add(p);
                    three.countDown();
                }));

        McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest(
                upstream + ".trigger-long-running-operation",
                Map.of("duration", 0.3, "steps", 3),
                Map.of("progressToken", "agent-token-7")));

        assertThat(text(result)).contains("Long running operation completed");
        assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(progress)
                .extracting(McpSchema.ProgressNotification::progressToken)
                .containsOnly("agent-token-7");
        assertThat(progress)
                .extracting(McpSchema.ProgressNotification::progress)
                // in any order: the Java SDK client hands each notification to its consumer on a pool thread
                .containsExactlyInAnyOrder(1.0, 2.0, 3.0);
        assertThat(progress).extracting(McpSchema.ProgressNotification::total).containsOnly(3.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"everything", "web"})
    void anAgentsCancellationEndsTheCallAndIsPassedUpstream(String upstream) throws Exception {
        String mandate = "m-cancel-" + upstream;
        tokens.add(mandate, Recorders.fresh());
        RawAgent agent = new RawAgent(peers.url(), "token-" + mandate);
        try (RawAgent.Events call = agent.stream("""
                {"jsonrpc":"2.0","id":"long-1","method":"tools/call","params":{
                  "name":"%s.trigger-long-running-operation","arguments":{"duration":25,"steps":25},
                  "_meta":{"progressToken":"p1"}}}""".formatted(upstream))) {
            // The first progress event proves that the call reached the upstream before it is cancelled.
            JsonNode first = java.util.Objects.requireNonNull(call.next(), "the stream ended before any progress");
            assertThat(first.path("method").asText()).isEqualTo("notifications/progress");
            assertThat(first.path("params").path("progressToken").asText()).isEqualTo("p1");

            agent.post("""
                    {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"long-1"}}""");

            JsonNode answer = call.next();
            while (answer != null && answer.has("method")) {
                answer = call.next();
            }
            JsonNode done = java.util.Objects.requireNonNull(answer, "the stream ended without an answer");
            assertThat(done.path("id").asText()).isEqualTo("long-1");
            assertThat(done.path("error").path("code").asInt()).isEqualTo(GatewayError.CANCELLED.jsonRpcCode());
        }
        assertThat(audit.entries)
                .filteredOn(e -> e.subject().equals(mandate))
                .extracting(e -> e.details().get("upstreamStatus"))
                .containsExactly("error");
        // The upstream still answers the next call: the cancelled one did not wedge the connection.
        assertThat(agent.post("""
                        {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{
                          "name":"%s.echo","arguments":{"message":"after"}}}""".formatted(upstream))).contains("after");
    }

    @Test
    void aDeniedCallNeverReachesTheThirdPartyServer() throws Exception {
        Path target = root.resolve("denied.txt");
        decider.rule = r -> r.action().equals("files.write_file")
                ? new Decision.Deny(List.of("no-writes"), "read-only task")
                : new Decision.Allow(List.of());
        try {
            McpSyncClient agent = agent("m-denied");

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> agent.callTool(new McpSchema.CallToolRequest(
                            "files.write_file", Map.of("path", target.toString(), "content", "x"))))
                    .hasMessageContaining("no-writes");
            assertThat(target).doesNotExist();
        } finally {
            decider.rule = r -> new Decision.Allow(List.of());
        }
    }
}
