package dev.mandate.gateway;

import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An upstream MCP server (the SDK's Streamable HTTP servlet on Jetty, 127.0.0.1 port 0) that records the
 * {@code Authorization} header of every request it receives and answers 401 to requests whose header it does not
 * accept, as a server that demands a credential does.
 */
@SuppressWarnings("try") // close() may throw InterruptedException from Jetty's stop; tests just propagate it
final class HeaderRecordingUpstream implements AutoCloseable {
    final CrmTools tools = new CrmTools();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    volatile Predicate<String> accepts = header -> true;
    private final Server jetty = new Server();
    private final McpSyncServer server;
    private final ServerConnector connector;

    HeaderRecordingUpstream() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .build();
        server = tools.streamable(transport);
        connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        Filter recorder = (request, response, chain) -> {
            String header = ((HttpServletRequest) request).getHeader("Authorization");
            String seen = header == null ? "(none)" : header;
            authorizations.add(seen);
            if (!accepts.test(seen)) {
                ((HttpServletResponse) response).sendError(401);
                return;
            }
            chain.doFilter(request, response);
        };
        context.addFilter(new FilterHolder(recorder), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    }

    @Override
    public void close() throws Exception {
        server.closeGracefully();
        jetty.stop();
    }
}
