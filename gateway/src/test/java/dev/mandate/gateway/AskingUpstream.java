package dev.mandate.gateway;

import dev.mandate.gateway.testing.StreamableServer;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * An upstream MCP server (the Java SDK's Streamable HTTP server on Jetty, 127.0.0.1, port 0) whose tools ask the client
 * during the call — {@code sample} (sampling), {@code elicit} (elicitation), {@code roots} (roots), {@code sample_pair}
 * (sampling once two calls are in flight at once) — and answer with what the client said, or with the error the client
 * side gave as an error result. Its resource {@code slow://report} and prompt {@code slow} report progress under the
 * request's token; {@code slow://stuck} reports progress and then waits until released.
 */
@SuppressWarnings("try") // close() may throw InterruptedException from Jetty's stop
final class AskingUpstream implements AutoCloseable {
    private static final String OBJECT = "{\"type\":\"object\",\"properties\":{}}";

    /** Both {@code sample_pair} calls meet here before either asks, so two calls are in flight together. */
    final CyclicBarrier pair = new CyclicBarrier(2);

    /** Released when the test ends, so that {@code slow://stuck} stops waiting. */
    final CountDownLatch unstick = new CountDownLatch(1);

    private final StreamableServer http;

    AskingUpstream() throws Exception {
        http = StreamableServer.start(transport -> McpServer.sync(transport)
                .serverInfo("asker", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder()
                        .tools(true)
                        .resources(false, true)
                        .prompts(true)
                        .build())
                .tools(
                        tool("sample", AskingUpstream::sample),
                        tool("elicit", exchange -> {
                            McpSchema.ElicitResult r = exchange.createElicitation(McpSchema.ElicitRequest.builder()
                                    .message("Which account?")
                                    .requestedSchema(Map.of(
                                            "type",
                                            "object",
                                            "properties",
                                            Map.of("account", Map.of("type", "string"))))
                                    .build());
                            return "elicited " + r.action() + " " + r.content();
                        }),
                        tool(
                                "roots",
                                exchange -> "roots "
                                        + exchange.listRoots().roots().stream()
                                                .map(McpSchema.Root::uri)
                                                .toList()),
                        tool("sample_pair", exchange -> {
                            try {
                                pair.await(20, TimeUnit.SECONDS);
                            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                                return "the other call never came: " + e;
                            }
                            return sample(exchange);
                        }))
                .resources(
                        new McpServerFeatures.SyncResourceSpecification(
                                McpSchema.Resource.builder()
                                        .uri("slow://report")
                                        .name("report")
                                        .mimeType("text/plain")
                                        .build(),
                                (exchange, request) -> {
                                    progress(exchange, request.meta(), 1, "reading");
                                    progress(exchange, request.meta(), 2, "read");
                                    return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(
                                            request.uri(), "text/plain", "the report")));
                                }),
                        new McpServerFeatures.SyncResourceSpecification(
                                McpSchema.Resource.builder()
                                        .uri("slow://stuck")
                                        .name("stuck")
                                        .mimeType("text/plain")
                                        .build(),
                                (exchange, request) -> {
                                    progress(exchange, request.meta(), 1, "started");
                                    try {
                                        unstick.await(30, TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(
                                            request.uri(), "text/plain", "too late")));
                                }))
                .prompts(new McpServerFeatures.SyncPromptSpecification(
                        new McpSchema.Prompt("slow", "A prompt that reports progress", List.of()),
                        (exchange, request) -> {
                            progress(exchange, request.meta(), 1, "composing");
                            progress(exchange, request.meta(), 2, "composed");
                            return new McpSchema.GetPromptResult(
                                    "slow",
                                    List.of(new McpSchema.PromptMessage(
                                            McpSchema.Role.USER, new McpSchema.TextContent("a slow prompt"))));
                        }))
                .build());
    }

    private static String sample(McpSyncServerExchange exchange) {
        McpSchema.CreateMessageResult r = exchange.createMessage(McpSchema.CreateMessageRequest.builder()
                .messages(List.of(new McpSchema.SamplingMessage(
                        McpSchema.Role.USER, new McpSchema.TextContent("Summarise the ticket"))))
                .maxTokens(50)
                .build());
        return "sampled " + ((McpSchema.TextContent) r.content()).text();
    }

    private static void progress(
            McpSyncServerExchange exchange,
            @org.jspecify.annotations.Nullable Map<String, Object> meta,
            int step,
            String message) {
        Object token = meta == null ? null : meta.get("progressToken");
        if (token != null) {
            exchange.progressNotification(new McpSchema.ProgressNotification(token, step, 2.0, message));
        }
    }

    private static McpServerFeatures.SyncToolSpecification tool(
            String name, Function<McpSyncServerExchange, String> body) {
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder()
                        .name(name)
                        .description(name)
                        .inputSchema(McpJsonDefaults.getMapper(), OBJECT)
                        .build())
                .callHandler((exchange, request) -> {
                    try {
                        return McpSchema.CallToolResult.builder()
                                .addTextContent(body.apply(exchange))
                                .build();
                    } catch (McpError e) {
                        // What the client side answered: the test reads the code and message from here.
                        McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
                        return McpSchema.CallToolResult.builder()
                                .addTextContent("refused "
                                        + (error == null ? "?" : error.code()) + " "
                                        + Objects.toString(e.getMessage()))
                                .isError(true)
                                .build();
                    }
                })
                .build();
    }

    URI url() {
        return http.url();
    }

    @Override
    public void close() throws Exception {
        unstick.countDown();
        pair.reset();
        http.close();
    }
}
