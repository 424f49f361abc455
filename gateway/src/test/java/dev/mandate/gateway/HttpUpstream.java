package dev.mandate.gateway;

import dev.mandate.gateway.testing.StreamableServer;
import io.modelcontextprotocol.server.McpSyncServer;
import java.net.URI;

/**
 * An upstream MCP server with the {@link CrmTools} (the SDK's Streamable HTTP servlet on Jetty) on 127.0.0.1, port 0.
 * Public so that the relay package's tests of the upstream clients use the same server.
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

    private final StreamableServer server;

    /**
     * Starts the server.
     *
     * @throws Exception if Jetty cannot start
     */
    public HttpUpstream() throws Exception {
        server = StreamableServer.start(tools::streamable);
    }

    /**
     * The MCP endpoint.
     *
     * @return the URL
     */
    public URI url() {
        return server.url();
    }

    /**
     * The SDK server, to send notifications.
     *
     * @return the server
     */
    @SuppressWarnings("exports") // a test fixture: the SDK server is what the relay package's tests drive
    public McpSyncServer server() {
        return server.server();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
