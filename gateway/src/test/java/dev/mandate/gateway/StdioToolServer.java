package dev.mandate.gateway;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;

/** A tiny MCP server over stdio, started as a process by the stdio upstream test. */
final class StdioToolServer {
    private StdioToolServer() {}

    public static void main(String[] args) throws InterruptedException {
        new CrmTools().stdio(new StdioServerTransportProvider(McpJsonDefaults.getMapper()));
        // The SDK reads stdin on its own threads; the process lives until the gateway closes stdin and kills it.
        Thread.currentThread().join();
    }
}
