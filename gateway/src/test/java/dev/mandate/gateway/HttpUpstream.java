package dev.mandate.gateway;

import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An upstream MCP server (the SDK's Streamable HTTP servlet on Jetty) on 127.0.0.1, port 0. Public so that the relay
 * package's tests of the upstream clients use the same server.
 */
@SuppressWarnings("try") // close() may throw InterruptedException from Jetty's stop; tests just propagate it
public final class HttpUpstream implements AutoCloseable {
    final CrmTools tools = new CrmTools();

    /**
     * How many tool calls the server has answered.
     *
     * @return the count
     */
    public int calls() {
        return tools.calls.get();
    }

    private final Server jetty = new Server();
    private final McpSyncServer server;
    private final ServerConnector connector;

    /**
     * Starts the server.
     *
     * @throws Exception if Jetty cannot start
     */
    public HttpUpstream() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .build();
        server = tools.streamable(transport);
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

    /**
     * The MCP endpoint.
     *
     * @return the URL
     */
    public URI url() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    }

    /**
     * The SDK server, to send notifications.
     *
     * @return the server
     */
    @SuppressWarnings("exports") // a test fixture: the SDK server is what the relay package's tests drive
    public McpSyncServer server() {
        return server;
    }

    @Override
    public void close() throws Exception {
        server.closeGracefully();
        jetty.stop();
    }
}
