/**
 * The MCP gateway: agents speak MCP to it, it authenticates each call, decides it in context with Cedar, injects
 * just-in-time credentials, forwards to the upstream MCP server, labels the result and records the call.
 */
@NullMarked
package dev.mandate.gateway;

import org.jspecify.annotations.NullMarked;
