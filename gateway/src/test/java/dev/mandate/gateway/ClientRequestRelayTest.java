package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.core.approval.Approvals;
import dev.mandate.core.approval.InMemoryApprovalStore;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.policy.AgentFacts;
import dev.mandate.core.policy.MandateFacts;
import dev.mandate.core.policy.MandateLookup;
import dev.mandate.core.policy.PolicyEngine;
import dev.mandate.core.policy.PolicyStore;
import dev.mandate.gateway.policy.CedarCallDecider;
import dev.mandate.gateway.policy.DriftListener;
import dev.mandate.gateway.policy.DriftSettings;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream's requests to the client made during a call (sampling, elicitation, roots) reach the agent session that
 * made the call, through the gateway, decided and recorded; and resource reads and prompt fetches get progress and
 * cancellation as tool calls do. Real peers: the MCP Java SDK server upstream, SDK clients (or raw HTTP) as agents.
 */
final class ClientRequestRelayTest {
    private final Recorders.Tokens tokens = new Recorders.Tokens();
    private final Recorders.Decider decider = new Recorders.Decider();
    private final Recorders.Audit audit = new Recorders.Audit();
    private AskingUpstream upstream;
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = new AskingUpstream();
        String config = """
                {"upstreams": {"asker": {"url": "%s"}},
                 "catalog": {
                   "resources": {"asker": {"slow://{name}": {"labels": "internal"}}},
                   "prompts": {"asker": {"slow": {"labels": "internal"}}}}}
                """.formatted(upstream.url());
        gateway = new TestGateway(config, tokens, decider, audit, Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    /** An SDK agent of its own mandate, configured by {@code spec} (its client capabilities and handlers). */
    private McpSyncClient agent(String mandateId, UnaryOperator<McpClient.SyncSpec> spec) {
        tokens.add(mandateId, Recorders.fresh());
        return gateway.agent(mandateId, Duration.ofSeconds(30), spec);
    }

    /** An agent that declares sampling and answers every sampling request with {@code answer}, counting them. */
    private McpSyncClient samplingAgent(String mandateId, String answer, List<String> asked) {
        return agent(
                mandateId,
                spec -> spec.capabilities(McpSchema.ClientCapabilities.builder()
                                .sampling()
                                .build())
                        .sampling(request -> {
                            asked.add(((McpSchema.TextContent)
                                            request.messages().get(0).content())
                                    .text());
                            return McpSchema.CreateMessageResult.builder()
                                    .role(McpSchema.Role.ASSISTANT)
                                    .content(new McpSchema.TextContent(answer))
                                    .model("test-model")
                                    .build();
                        }));
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    private List<AuditEntry> clientRequests() {
        return audit.entries.stream()
                .filter(e -> e.type().equals("gateway.client-request"))
                .toList();
    }

    @Test
    void anUpstreamsSamplingRequestDuringACallReachesTheCallingAgentAndItsAnswerReachesTheUpstream() {
        List<String> asked = new CopyOnWriteArrayList<>();
        McpSyncClient agent = samplingAgent("m1", "the ticket is about billing", asked);

        McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest("asker.sample", Map.of()));

        assertThat(text(result)).isEqualTo("sampled the ticket is about billing");
        assertThat(asked).containsExactly("Summarise the ticket");
        DecisionRequest decided = decider.calls().stream()
                .filter(r -> r.method().equals("sampling/createMessage"))
                .findFirst()
                .orElseThrow();
        assertThat(decided.action()).isEqualTo("sampling");
        assertThat(decided.target().server()).isEqualTo("asker");
        assertThat(decided.caller().mandateId()).isEqualTo("m1");
        assertThat(clientRequests()).singleElement().satisfies(e -> {
            assertThat(e.subject()).isEqualTo("m1");
            assertThat(e.details())
                    .containsEntry("method", "sampling/createMessage")
                    .containsEntry("upstream", "asker")
                    .containsEntry("decision", "allow")
                    .containsEntry("outcome", "answered");
            assertThat(e.details().get("argumentDigest")).startsWith("sha256:");
            assertThat(e.details().values()).noneMatch(v -> v.contains("Summarise"));
        });
    }

    @Test
    void elicitationAndRootsRequestsReachTheAgentAndItsAnswersReachTheUpstream() {
        McpSyncClient agent = agent(
                "m1",
                spec -> spec.capabilities(McpSchema.ClientCapabilities.builder()
                                .elicitation()
                                .roots(false)
                                .build())
                        .elicitation(request -> new McpSchema.ElicitResult(
                                McpSchema.ElicitResult.Action.ACCEPT, Map.of("account", "acme-" + request.message())))
                        .roots(new McpSchema.Root("file:///work/project", "project")));

        assertThat(text(agent.callTool(new McpSchema.CallToolRequest("asker.elicit", Map.of()))))
                .isEqualTo("elicited ACCEPT {account=acme-Which account?}");
        assertThat(text(agent.callTool(new McpSchema.CallToolRequest("asker.roots", Map.of()))))
                .isEqualTo("roots [file:///work/project]");
        assertThat(clientRequests())
                .extracting(e -> e.details().get("method") + " " + e.details().get("outcome"))
                .containsExactly("elicitation/create answered", "roots/list answered");
    }

    @Test
    void anAgentThatDidNotDeclareTheCapabilityIsNotAskedAndTheUpstreamGetsAnError() {
        McpSyncClient agent = agent("m1", spec -> spec);

        McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest("asker.sample", Map.of()));

        assertThat(result.isError()).isTrue();
        assertThat(text(result))
                .startsWith("refused -32601")
                .contains("did not declare the 'sampling' client capability");
        assertThat(decider.calls()).noneMatch(r -> r.method().equals("sampling/createMessage"));
        assertThat(clientRequests())
                .singleElement()
                .satisfies(e -> assertThat(e.details())
                        .containsEntry("decision", "not-asked")
                        .containsEntry("outcome", "capability-missing"));
    }

