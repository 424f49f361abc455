package dev.mandate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.HttpUpstream;
import dev.mandate.gateway.UpstreamConfig;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own Streamable HTTP client against the MCP Java SDK server in process: what it relays and how it fails
 * is what the SDK client relayed and how it failed ({@link SdkUpstream} against the same server is the reference).
 */
final class StreamableHttpUpstreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final BlockingQueue<String> changed = new LinkedBlockingQueue<>();
    private final BlockingQueue<List<JsonNode>> listed = new LinkedBlockingQueue<>();
    private HttpUpstream server;
    private StreamableHttpUpstream lean;
    private SdkUpstream sdk;

    @BeforeEach
    void start() throws Exception {
        server = new HttpUpstream();
        UpstreamConfig.Http config = new UpstreamConfig.Http("crm", server.url(), false, null);
        lean = new StreamableHttpUpstream(
                config, TIMEOUT, "test", JSON, changed::add, (name, tools) -> listed.add(tools));
        sdk = new SdkUpstream(config, TIMEOUT, "test", JSON, m -> {}, (name, tools) -> {});
    }

    @AfterEach
    void stop() throws Exception {
        lean.close();
        sdk.close();
        server.close();
    }

    @Test
    void listsCallsReadsAndPromptsRelayWhatTheSdkClientRelayed() {
        assertThat(names(lean.tools())).isEqualTo(names(sdk.tools()));
        assertThat(lean.capabilities().has("resources")).isTrue();
        assertThat(lean.capabilities().has("prompts")).isTrue();
        assertThat(lean.tool("echo")).isNotNull();
        assertThat(lean.cachedTool("echo")).isEqualTo(lean.tool("echo"));

        JsonNode arguments = JSON.createObjectNode().put("customerId", "c-7");
        JsonNode leanResult = lean.callTool("get_customer", arguments, CallObserver.NONE);
        JsonNode sdkResult = sdk.callTool("get_customer", arguments, CallObserver.NONE);
        assertThat(leanResult.path("content")).isEqualTo(sdkResult.path("content"));
        assertThat(leanResult.path("structuredContent")).isEqualTo(sdkResult.path("structuredContent"));
        assertThat(leanResult.path("structuredContent").path("id").asText()).isEqualTo("c-7");

        assertThat(lean.readResource("crm://customers/1")).isEqualTo(sdk.readResource("crm://customers/1"));
        assertThat(names(lean.resources())).isEqualTo(names(sdk.resources()));
        assertThat(lean.resourceTemplates()).hasSameSizeAs(sdk.resourceTemplates());
        JsonNode promptArguments = JSON.createObjectNode().put("id", "c-9");
        assertThat(names(lean.prompts())).isEqualTo(names(sdk.prompts()));
        assertThat(lean.getPrompt("summary", promptArguments).path("messages"))
                .isEqualTo(sdk.getPrompt("summary", promptArguments).path("messages"));
        assertThat(server.calls()).isEqualTo(2);
    }

    @Test
    void anErrorAnswerIsABadRequestWithTheServersMessageExactlyAsTheSdkClientMappedIt() {
        String leanOutcome = outcome(lean);
        String sdkOutcome = outcome(sdk);

        assertThat(leanOutcome).startsWith("BAD_REQUEST upstream 'crm' answered: ");
        assertThat(leanOutcome).isEqualTo(sdkOutcome);
        // The failed call did not end the session: the next one is answered.
        assertThat(lean.callTool("echo", JSON.createObjectNode().put("text", "still"), CallObserver.NONE)
                        .toString())
                .contains("echo still");
    }

    private static String outcome(Upstream upstream) {
        try {
            return "result " + upstream.callTool("no_such_tool", JSON.createObjectNode(), CallObserver.NONE);
        } catch (GatewayException e) {
            return e.error() + " " + e.getMessage();
        }
    }

    @Test
    void anUnreachableUpstreamIsUnavailableAsItWasThroughTheSdk() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        UpstreamConfig.Http config =
                new UpstreamConfig.Http("gone", URI.create("http://127.0.0.1:" + dead + "/mcp"), false, null);
        try (StreamableHttpUpstream gone =
                new StreamableHttpUpstream(config, TIMEOUT, "test", JSON, m -> {}, (n, t) -> {})) {
            assertThatThrownBy(gone::tools)
                    .isInstanceOfSatisfying(
                            GatewayException.class,
                            e -> assertThat(e.error()).isEqualTo(GatewayError.UPSTREAM_UNAVAILABLE))
                    .hasMessage("upstream 'gone' is unavailable");
        }
    }

    @Test
    void whenTheServerForgetsTheSessionANewOneIsInitializedAndTheCallIsAnswered() throws Exception {
        lean.tools();
        String first = Objects.requireNonNull(lean.sessionId());
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> deleted = http.send(
                    HttpRequest.newBuilder(server.url())
                            .header("Mcp-Session-Id", first)
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).as(deleted.body()).isBetween(200, 299);
        }

        JsonNode result = lean.callTool("echo", JSON.createObjectNode().put("text", "again"), CallObserver.NONE);

        assertThat(result.toString()).contains("echo again");
        assertThat(lean.sessionId()).isNotNull().isNotEqualTo(first);
    }

    @Test
    void progressReachesTheObserverInOrderAndCancellingEndsTheWaitAndTellsTheServer() throws Exception {
        lean.tools(); // the session is open, and with it the GET stream that carries list_changed
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> serverSawCancel = new CompletableFuture<>();
        server.server()
                .addTool(McpServerFeatures.SyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder()
                                .name("slow")
                                .description("reports progress, then waits")
                                .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\"}")
                                .build())
                        .callHandler((exchange, request) -> {
                            Object token = Objects.requireNonNull(request.progressToken());
                            for (int i = 1; i <= 3; i++) {
                                exchange.progressNotification(
                                        new McpSchema.ProgressNotification(token, i, 3.0, "step " + i));
                            }
                            if (Boolean.TRUE.equals(request.arguments().get("wait"))) {
                                try {
                                    serverSawCancel.complete(!release.await(30, TimeUnit.SECONDS));
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                            return McpSchema.CallToolResult.builder()
                                    .addTextContent("done")
                                    .build();
                        })
                        .build());
        // Adding a tool is a list_changed: the tools are listed again, then the gateway is told. The GET stream may
        // still be opening when the first notification is sent, so it is sent again until a list names the tool.
        awaitRelisted("slow");
        // The agents are told after the new list is in.
        assertThat(changed.poll(20, TimeUnit.SECONDS)).isEqualTo("notifications/tools/list_changed");
        assertThat(lean.cachedTool("slow")).isNotNull();

        Recording quick = new Recording();
        JsonNode done = lean.callTool("slow", JSON.createObjectNode(), quick);
        assertThat(done.toString()).contains("done");
        assertThat(quick.progress).containsExactly("1.0/3.0 step 1", "2.0/3.0 step 2", "3.0/3.0 step 3");

        Recording waiting = new Recording();
        CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
            try {
                return lean.callTool("slow", JSON.createObjectNode().put("wait", true), waiting);
            } catch (GatewayException e) {
                return e;
            }
        });
        assertThat(waiting.third.await(20, TimeUnit.SECONDS)).isTrue();
        Objects.requireNonNull(waiting.cancel).run();

        Object ended = call.get(20, TimeUnit.SECONDS);
        assertThat(ended)
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.BAD_REQUEST))
                .hasToString(
                        GatewayException.class.getName() + ": upstream 'crm' answered: the request was" + " cancelled");
        release.countDown();
        assertThat(lean.callTool("echo", JSON.createObjectNode().put("text", "after"), CallObserver.NONE)
                        .toString())
                .contains("echo after");
    }

    @Test
    void serverToClientRequestsAreAnsweredPingWithAResultAndTheRestWithMethodNotFound() throws Exception {
        server.server()
                .addTool(McpServerFeatures.SyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder()
                                .name("ask")
                                .description("asks the client")
                                .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\"}")
                                .build())
                        .callHandler((exchange, request) -> {
                            String roots;
                            try {
                                exchange.listRoots();
                                roots = "answered";
                            } catch (McpError e) {
                                roots = Integer.toString(e.getJsonRpcError().code());
                            }
                            exchange.ping();
                            return McpSchema.CallToolResult.builder()
                                    .addTextContent("roots " + roots + ", ping answered")
                                    .build();
                        })
                        .build());

        JsonNode result = lean.callTool("ask", JSON.createObjectNode(), CallObserver.NONE);

        assertThat(result.toString()).contains("roots -32601, ping answered");
    }

    private void awaitRelisted(String tool) throws InterruptedException {
        listed.clear();
        for (int i = 0; i < 100; i++) {
            List<JsonNode> tools = listed.poll(200, TimeUnit.MILLISECONDS);
            if (tools != null && names(tools).contains(tool)) {
                return;
            }
            server.server().notifyToolsListChanged();
        }
        throw new AssertionError("no list_changed brought a list with " + tool);
    }

    private static List<String> names(List<JsonNode> items) {
        return items.stream()
                .map(i ->
                        i.has("name") ? i.path("name").asText() : i.path("uri").asText())
                .toList();
    }

    /** Records progress and keeps the cancel action. */
    private static final class Recording implements CallObserver {
        final List<String> progress = new CopyOnWriteArrayList<>();
        final CountDownLatch third = new CountDownLatch(3);
        volatile @Nullable Runnable cancel;

        @Override
        public void progress(double progress, @Nullable Double total, @Nullable String message) {
            this.progress.add(progress + "/" + total + " " + message);
            third.countDown();
        }

        @Override
        public void cancellable(Runnable cancel) {
            this.cancel = cancel;
        }
    }
}
