package dev.mandate.app.demo;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One sample MCP server: the MCP Java SDK's Streamable HTTP servlet on its own Jetty, on 127.0.0.1 with a port the OS
 * picks. The {@code Authorization} header of each request is handed to the tools in the transport context under
 * {@link #AUTHORIZATION}, so a tool can use a credential the gateway injected.
 */
final class ToolServer implements AutoCloseable {
    /** The transport-context key under which a tool finds the request's {@code Authorization} header. */
    static final String AUTHORIZATION = "authorization";

    private final String name;
    private final Server jetty;
    private final McpSyncServer server;
    private final ServerConnector connector;

    private ToolServer(String name, Server jetty, McpSyncServer server, ServerConnector connector) {
        this.name = name;
        this.jetty = jetty;
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts a server with these tools.
     *
     * @throws MandateException with {@code UNAVAILABLE} if it cannot listen
     */
    static ToolServer start(String name, List<McpServerFeatures.SyncToolSpecification> tools) {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .contextExtractor(request -> {
                    Map<String, Object> values = new HashMap<>();
                    String authorization = request.getHeader("Authorization");
                    if (authorization != null) {
                        values.put(AUTHORIZATION, authorization);
                    }
                    return McpTransportContext.create(values);
                })
                .build();
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo(name, "demo")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tools)
                .build();
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            server.close();
            throw new MandateException(ErrorCode.UNAVAILABLE, "demo: the sample server '" + name + "' cannot start", e);
        }
        return new ToolServer(name, jetty, server, connector);
    }

    /** The server's name, the namespace of its tools behind the gateway. */
    String name() {
        return name;
    }

    /** The server's MCP endpoint. */
    URI url() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    }

    @Override
    public void close() {
        server.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            // Stopping a local Jetty at exit; nothing a caller could do differently.
        }
    }
}
