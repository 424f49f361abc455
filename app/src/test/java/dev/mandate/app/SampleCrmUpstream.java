package dev.mandate.app;

import dev.mandate.gateway.testing.StreamableServer;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.Map;
import java.util.function.Function;

/**
 * A real upstream MCP server for the app's end-to-end tests: the MCP Java SDK's Streamable HTTP servlet on Jetty, on
 * 127.0.0.1 port 0, with a CRM's {@code get_customer}, an outbound {@code send_email} and {@code read_ticket}, whose text comes
 * from outside.
 */
@SuppressWarnings("try") // close() may throw InterruptedException from Jetty's stop; tests just propagate it
final class SampleCrmUpstream implements AutoCloseable {
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final String OBJECT = "{\"type\":\"object\",\"properties\":{}}";

    private final StreamableServer server;

    SampleCrmUpstream() throws Exception {
        server = StreamableServer.start(transport -> McpServer.sync(transport)
                .serverInfo("crm", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(
                        tool("get_customer", a -> "customer " + a.getOrDefault("customerId", "?") + ": Ada Lovelace"),
                        tool("send_email", a -> "sent to " + a.get("to")),
                        tool("read_ticket", a -> "ticket " + a.getOrDefault("ticketId", "?") + ": please help"))
                .build());
    }

    URI url() {
        return server.url();
    }

    private static McpServerFeatures.SyncToolSpecification tool(
            String name, Function<Map<String, Object>, String> body) {
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder()
                        .name(name)
                        .description(name)
                        .inputSchema(JSON, OBJECT)
                        .build())
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                        .addTextContent(body.apply(request.arguments() == null ? Map.of() : request.arguments()))
                        .build())
                .build();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
