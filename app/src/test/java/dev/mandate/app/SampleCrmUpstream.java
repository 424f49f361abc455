package dev.mandate.app;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real upstream MCP server for the app's end-to-end tests: the MCP Java SDK's Streamable HTTP servlet on Jetty, on
 * 127.0.0.1 port 0, with a CRM's {@code get_customer}, an outbound {@code send_email} and {@code read_ticket}, whose text comes
 * from outside.
 */
@SuppressWarnings("try") // close() may throw InterruptedException from Jetty's stop; tests just propagate it
final class SampleCrmUpstream implements AutoCloseable {
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final String OBJECT = "{\"type\":\"object\",\"properties\":{}}";

    private final Server jetty = new Server();
    private final McpSyncServer server;
    private final ServerConnector connector;

    SampleCrmUpstream() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .build();
        server = McpServer.sync(transport)
                .serverInfo("crm", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(
                        tool("get_customer", a -> "customer " + a.getOrDefault("customerId", "?") + ": Ada Lovelace"),
                        tool("send_email", a -> "sent to " + a.get("to")),
                        tool("read_ticket", a -> "ticket " + a.getOrDefault("ticketId", "?") + ": please help"))
                .build();
        connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
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
        server.closeGracefully();
        jetty.stop();
    }
}
