package dev.mandate.gateway;

import dev.mandate.gateway.testing.StreamableServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

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
    private final StreamableServer server;

    HeaderRecordingUpstream() throws Exception {
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
        server = StreamableServer.start(
                HttpServletStreamableServerTransportProvider.builder(), recorder, tools::streamable);
    }

    URI url() {
        return server.url();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
