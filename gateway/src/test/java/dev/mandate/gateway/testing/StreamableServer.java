package dev.mandate.gateway.testing;

import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.net.URI;
import java.util.EnumSet;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;

/**
 * A real upstream MCP server for tests: an MCP Java SDK server on the SDK's Streamable HTTP servlet, served by its own
 * Jetty on 127.0.0.1 with a port the OS picks, at {@code /mcp}. The in-process upstreams of the gateway's and the app's
 * tests are built on it, each with its own tools.
 */
@SuppressWarnings("try") // close() may throw InterruptedException from Jetty's stop; tests just propagate it
public final class StreamableServer implements AutoCloseable {
    private final Server jetty = new Server();
    private final McpSyncServer server;
    private final ServerConnector connector;

    private StreamableServer(
            HttpServletStreamableServerTransportProvider transport,
            Function<HttpServletStreamableServerTransportProvider, McpSyncServer> build,
            @Nullable Filter filter)
            throws Exception {
        server = build.apply(transport);
        connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        if (filter != null) {
            context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
    }

    /**
     * Starts the server that {@code build} makes on a plain transport.
     *
     * @param build builds the SDK server (its tools, resources, capabilities) on the transport it is given
     * @return the running server
     * @throws Exception if Jetty cannot start
     */
    public static StreamableServer start(Function<HttpServletStreamableServerTransportProvider, McpSyncServer> build)
            throws Exception {
        return start(HttpServletStreamableServerTransportProvider.builder(), null, build);
    }

    /**
     * Starts the server that {@code build} makes on a transport of this builder (e.g. with a context extractor), with
     * an optional servlet filter in front of it (e.g. one that records or refuses headers).
     *
     * @param transport the transport's builder; its MCP endpoint is set to {@code /mcp}
     * @param filter run before the transport on every request, or null
     * @param build builds the SDK server on the transport
     * @return the running server
     * @throws Exception if Jetty cannot start
     */
    public static StreamableServer start(
            HttpServletStreamableServerTransportProvider.Builder transport,
            @Nullable Filter filter,
            Function<HttpServletStreamableServerTransportProvider, McpSyncServer> build)
            throws Exception {
        return new StreamableServer(transport.mcpEndpoint("/mcp").build(), build, filter);
    }

    /**
     * The MCP endpoint.
     *
     * @return {@code http://127.0.0.1:<port>/mcp}
     */
    public URI url() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    }

    /**
     * The SDK server, to send notifications.
     *
     * @return the server
     */
    public McpSyncServer server() {
        return server;
    }

    @Override
    public void close() throws Exception {
        server.closeGracefully();
        jetty.stop();
    }
}
