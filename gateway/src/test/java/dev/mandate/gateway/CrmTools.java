package dev.mandate.gateway;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The tools of the test upstreams, built with the MCP Java SDK server: a CRM that returns customer records, an email
 * sender, an echo, and a memory that stores notes. Used over Streamable HTTP in-process and over stdio as a process.
 */
final class CrmTools {
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final String OBJECT = "{\"type\":\"object\",\"properties\":{}}";

    final AtomicInteger calls = new AtomicInteger();
    final Map<String, String> memory = new ConcurrentHashMap<>();

    McpSyncServer streamable(McpStreamableServerTransportProvider transport) {
        return features(McpServer.sync(transport).serverInfo("crm", "1.0"));
    }

    McpSyncServer stdio(McpServerTransportProvider transport) {
        return features(McpServer.sync(transport).serverInfo("files", "1.0"));
    }

    private McpSyncServer features(McpServer.SyncSpecification<?> spec) {
        return spec.capabilities(McpSchema.ServerCapabilities.builder()
                        .tools(true)
                        .resources(false, true)
                        .prompts(true)
                        .build())
                .tools(
                        tool(
                                "get_customer",
                                new McpSchema.ToolAnnotations("get", true, false, true, false, null),
                                a -> {
                                    String id = String.valueOf(a.getOrDefault("customerId", "?"));
                                    return McpSchema.CallToolResult.builder()
                                            .addTextContent("customer " + id)
                                            .structuredContent(Map.of("id", id, "name", "Ada", "ssn", "123-45-6789"))
                                            .build();
                                }),
                        tool("send_email", null, a -> text("sent to " + a.get("to"))),
                        tool(
                                "echo",
                                new McpSchema.ToolAnnotations("echo", true, false, true, false, null),
                                a -> text("echo " + a.get("text"))),
                        tool("remember", null, a -> {
                            memory.put(String.valueOf(a.get("key")), String.valueOf(a.get("value")));
                            return text("stored");
                        }),
                        tool("recall", null, a -> text(String.valueOf(memory.get(String.valueOf(a.get("key")))))))
                .resources(new McpServerFeatures.SyncResourceSpecification(
                        McpSchema.Resource.builder()
                                .uri("crm://customers/1")
                                .name("customer-1")
                                .mimeType("text/plain")
                                .build(),
                        (exchange, request) -> new McpSchema.ReadResourceResult(List.of(
                                new McpSchema.TextResourceContents(request.uri(), "text/plain", "Ada Lovelace")))))
                .prompts(new McpServerFeatures.SyncPromptSpecification(
                        new McpSchema.Prompt(
                                "summary",
                                "Summarise a customer",
                                List.of(new McpSchema.PromptArgument("id", "id", true))),
                        (exchange, request) -> new McpSchema.GetPromptResult(
                                "summary",
                                List.of(new McpSchema.PromptMessage(
                                        McpSchema.Role.USER,
                                        new McpSchema.TextContent("Summarise customer "
                                                + request.arguments().get("id")))))))
                .build();
    }

    private McpServerFeatures.SyncToolSpecification tool(
            String name,
            McpSchema.@Nullable ToolAnnotations annotations,
            java.util.function.Function<Map<String, Object>, McpSchema.CallToolResult> body) {
        McpSchema.Tool.Builder tool =
                McpSchema.Tool.builder().name(name).description(name).inputSchema(JSON, OBJECT);
        if (annotations != null) {
            tool.annotations(annotations);
        }
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(tool.build())
                .callHandler((exchange, request) -> {
                    calls.incrementAndGet();
                    return body.apply(request.arguments() == null ? Map.of() : request.arguments());
                })
                .build();
    }

    private static McpSchema.CallToolResult text(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).build();
    }
}
