package dev.mandate.gateway;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * A tiny MCP server over stdio, started as a process per mandate by the credential tests: its one tool, {@code whoami},
 * answers with the credential it was started with ({@code API_USER}, {@code API_TOKEN}) and its process id.
 */
final class EnvToolServer {
    private EnvToolServer() {}

    public static void main(String[] args) throws InterruptedException {
        McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper()))
                .serverInfo("files", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(McpServerFeatures.SyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder()
                                .name("whoami")
                                .description("the credential this process holds")
                                .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\",\"properties\":{}}")
                                .build())
                        .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                                .addTextContent(System.getenv("API_USER") + " " + System.getenv("API_TOKEN") + " "
                                        + ProcessHandle.current().pid())
                                .build())
                        .build())
                .build();
        // The SDK reads stdin on its own threads; the process lives until the gateway closes stdin and kills it.
        Thread.currentThread().join();
    }
}
