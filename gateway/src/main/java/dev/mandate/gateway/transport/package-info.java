/**
 * The agent side of the gateway: MCP Streamable HTTP at {@code /mcp} on Javalin (JSON-RPC over POST answered as JSON
 * or SSE, the GET stream, sessions with a bound count and idle expiry, protocol version and {@code Origin} checks,
 * RFC 9728 metadata). It frames and checks messages and hands each request to an {@link McpHandler}.
 */
@NullMarked
package dev.mandate.gateway.transport;

import org.jspecify.annotations.NullMarked;