    @Test
    void aPolicyThatDoesNotAllowSamplingRefusesItWithoutAskingTheAgent() {
        decider.rule = r -> r.method().equals("sampling/createMessage")
                ? new Decision.Deny(List.of("no-sampling"), "upstreams may not sample")
                : new Decision.Allow(List.of());
        List<String> asked = new CopyOnWriteArrayList<>();
        McpSyncClient agent = samplingAgent("m1", "never", asked);

        McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest("asker.sample", Map.of()));

        assertThat(text(result)).startsWith("refused -32003").contains("no-sampling");
        assertThat(asked).isEmpty();
        assertThat(clientRequests())
                .singleElement()
                .satisfies(e -> assertThat(e.details())
                        .containsEntry("decision", "deny")
                        .containsEntry("policies", "no-sampling")
                        .containsEntry("outcome", "not-asked"));
    }

    @Test
    void withCedarPoliciesAPermitForToolCallsDoesNotLetAnUpstreamSampleUntilAPolicyAllowsSampling() {
        String calls = """
                @id("calls") permit (principal, action in Action::"call_tool", resource);
                """;
        decider.rule = cedar(calls)::decide;
        List<String> asked = new CopyOnWriteArrayList<>();
        McpSyncClient agent = samplingAgent("m1", "yes", asked);

        McpSchema.CallToolResult refused = agent.callTool(new McpSchema.CallToolRequest("asker.sample", Map.of()));

        assertThat(text(refused)).startsWith("refused -32003");
        assertThat(asked).isEmpty();

        decider.rule = cedar(calls + """
                        @id("asker-may-sample")
                        permit (principal, action == Action::"sampling", resource == McpServer::"asker");
                        """)::decide;

        assertThat(text(agent.callTool(new McpSchema.CallToolRequest("asker.sample", Map.of()))))
                .isEqualTo("sampled yes");
        assertThat(asked).hasSize(1);
    }

    /** Mandate's Cedar decider over these policies; every mandate is a triage mandate of an agent of team-support. */
    private static CedarCallDecider cedar(String policies) {
        InstantSource clock = InstantSource.system();
        Instant issued = clock.instant();
        MandateLookup lookup = new MandateLookup() {
            @Override
            public MandateFacts mandate(String id) {
                return new MandateFacts(
                        id,
                        "spiffe://mandate.local/agent/" + id,
                        "triage",
                        Tier.AUTONOMOUS,
                        0,
                        "alice",
                        issued,
                        issued.plus(Duration.ofHours(1)),
                        Set.of("asker.*"),
                        0,
                        Sensitivity.PUBLIC);
            }

            @Override
            public AgentFacts agent(String id) {
                return new AgentFacts(id, "team-support", true, Tier.AUTONOMOUS);
            }
        };
        PolicyStore store = PolicyStore.of(Map.of("p.cedar", policies), clock);
        return new CedarCallDecider(
                new PolicyEngine(store::current),
                new Approvals(new InMemoryApprovalStore(), clock, Duration.ofMinutes(5)),
                lookup,
                DriftSettings.DEFAULTS,
                DriftListener.NONE,
                action -> null);
    }

    @Test
    void anAgentsErrorAnswerReachesTheUpstreamAsAnError() {
        McpSyncClient agent = agent(
                "m1",
                spec -> spec.capabilities(McpSchema.ClientCapabilities.builder()
                                .sampling()
                                .build())
                        .sampling(request -> {
                            throw new IllegalStateException("the user declined");
                        }));

        McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest("asker.sample", Map.of()));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).startsWith("refused");
        assertThat(clientRequests())
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("outcome", "agent-error"));
    }

    @Test
    void twoAgentsCallingAtOnceAreEachAskedOnlyAboutTheirOwnCall() throws Exception {
        List<String> askedA = new CopyOnWriteArrayList<>();
        List<String> askedB = new CopyOnWriteArrayList<>();
        McpSyncClient a = samplingAgent("m-a", "answer from A", askedA);
        McpSyncClient b = samplingAgent("m-b", "answer from B", askedB);

        // sample_pair waits until both calls are in flight on the one shared upstream connection, then asks.
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<McpSchema.CallToolResult> fromA =
                    threads.submit(() -> a.callTool(new McpSchema.CallToolRequest("asker.sample_pair", Map.of())));
            Future<McpSchema.CallToolResult> fromB =
                    threads.submit(() -> b.callTool(new McpSchema.CallToolRequest("asker.sample_pair", Map.of())));

            assertThat(text(fromA.get(30, TimeUnit.SECONDS))).isEqualTo("sampled answer from A");
            assertThat(text(fromB.get(30, TimeUnit.SECONDS))).isEqualTo("sampled answer from B");
        }
        assertThat(askedA).hasSize(1);
        assertThat(askedB).hasSize(1);
        assertThat(clientRequests()).extracting(AuditEntry::subject).containsExactlyInAnyOrder("m-a", "m-b");
    }

    @Test
    void aResponseFromAnotherSessionCannotAnswerARequestSentToThisOne() throws Exception {
        // Agent B learns nothing of A's pending request ids, and even a guessed one is matched within B's session only.
        tokens.add("m-a", Recorders.fresh());
        tokens.add("m-b", Recorders.fresh());
        RawAgent a = new RawAgent(gateway.url() + "/mcp", "token-m-a", """
                {"sampling":{}}""");
        RawAgent b = new RawAgent(gateway.url() + "/mcp", "token-m-b", """
                {"sampling":{}}""");
        try (RawAgent.Events call = a.stream("""
                {"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"asker.sample","arguments":{}}}""")) {
            JsonNode request = Objects.requireNonNull(call.next(), "no request reached agent A");
            assertThat(request.path("method").asText()).isEqualTo("sampling/createMessage");
            String id = request.path("id").asText();

            b.post("""
                    {"jsonrpc":"2.0","id":"%s","result":{"role":"assistant","content":{"type":"text","text":"from B"},
                     "model":"m"}}""".formatted(id));
            a.post("""
                    {"jsonrpc":"2.0","id":"%s","result":{"role":"assistant","content":{"type":"text","text":"from A"},
                     "model":"m"}}""".formatted(id));

            JsonNode answer = Objects.requireNonNull(call.next(), "no answer to the call");
            assertThat(answer.path("id").asText()).isEqualTo("c1");
            assertThat(answer.path("result").path("content").get(0).path("text").asText())
                    .isEqualTo("sampled from A");
        }
    }

    @Test
    void aRequestStillAwaitingTheAgentIsWithdrawnWhenItsCallIsCancelled() throws Exception {
        tokens.add("m1", Recorders.fresh());
        RawAgent agent = new RawAgent(gateway.url() + "/mcp", "token-m1", """
                {"sampling":{}}""");
        try (RawAgent.Events call = agent.stream("""
                {"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"asker.sample","arguments":{}}}""")) {
            JsonNode request = Objects.requireNonNull(call.next(), "no request reached the agent");
            assertThat(request.path("method").asText()).isEqualTo("sampling/createMessage");

            agent.post("""
                    {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c1"}}""");

            JsonNode withdrawn = Objects.requireNonNull(call.next(), "the stream ended before the withdrawal");
            assertThat(withdrawn.path("method").asText()).isEqualTo("notifications/cancelled");
            assertThat(withdrawn.path("params").path("requestId").asText())
                    .isEqualTo(request.path("id").asText());
            JsonNode answer = Objects.requireNonNull(call.next(), "the stream ended without an answer");
            assertThat(answer.path("id").asText()).isEqualTo("c1");
            assertThat(answer.path("error").path("code").asInt()).isEqualTo(GatewayError.CANCELLED.jsonRpcCode());
        }
    }

    @Test
    void progressOfAResourceReadAndAPromptFetchReachesTheAgentUnderItsOwnToken() throws Exception {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        CountDownLatch four = new CountDownLatch(4);
        McpSyncClient agent = agent(
                "m1",
                spec -> spec.progressConsumer(p -> {
                    progress.add(p);
                    four.countDown();
                }));

        McpSchema.ReadResourceResult read =
                agent.readResource(new McpSchema.ReadResourceRequest("slow://report", Map.of("progressToken", "r-7")));
        McpSchema.GetPromptResult prompt =
                agent.getPrompt(new McpSchema.GetPromptRequest("asker.slow", Map.of(), Map.of("progressToken", "p-8")));

        assertThat(((McpSchema.TextResourceContents) read.contents().get(0)).text())
                .isEqualTo("the report");
        assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text())
                .isEqualTo("a slow prompt");
        assertThat(four.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(progress)
                .extracting(p -> p.progressToken() + " " + p.progress() + " " + p.message())
                .containsExactlyInAnyOrder("r-7 1.0 reading", "r-7 2.0 read", "p-8 1.0 composing", "p-8 2.0 composed");
    }

    @Test
    void anAgentsCancellationEndsAResourceRead() throws Exception {
        tokens.add("m1", Recorders.fresh());
        RawAgent agent = new RawAgent(gateway.url() + "/mcp", "token-m1");
        try (RawAgent.Events call = agent.stream("""
                {"jsonrpc":"2.0","id":"read-1","method":"resources/read","params":{"uri":"slow://stuck",
                  "_meta":{"progressToken":"p1"}}}""")) {
            // The first progress event proves that the read reached the upstream before it is cancelled.
            JsonNode first = Objects.requireNonNull(call.next(), "the stream ended before any progress");
            assertThat(first.path("params").path("progressToken").asText()).isEqualTo("p1");

            agent.post("""
                    {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"read-1"}}""");

            JsonNode answer = call.next();
            while (answer != null && answer.has("method")) {
                answer = call.next();
            }
            JsonNode done = Objects.requireNonNull(answer, "the stream ended without an answer");
            assertThat(done.path("id").asText()).isEqualTo("read-1");
            assertThat(done.path("error").path("code").asInt()).isEqualTo(GatewayError.CANCELLED.jsonRpcCode());
        }
        assertThat(audit.entries)
                .filteredOn(e -> e.type().equals("gateway.call"))
                .extracting(e -> e.details().get("upstreamStatus"))
                .containsExactly("error");
        // The upstream still answers the next read: the cancelled one did not wedge the connection.
        assertThat(agent.post("""
                        {"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"slow://report"}}""")).contains("the report");
    }
}
